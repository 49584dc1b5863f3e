from django.urls import path

from inquiries import views

app_name = "inquiries"

urlpatterns = [
    path("", views.inquiry_form, name="form"),
    path("thanks/<str:reference>/", views.thanks, name="thanks"),
]
