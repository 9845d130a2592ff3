"""Counts kept in process memory and written to the database in batches.

Readers' page views and searches are counted without a database write per request: each
process adds to its own counter and writes the totals every FLUSH_EVERY_SECONDS or
FLUSH_AT counts, in one transaction (and at exit).
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Hashable

logger = logging.getLogger(__name__)


class BatchCounter:
    def __init__(
        self,
        write: Callable[[Counter], None],
        every_seconds: float = 30.0,
        at_count: int = 200,
    ):
        self._write = write
        self.every_seconds = every_seconds
        self.at_count = at_count
        self._lock = threading.Lock()
        self._pending: Counter = Counter()
        self._last_flush = time.monotonic()
        atexit.register(self._flush_at_exit)

    def add(self, key: Hashable, n: int = 1) -> None:
        with self._lock:
            self._pending[key] += n
            due = (
                sum(self._pending.values()) >= self.at_count
                or time.monotonic() - self._last_flush >= self.every_seconds
            )
        if due:
            try:
                self.flush()
            except Exception:  # noqa: BLE001 (a reader's request must not fail for a count)
                logger.exception("could not write counts; they are lost")

    def discard_pending(self) -> None:
        """Forget counts not yet written and start a new batch window (a test starting on a
        fresh database: otherwise its first count could flush at once, when the last flush
        was more than every_seconds ago)."""
        with self._lock:
            self._pending.clear()
            self._last_flush = time.monotonic()

    def flush(self) -> int:
        """Write the pending counts; return how many keys were written."""
        with self._lock:
            pending, self._pending = self._pending, Counter()
            self._last_flush = time.monotonic()
        if pending:
            self._write(pending)
        return len(pending)

    def _flush_at_exit(self) -> None:
        try:
            self.flush()
        except Exception:  # noqa: BLE001 (the database may be gone at exit)
            pass
