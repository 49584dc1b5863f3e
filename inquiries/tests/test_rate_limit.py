"""The rate limit's count, sent to Redis before the form is checked and read after it."""

import pytest
import redis
from django.core.cache import cache

from inquiries.forms import InquiryForm
from testkit.inquiries import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_limit(settings, shared_redis):
    settings.CACHES = {
        "default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": shared_redis}
    }
    settings.INQUIRY_RATE_LIMIT = "2/10m"
    return redis.Redis.from_url(shared_redis)


def counted(raw_redis):
    keys = raw_redis.keys("*inquiries:rate:*")
    return sum(int(raw_redis.get(key)) for key in keys)


def test_the_count_is_in_redis_while_the_form_is_checked(client, redis_limit, monkeypatch):
    during = []
    full_clean = InquiryForm.full_clean

    def checking(form):
        during.append(counted(redis_limit))
        full_clean(form)

    monkeypatch.setattr(InquiryForm, "full_clean", checking)
    assert client.post("/", form_data()).status_code == 303
    assert during == [1]  # sent before the check, so its round trip ran meanwhile
    assert counted(redis_limit) == 1


def test_a_refused_form_and_a_bot_give_the_count_back(client, redis_limit):
    assert client.post("/", form_data(phone="")).status_code == 400
    assert client.post("/", form_data(website="http://spam.example")).status_code == 303
    assert counted(redis_limit) == 0
    assert client.post("/", form_data()).status_code == 303
    assert client.post("/", form_data()).status_code == 303
    refused = client.post("/", form_data())
    assert refused.status_code == 429
    assert counted(redis_limit) == 2  # the refused one gave its count back too


def test_an_error_while_the_form_is_checked_leaves_no_answer_unread(
    client, redis_limit, monkeypatch
):
    def failing(form):
        raise RuntimeError("a bug in the form")

    monkeypatch.setattr(InquiryForm, "full_clean", failing)
    with pytest.raises(RuntimeError):
        client.post("/", form_data())
    monkeypatch.undo()
    assert counted(redis_limit) == 0
    # Had the count's answer gone back to the pool unread, the next reads would be off by one.
    for number in range(20):
        cache.set(f"probe:{number}", number)
        assert cache.get(f"probe:{number}") == number
    assert client.post("/", form_data()).status_code == 303
    assert counted(redis_limit) == 1


def test_redis_without_the_script_counts_all_the_same(client, redis_limit):
    assert client.post("/", form_data()).status_code == 303
    redis_limit.script_flush()  # as after a Redis restart
    assert client.post("/", form_data()).status_code == 303
    assert client.post("/", form_data()).status_code == 429
    assert counted(redis_limit) == 2


def test_without_redis_the_inquiry_is_stored_and_the_outage_logged(client, settings, log_output):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1},
        }
    }
    response = client.post("/", form_data())
    assert response.status_code == 303 and "/thanks/Q-" in response["Location"]
    assert "Submission not counted: cache unavailable (ConnectionError)." in (log_output.getvalue())
