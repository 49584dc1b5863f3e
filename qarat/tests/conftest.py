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
