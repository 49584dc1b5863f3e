"""The site's URLs plus two baselines served by the same gunicorn and middleware.

- `bench/hello/`: the cheapest possible page, against which `/` is measured;
- `bench/insert/`: one INSERT of the row a submission stores, without the form, CSRF or
  rate limit, against which a real submission of the form is measured.
"""

import functools
import uuid

from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from consent.models import ConsentVersion
from inquiries.models import Inquiry
from qarat.urls import urlpatterns as site_urlpatterns


def hello(request):
    return HttpResponse("Hello, world", content_type="text/plain")


@functools.cache
def _consent():
    version = ConsentVersion.objects.published().order_by("number").last()
    return version.pk, version.sha256("ru")


@csrf_exempt
@require_POST
def insert(request):
    version_id, sha256 = _consent()
    inquiry = Inquiry.objects.create(
        name=request.POST["name"],
        phone=request.POST["phone"],
        message=request.POST.get("message", ""),
        consent_version_id=version_id,
        consent_language="ru",
        consent_sha256=sha256,
        submission_token=uuid.uuid4(),
    )
    response = redirect("inquiries:thanks", reference=inquiry.reference)
    response.status_code = 303
    return response


urlpatterns = [
    path("bench/hello/", hello),
    path("bench/insert/", insert),
    *site_urlpatterns,
]
