"""The shared cache as production runs it: Redis through qarat.cache."""

import pytest

from qarat.cache import RedisCache
from qarat.tests.test_settings import run_django


@pytest.fixture
def redis_cache(shared_redis):
    return RedisCache(shared_redis, {})


def test_a_redis_cache_url_selects_the_project_backend():
    result = run_django(
        "from django.core.cache import caches; print(type(caches['default']).__module__)",
        DEBUG="true",
        CACHE_URL="redis://127.0.0.1:6379/14",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "qarat.cache"


def test_one_redis_client_serves_every_operation(redis_cache):
    client = redis_cache._cache.get_client("a")
    assert redis_cache._cache.get_client("b") is client
    assert redis_cache._cache.get_client("c", write=True) is client
    redis_cache.set("k", "v")
    assert redis_cache.get("k") == "v"


def test_incr_counts_an_existing_key(redis_cache):
    assert redis_cache.add("count", 1, 60) is True
    assert redis_cache.incr("count") == 2
    assert redis_cache.incr("count", 5) == 7
    assert redis_cache.get("count") == 7


def test_incr_of_a_missing_key_fails_and_creates_nothing(redis_cache):
    with pytest.raises(ValueError, match="not found"):
        redis_cache.incr("missing")
    assert redis_cache.get("missing") is None
    assert redis_cache.has_key("missing") is False


def test_incr_keeps_the_expiry_of_the_key(redis_cache, shared_redis):
    import redis

    redis_cache.add("window", 1, 60)
    redis_cache.incr("window")
    key = redis_cache.make_and_validate_key("window")
    ttl = redis.Redis.from_url(shared_redis).ttl(key)
    assert 0 < ttl <= 60


def test_incr_survives_a_flushed_script_cache(redis_cache, shared_redis):
    import redis

    redis_cache.add("n", 1, 60)
    assert redis_cache.incr("n") == 2
    redis.Redis.from_url(shared_redis).script_flush()
    assert redis_cache.incr("n") == 3


def test_a_process_copy_is_reused_for_a_moment_then_read_again(monkeypatch):
    from qarat import cache as module

    now = [1000.0]
    monkeypatch.setattr(module.time, "monotonic", lambda: now[0])
    copy = module.ProcessCopy()
    assert copy.get() is None
    copy.set(("v1",))
    now[0] += module.ProcessCopy.SECONDS - 0.01
    assert copy.get() == ("v1",)
    now[0] += 0.02
    assert copy.get() is None, "after SECONDS the shared cache is asked again"
    copy.set(("v2",))
    module.ProcessCopy.forget_all()
    assert copy.get() is None, "the process that changes a value forgets its copy at once"
