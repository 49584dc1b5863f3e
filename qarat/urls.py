from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.i18n import set_language

from qarat import analytics, views
from qarat.sitemaps import SITEMAPS

# Russian is served without a prefix; Kazakh under /kk/, English under /en/. First: the form
# at / is most of the traffic.
urlpatterns = i18n_patterns(
    path("", include("inquiries.urls")),
    path("consent/", include("consent.urls")),
    path("privacy/", include("consent.policy_urls")),
    path("analytics/", analytics.analytics_page, name="analytics-choice"),
    prefix_default_language=False,
)
urlpatterns += [
    path("healthz", views.healthz, name="healthz"),
    # Asked for at the root by browsers and crawlers, whatever the pages link.
    path("favicon.ico", views.favicon, name="favicon"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    # The code step of the staff login, before the admin's own catch-all URL.
    path(f"{settings.ADMIN_URL}second-factor/", include("staff.urls")),
    # The admin's language switch (a cookie; staff.language reads it on admin pages only).
    path(f"{settings.ADMIN_URL}language/", set_language, name="admin_language"),
    path(settings.ADMIN_URL, admin.site.urls),
]
