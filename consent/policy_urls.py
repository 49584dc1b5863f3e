"""The personal-data policy: the same pages as the consent's, for the other kind of version."""

from django.urls import path

from consent import views
from consent.models import ConsentVersion

app_name = "policy"

POLICY = {"kind": ConsentVersion.Kind.POLICY}

urlpatterns = [
    path("", views.current, POLICY, name="current"),
    path("<int:number>/", views.version, POLICY, name="version"),
    path("<int:number>/<str:language>.txt", views.version_text, POLICY, name="text"),
]
