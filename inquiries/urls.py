from django.urls import path, register_converter

from inquiries import views
from inquiries.models import REFERENCE_PATTERN


class ReferenceConverter:
    """A receipt reference ("Q-7K3M-9XQ2-HD4P"); anything else is not a receipt's address.

    So a malformed reference is a 404 before any query: a NUL or a 10,000-character value
    never reaches the database, where it would fail as an error and not as "not found".
    """

    regex = REFERENCE_PATTERN

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ReferenceConverter, "reference")

app_name = "inquiries"

urlpatterns = [
    path("", views.inquiry_form, name="form"),
    path("thanks/<reference:reference>/", views.thanks, name="thanks"),
]
