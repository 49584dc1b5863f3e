import io
import json
import logging

import pytest

from qarat.privacy_logging import JsonFormatter, NoPersonalData
from testkit.inquiries import CANARY_NAME, CANARY_PHONE, form_data, phone_forms

pytestmark = pytest.mark.django_db

REFERENCE = "Q-7K3M-9XQ2-HD4P"


@pytest.fixture
def request_log():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(NoPersonalData())
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
    assert "utm_source" not in text
    assert not [form for form in phone_forms() if form in text]
    assert CANARY_NAME not in text and CANARY_PHONE not in text
    assert "127.0.0.1" not in text


def test_json_format_carries_the_request_fields(client, request_log):
    stream, handler = request_log
    handler.setFormatter(JsonFormatter())
    client.get(f"/en/thanks/{REFERENCE}/")
    entry = json.loads(stream.getvalue().splitlines()[-1])
    assert entry["logger"] == "qarat.requests"
    assert entry["status"] == 404
    assert entry["method"] == "GET"
    assert entry["route"] == "/en/thanks/<reference:reference>/"
    assert isinstance(entry["duration_ms"], float)


@pytest.mark.parametrize("formatter", [None, JsonFormatter()], ids=["text", "json"])
@pytest.mark.parametrize(
    "path", [f"/thanks/{CANARY_PHONE}/", f"/en/thanks/{REFERENCE}/", "/Канарейка/", "/%D0%96/"]
)
def test_a_request_line_names_the_route_never_the_path(client, request_log, formatter, path):
    stream, handler = request_log
    handler.setFormatter(formatter)
    client.get(path)
    line = stream.getvalue()
    for part in (CANARY_PHONE, CANARY_PHONE[2:], REFERENCE, "Канарейка", "Ж", "\\u"):
        assert part not in line
