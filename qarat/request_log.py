import logging
import time

logger = logging.getLogger("qarat.requests")


class RequestLogMiddleware:
    """One log line per request: method, path without its query string, status, duration.

    No client address, no query string, no body: nothing that could be personal data
    (a phone-shaped path is masked by the handlers' filter all the same).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        logger.info(
            "%s %s %s %sms",
            request.method,
            request.path,
            response.status_code,
            duration_ms,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": duration_ms,
            },
        )
        return response
