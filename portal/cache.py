"""The Redis cache, for when Redis is unreachable or hangs.

django-redis with IGNORE_EXCEPTIONS turns a failed call into a miss, but each call still waits
for its timeout: a Redis that accepts connections and never answers cost a second a call,
16–22 s a page. Here, after a failed call, this process leaves Redis alone for RETRY_SECONDS:
every call is a miss at once (pages are built from the database), then Redis is tried again.
"""

from __future__ import annotations

import logging
import time

from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted

logger = logging.getLogger(__name__)


class _Unavailable:
    """Stands in for the client while Redis is left alone: every call fails at once."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionInterrupted(connection=None)

        return fail


# Until when each Redis (by its address) is left alone, for the whole process: Django makes a
# cache object per thread, and a threaded server (runserver, gunicorn's gthread) serves each
# request on a thread of its own, which would otherwise try the hung Redis afresh every time.
_down_until: dict[str, float] = {}


class RedisCacheWithBreaker(RedisCache):
    RETRY_SECONDS = 30.0

    @property
    def _down_until(self) -> float:
        return _down_until.get(str(self._server), 0.0)

    @property
    def _ignore_exceptions(self) -> bool:
        # django-redis reads this only after a call failed: the moment to stop calling Redis.
        now = time.monotonic()
        if now >= self._down_until:
            _down_until[str(self._server)] = now + self.RETRY_SECONDS
            logger.warning("Redis unreachable: cache skipped for %d s", self.RETRY_SECONDS)
        return True

    @_ignore_exceptions.setter
    def _ignore_exceptions(self, value) -> None:
        pass  # always: that is what this class is for

    @property
    def client(self):
        if time.monotonic() < self._down_until:
            return _Unavailable()
        return super().client

    @property
    def unavailable(self) -> bool:
        """Whether Redis is being left alone after a failure."""
        return time.monotonic() < self._down_until
