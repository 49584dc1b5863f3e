from django.conf import settings
from django.http import HttpResponseBadRequest


class RejectNulBytesMiddleware:
    """Answer 400 to a NUL byte in a query parameter, or in any admin form field.

    PostgreSQL refuses NUL in text, which would surface as a server error deep inside a
    search or a filter. The public form does its own check, so that the visitor sees a
    clear message next to the field with their input kept.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/" + settings.ADMIN_URL

    def __call__(self, request):
        if self._has_nul(request.GET) or (
            request.method == "POST"
            and request.path.startswith(self.admin_prefix)
            and self._has_nul(request.POST)
        ):
            return HttpResponseBadRequest(
                "Invalid characters in the request.", content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)

    @staticmethod
    def _has_nul(params):
        return any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in params.lists()
        )
