from django.urls import path

from staff import views

app_name = "staff"

urlpatterns = [
    path("", views.verify, name="verify"),
    path("enrol/", views.enrol, name="enrol"),
    path("password/", views.password, name="password"),
    path("backup-codes/", views.backup_codes, name="backup_codes"),
    path("cancel/", views.cancel, name="cancel"),
]
