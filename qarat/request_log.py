import logging
import time

from qarat.privacy_logging import request_route

logger = logging.getLogger("qarat.requests")


class RequestLogMiddleware:
    """One log line per request: method, the URL pattern it matched, status, duration.

    The pattern ("/thanks/<reference:reference>/"), not the path: a path can carry what a
    visitor typed. No client address, no query string, no body either.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        route = request_route(request)
        logger.info(
            "%s %s %s %sms",
            request.method,
            route,
            response.status_code,
            duration_ms,
            extra={
                "method": request.method,
                "route": route,
                "status": response.status_code,
                "duration_ms": duration_ms,
            },
        )
        return response
