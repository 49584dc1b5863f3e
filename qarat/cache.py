"""A value every page needs, read from the shared cache and kept by each process a moment."""

import time


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
