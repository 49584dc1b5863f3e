from django.urls import path

from staff import views

app_name = "staff"

urlpatterns = [
    path("", views.verify, name="verify"),
    path("enrol/", views.enrol, name="enrol"),
    path("password/", views.password, name="password"),
    path("cancel/", views.cancel, name="cancel"),
]
