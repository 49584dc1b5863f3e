"""A value every page needs, kept in the shared cache and, for a moment, in each process.

Every page needs the published consent versions and the public texts; asking Redis for
each on every request costs two round trips, during which a worker serves nobody else.
They change a few times a year: the process that changes one sees it at once
(`forget()`), every other within `PROCESS_SECONDS`. While the database is down each
process keeps showing what it last read.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError

# How long a process reuses its copy before asking the shared cache again.
PROCESS_SECONDS = 2.0


class SharedValue:
    """`load()`'s result, in the shared cache for TEXTS_CACHE_SECONDS and in this process
    for PROCESS_SECONDS; `load` is called only when neither has it."""

    _instances = []

    def __init__(self, key, load):
        self.key = key
        self.load = load
        self._value = None
        self._fresh_until = 0.0
        SharedValue._instances.append(self)

    def get(self, *, fresh=False):
        """The value; `fresh` skips this process's copy, up to PROCESS_SECONDS old."""
        if not fresh and self._value is not None and time.monotonic() < self._fresh_until:
            return self._value
        value = cache.get(self.key)
        if value is None:
            try:
                value = self.load()
            except DatabaseError:
                if self._value is None:
                    raise
                value = self._value  # the last one read; the database is asked again later
            else:
                cache.set(self.key, value, settings.TEXTS_CACHE_SECONDS)
        self._value = value
        self._fresh_until = time.monotonic() + PROCESS_SECONDS
        return value

    def forget(self):
        """After a change committed in this process: every process reads it anew."""
        cache.delete(self.key)
        self._fresh_until = 0.0

    @classmethod
    def forget_all(cls):
        """Tests: every value as in a new process."""
        for shared in cls._instances:
            cache.delete(shared.key)
            shared._value = None
