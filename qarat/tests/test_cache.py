"""The shared cache as production runs it (Redis through django-redis), and the values
every page reads from it (SharedValue)."""

import threading

import pytest
import redis
from django.core.cache import cache
from django.db import OperationalError
from django_redis.cache import RedisCache

from qarat.cache import PROCESS_SECONDS, SharedValue
from testkit.site import run_django


@pytest.fixture
def redis_cache(shared_redis):
    return RedisCache(shared_redis, {})


@pytest.fixture
def raw_redis(shared_redis):
    return redis.Redis.from_url(shared_redis)


def test_a_redis_cache_url_selects_django_redis():
    result = run_django(
        "from django.core.cache import caches; print(type(caches['default']).__module__)",
        DEBUG="true",
        CACHE_URL="redis://127.0.0.1:6379/14",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django_redis.cache"


def test_one_redis_client_serves_every_operation(redis_cache, monkeypatch):
    # Building a redis.Redis costs more than a round trip (Django's own backend builds
    # one per operation); django-redis keeps one per server.
    redis_cache.set("k", "v")
    built = []
    original_init = redis.Redis.__init__

    def counting_init(self, *args, **kwargs):
        built.append(self)
        original_init(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "__init__", counting_init)
    for n in range(5):
        redis_cache.set(f"k{n}", n)
        assert redis_cache.get(f"k{n}") == n
        redis_cache.add(f"c{n}", 0, 60)
        redis_cache.incr(f"c{n}")
    assert built == []


def test_keys_are_named_as_with_djangos_own_backend(redis_cache, raw_redis):
    redis_cache.set("name", "v", 60)
    assert raw_redis.exists(":1:name") == 1


def test_incr_counts_an_existing_key(redis_cache):
    assert redis_cache.add("count", 1, 60) is True
    assert redis_cache.incr("count") == 2
    assert redis_cache.incr("count", 5) == 7
    assert redis_cache.decr("count") == 6
    assert redis_cache.get("count") == 6


@pytest.mark.parametrize("operation", ["incr", "decr"])
def test_incr_and_decr_of_a_missing_key_fail_and_create_nothing(redis_cache, operation):
    with pytest.raises(ValueError, match="not found"):
        getattr(redis_cache, operation)("missing")
    assert redis_cache.has_key("missing") is False


def test_incr_keeps_the_expiry_of_the_key(redis_cache, raw_redis):
    redis_cache.add("window", 1, 60)
    redis_cache.incr("window")
    redis_cache.decr("window")
    assert 0 < raw_redis.ttl(":1:window") <= 60


@pytest.mark.parametrize("operation", ["incr", "decr"])
def test_incr_and_decr_check_and_count_in_one_command(redis_cache, monkeypatch, operation):
    # Checked, then counted in a second command, a counter expiring in between would be
    # made again without expiry: the client would stay limited for ever.
    redis_cache.add("window", 1, 60)
    sent = []
    original = redis.Redis.execute_command

    def recording(self, *args, **options):
        sent.append(args[0])
        return original(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", recording)
    getattr(redis_cache, operation)("window")
    assert sent in (["EVAL"], ["EVALSHA"])


def test_concurrent_increments_are_all_counted(redis_cache):
    redis_cache.add("burst", 0, 60)

    def count():
        for _ in range(50):
            redis_cache.incr("burst")

    threads = [threading.Thread(target=count) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert redis_cache.get("burst") == 200


@pytest.fixture
def clock(monkeypatch):
    from qarat import cache as module

    now = [1000.0]
    monkeypatch.setattr(module.time, "monotonic", lambda: now[0])
    return now


def test_a_shared_value_is_reused_by_the_process_for_a_moment_then_read_again(clock):
    loads = []
    shared = SharedValue("test:value", lambda: loads.append(1) or len(loads))
    assert shared.get() == 1
    cache.set("test:value", 2)  # another process changed it and refilled the cache
    clock[0] += PROCESS_SECONDS - 0.01
    assert shared.get() == 1
    clock[0] += 0.02
    assert shared.get() == 2, "after PROCESS_SECONDS the shared cache is asked again"
    assert len(loads) == 1


def test_a_change_shows_at_once_in_its_process_and_in_the_others_within_seconds(clock):
    source = ["v1"]
    here = SharedValue("test:value", lambda: source[0])
    elsewhere = SharedValue("test:value", lambda: source[0])  # another worker's
    assert here.get() == elsewhere.get() == "v1"
    source[0] = "v2"
    here.forget()
    assert here.get() == "v2"
    assert elsewhere.get() == "v1"
    clock[0] += PROCESS_SECONDS
    assert elsewhere.get() == "v2"


def test_the_shared_cache_keeps_the_value_for_the_setting(settings, monkeypatch):
    settings.TEXTS_CACHE_SECONDS = 123
    timeouts = []
    monkeypatch.setattr(cache, "set", lambda key, value, timeout: timeouts.append(timeout))
    SharedValue("test:value", lambda: "v").get()
    assert timeouts == [123]


def test_while_the_database_is_down_the_last_value_read_is_kept(clock):
    source = ["v1"]

    def load():
        if source[0] is None:
            raise OperationalError("connection refused")
        return source[0]

    shared = SharedValue("test:value", load)
    assert shared.get() == "v1"
    source[0] = None
    shared.forget()
    assert shared.get() == "v1"
    clock[0] += PROCESS_SECONDS
    assert shared.get(fresh=True) == "v1"
    source[0] = "v2"
    clock[0] += PROCESS_SECONDS
    assert shared.get() == "v2", "the database is asked again once it is back"

    never_read = SharedValue("test:other", load)
    source[0] = None
    with pytest.raises(OperationalError):
        never_read.get()


def test_a_rate_limit_slot_costs_one_round_trip_and_expires_with_its_period(
    settings, shared_redis, raw_redis, monkeypatch, rf
):
    from inquiries.rate_limit import submission_slot_reserve

    settings.CACHES = {
        "default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": shared_redis}
    }
    settings.INQUIRY_RATE_LIMIT = "2/10m"
    first = submission_slot_reserve(rf.post("/"))  # loads the script into Redis
    sent = []
    original = redis.connection.AbstractConnection.send_command

    def recording(self, *args, **options):
        sent.append(args[0])
        return original(self, *args, **options)

    monkeypatch.setattr(redis.connection.AbstractConnection, "send_command", recording)
    second = submission_slot_reserve(rf.post("/"))
    assert sent == ["EVALSHA"]  # one command: the count and, for a new key, its expiry
    monkeypatch.undo()
    (key,) = raw_redis.keys("*inquiries:rate:*")
    assert 0 < raw_redis.ttl(key) <= 600
    assert first.granted and second.granted
    assert not submission_slot_reserve(rf.post("/")).granted
    assert int(raw_redis.get(key)) == 2  # the refused one gave its count back
    first.release()
    assert int(raw_redis.get(key)) == 1
    assert submission_slot_reserve(rf.post("/")).granted


@pytest.mark.parametrize("address", ["203.0.113.7", "2001:db8:1:2::", "unknown"])
def test_the_rate_limit_key_is_the_keyed_hash_django_makes(settings, rf, address):
    from django.utils.crypto import salted_hmac

    from inquiries.rate_limit import KEY_SALT, client_key

    request = rf.post("/")
    request.META["REMOTE_ADDR"] = address
    expected = salted_hmac(KEY_SALT, address, algorithm="sha256").hexdigest()
    if address.startswith("2001"):
        expected = salted_hmac(KEY_SALT, "2001:db8:1:2::/64", algorithm="sha256").hexdigest()
    assert client_key(request) == expected
    settings.SECRET_KEY = "another-secret-key-for-this-test-only"
    assert client_key(request) != expected  # keyed on the secret in force
