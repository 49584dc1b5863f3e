from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from qarat import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # The code step of the staff login, before the admin's own catch-all URL.
    path(f"{settings.ADMIN_URL}second-factor/", include("staff.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]

# Russian is served without a prefix; Kazakh under /kk/, English under /en/.
urlpatterns += i18n_patterns(
    path("", include("inquiries.urls")),
    path("consent/", include("consent.urls")),
    path("analytics/", views.analytics_choice, name="analytics-choice"),
    prefix_default_language=False,
)
