import io
import json
import logging

import pytest

from inquiries.tests.helpers import CANARY_NAME, CANARY_PHONE, form_data
from qarat.privacy_logging import JsonFormatter, MaskPhoneNumbers

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_log():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskPhoneNumbers())
    logger = logging.getLogger("qarat.requests")
    logger.addHandler(handler)
    yield stream, handler
    logger.removeHandler(handler)


def test_one_line_per_request_without_query_string_or_form_data(client, request_log):
    stream, _handler = request_log
    client.get("/en/", {"utm_source": "mail", "q": "8 701 555 12 34"})
    client.post("/en/", form_data())
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("GET /en/ 200 ")
    assert lines[1].startswith("POST /en/ 303 ")
    text = stream.getvalue()
    assert "utm_source" not in text and "701" not in text
    assert CANARY_NAME not in text and CANARY_PHONE not in text
    assert "127.0.0.1" not in text


def test_json_format_carries_the_request_fields(client, request_log):
    stream, handler = request_log
    handler.setFormatter(JsonFormatter())
    client.get(f"/thanks/{CANARY_PHONE}/")
    entry = json.loads(stream.getvalue().splitlines()[-1])
    assert entry["logger"] == "qarat.requests"
    assert entry["status"] == 404
    assert entry["method"] == "GET"
    assert CANARY_PHONE not in entry["message"]  # masked before formatting
    assert isinstance(entry["duration_ms"], float)
