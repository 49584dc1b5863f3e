"""Django's Redis cache, keeping one Redis client per connection pool.

Django's own `RedisCacheClient.get_client()` builds a new `redis.Redis` for every cache
operation; building one fills its table of some 170 response callbacks, which cost more
than the round trip itself on every page. A `redis.Redis` is safe to share between
threads (each command takes a connection from the pool), so one per pool is enough.

`incr()` (the rate limit's counter) is also one round trip instead of two: Django asks
EXISTS, then INCRBY; here one script does both, atomically.
"""

import time

from django.core.cache.backends import redis

# Django's contract: a missing key is an error, never created by incr() (it would have
# no expiry). Runs as EVALSHA: the script text is sent once per connection pool.
INCR_EXISTING = """
if redis.call('EXISTS', KEYS[1]) == 1 then
    return redis.call('INCRBY', KEYS[1], ARGV[1])
end
return false
"""


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}
        self._incr_scripts = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(
                connection_pool=self._get_connection_pool(write)
            )
        return client

    def incr(self, key, delta):
        client = self.get_client(key, write=True)
        script = self._incr_scripts.get(id(client))
        if script is None:
            script = self._incr_scripts[id(client)] = client.register_script(INCR_EXISTING)
        value = script(keys=[key], args=[delta])
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return value


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient


class ProcessCopy:
    """A value read from the shared cache, reused by this process for `SECONDS`.

    Every page needs the consent versions and the public texts; asking Redis for each on
    every request costs two round trips, during which a worker serves nobody else. They
    change a few times a year: the process that changes one sees it at once (`forget()`),
    every other worker within `SECONDS`.
    """

    SECONDS = 2.0
    _instances = []

    def __init__(self):
        self._value = None
        self._fresh_until = 0.0
        ProcessCopy._instances.append(self)

    def get(self):
        if self._value is not None and time.monotonic() < self._fresh_until:
            return self._value
        return None

    def set(self, value):
        self._value = value
        self._fresh_until = time.monotonic() + self.SECONDS

    def forget(self):
        self._value = None

    @classmethod
    def forget_all(cls):
        for copy in cls._instances:
            copy.forget()
