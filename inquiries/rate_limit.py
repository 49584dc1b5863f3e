"""How many inquiries one client may send (INQUIRY_RATE_LIMIT): a slot is reserved before
storing and given back when nothing was stored, which django-ratelimit cannot do. The key is
a keyed hash of the client's address (an IPv6 client is its /64)."""

import functools
import ipaddress
import logging
import re
import time
from dataclasses import dataclass

import redis
from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

from qarat.network import client_ip_address

logger = logging.getLogger(__name__)

RATE = re.compile(r"^(?P<count>\d+)/(?P<multiple>\d*)(?P<unit>[smhd])$")
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
IPV6_PREFIX = 64
KEY_SALT = "inquiries.rate_limit"


def rate_parse(rate):
    """(count, seconds) of "5/10m"; ValueError for anything else."""
    match = RATE.match(rate.strip())
    if match is None:
        raise ValueError(f"A rate is COUNT/PERIOD such as 5/10m, not {rate!r}.")
    seconds = UNIT_SECONDS[match["unit"]] * int(match["multiple"] or 1)
    return int(match["count"]), seconds


def client_key(request):
    """A keyed hash of the client's address, or of its /64 for IPv6; never the address."""
    address = client_ip_address(request) or "unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        pass
    else:
        if ip.version == 6 and ip.ipv4_mapped is None:
            address = str(ipaddress.ip_network(f"{ip}/{IPV6_PREFIX}", strict=False))
        elif ip.version == 6:
            address = str(ip.ipv4_mapped)
    mac = _keyed_hmac(settings.SECRET_KEY).copy()
    mac.update(address.encode())
    return mac.hexdigest()


@functools.lru_cache(maxsize=2)
def _keyed_hmac(secret):
    """`salted_hmac(KEY_SALT, ..., algorithm="sha256")`, its key derived once per secret."""
    return salted_hmac(KEY_SALT, b"", secret=secret, algorithm="sha256")


# Count and, for a new counter, set its expiry: one atomic round trip to Redis.
COUNT_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""


@functools.lru_cache(maxsize=8)
def _count_script(redis_client):
    return redis_client.register_script(COUNT_SCRIPT)


def _redis_client():
    """django-redis's client of the shared cache, or None for another cache backend."""
    backend = getattr(cache, "client", None)
    return backend.get_client(write=True) if hasattr(backend, "get_client") else None


def _count(key, period):
    """This submission counted in the client's period: the count, this one included."""
    redis_client = _redis_client()
    if redis_client is not None:  # the script, keyed as cache.decr keys
        return _count_script(redis_client)(keys=[cache.make_key(key)], args=[period])
    cache.add(key, 0, timeout=period)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr: the new period starts empty
        cache.add(key, 0, timeout=period)
        return cache.incr(key)


@dataclass
class Slot:
    granted: bool
    key: str | None = None  # what release() gives back; None: nothing was counted

    def release(self):
        """Give the slot back: the submission it was reserved for was not stored."""
        if self.key is not None:
            cache.decr(self.key)
            self.key = None


def submission_slot_reserve(request, *, now=None):
    """Reserve one of the client's submissions in the current period, or refuse one."""
    with SlotRequest(request, now=now) as slot_request:
        return slot_request.reserve()


class SlotRequest:
    """A reservation sent to Redis at once and answered by `reserve()`: the view sends it
    before checking the form, so the round trip runs meanwhile instead of after it.

    Leaving the `with` block unreserved (the form refused) gives the count back; the
    connection goes back to the pool only with its answer read. Other caches count in
    `reserve()`.
    """

    def __init__(self, request, *, now=None):
        self.limit, self.period = rate_parse(settings.INQUIRY_RATE_LIMIT)
        window = int(now or time.time()) // self.period
        self.key = f"inquiries:rate:{client_key(request)}:{self.period}:{window}"
        self._pool = self._connection = self._slot = self._error = None

    def __enter__(self):
        try:
            redis_client = _redis_client()
            if redis_client is not None:
                sha = _count_script(redis_client).sha
                self._pool = redis_client.connection_pool
                self._connection = self._pool.get_connection()
                key = cache.make_key(self.key)
                self._connection.send_command("EVALSHA", sha, 1, key, self.period)
        except redis.RedisError as error:
            self._release(broken=True)
            self._error = error  # reserve() logs it: Redis is not tried twice per request
        return self

    def reserve(self):
        """The slot: granted and counted, or refused (its count given back)."""
        try:
            count = self._answer()
        except redis.RedisError as error:
            # Redis is down or not answering: an inquiry matters more than the limit, which
            # the honeypot and the signed start time back up meanwhile; /healthz says 503.
            logger.error("Submission not counted: cache unavailable (%s).", type(error).__name__)
            self._slot = Slot(granted=True)
            return self._slot
        if count > self.limit:
            cache.decr(self.key)
            self._slot = Slot(granted=False)
        else:
            self._slot = Slot(granted=True, key=self.key)
        return self._slot

    def _answer(self):
        if self._error is not None:
            raise self._error
        if self._connection is None:
            return _count(self.key, self.period)
        try:
            return self._connection.read_response()
        except redis.exceptions.NoScriptError:
            # Redis lost its scripts (a restart): nothing was counted; load it and count.
            self._release()
            return _count(self.key, self.period)
        except BaseException:
            self._release(broken=True)
            raise
        finally:
            self._release()

    def _release(self, *, broken=False):
        if self._connection is not None:
            if broken:
                self._connection.disconnect()  # an answer may still be on its way
            self._pool.release(self._connection)
            self._pool = self._connection = None

    def __exit__(self, *exc_info):
        if self._slot is None and self._connection is not None:
            # Sent but not reserved (the form was refused, or an error): give it back.
            try:
                self._connection.read_response()
                self._release()
                cache.decr(self.key)
            except redis.RedisError:
                self._release(broken=True)
        self._release(broken=True)
