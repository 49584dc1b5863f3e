from django.contrib.sitemaps import Sitemap
from django.urls import reverse

# The public pages search engines may list, by URL name: adding a page is one line.
PUBLIC_PAGES = [
    "inquiries:form",
    "consent:current",
    "policy:current",
]


class PublicPagesSitemap(Sitemap):
    """Each public page once per language, with its hreflang alternates and x-default."""

    i18n = True
    alternates = True
    x_default = True

    def items(self):
        return PUBLIC_PAGES

    def location(self, item):
        return reverse(item)


SITEMAPS = {"pages": PublicPagesSitemap}
