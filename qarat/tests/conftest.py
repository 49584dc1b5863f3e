import io
import logging
import os

import pytest

REDIS_URL = "redis://127.0.0.1:6379/14"


@pytest.fixture
def shared_redis():
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        message = "No Redis on 127.0.0.1:6379: .ci/run starts one; start redis-server to run this."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    client.flushdb()
    yield REDIS_URL
    client.flushdb()


@pytest.fixture
def log_output():
    """What the site's own handlers write, at every level, for the whole test."""
    stream = io.StringIO()
    handlers = logging.getLogger().handlers + logging.getLogger("django").handlers
    consoles = {id(h): h for h in handlers if type(h) is logging.StreamHandler}.values()
    assert consoles, "the site's console handler is not configured"
    previous = [(h, h.stream) for h in consoles]
    for handler in consoles:
        handler.setStream(stream)
    levels = {name: logging.getLogger(name).level for name in ("", "django", "inquiries")}
    for name in levels:
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield stream
    for handler, old in previous:
        handler.setStream(old)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
