from django.urls import path

from consent import views

app_name = "consent"

urlpatterns = [
    path("", views.current, name="current"),
    path("<int:number>/", views.version, name="version"),
    path("<int:number>/<str:language>.txt", views.version_text, name="text"),
]
