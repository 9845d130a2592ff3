"""Sending Celery tasks while the broker may be unreachable.

Each send to a Redis that is down waits out kombu's retries (0.64 s a call here, a socket
timeout each where Redis hangs). An import publishes an article a line and each publication
sends a task: with Redis down, an import of 10,000 lines would have spent hours waiting and
logged a warning per line. Here, after a failed send, this process sends nothing to that
broker for RETRY_SECONDS: each caller's fallback (the periodic sweep, running the task here)
takes over at once, and the outage is logged once.
"""

from __future__ import annotations

import logging
import threading
import time

from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)
RETRY_SECONDS = 30.0

# Until when each broker (by its URL) is left alone, for the whole process: gunicorn's threads
# and an import's batches share it.
_down_until: dict[str, float] = {}
_lock = threading.Lock()


class BrokerUnavailable(Exception):
    """The task was not sent: the broker failed just now or within RETRY_SECONDS (or the
    message could not be made). No URL in it: a broker URL may hold a password."""


def send(task, **options):
    """task.apply_async(**options), or BrokerUnavailable at once while the broker is left
    alone after a failure."""
    url = str(task.app.conf.broker_url)
    if time.monotonic() < _down_until.get(url, 0.0):
        raise BrokerUnavailable()
    try:
        return task.apply_async(**options)
    except (OperationalError, OSError) as exc:  # the broker's connection (kombu wraps it)
        with _lock:
            first = time.monotonic() >= _down_until.get(url, 0.0)
            _down_until[url] = time.monotonic() + RETRY_SECONDS
        if first:
            logger.warning(
                "broker unreachable (%s): no task sent for %d s; the periodic sweeps and "
                "refreshes catch up once it answers",
                exc.__class__.__name__,
                RETRY_SECONDS,
            )
        raise BrokerUnavailable() from exc
    except Exception as exc:  # noqa: BLE001 (this message, not the broker: others still go)
        logger.exception("task %s not sent", getattr(task, "name", task))
        raise BrokerUnavailable() from exc
