"""Counts kept in process memory and written to the database in batches.

Readers' page views and searches are counted without a database write per request: each
process adds to its own counter and writes the totals every `every_seconds` or `at_count`
counts, in one transaction (and at exit). The writes are made by a thread of each process's
own, every `every_seconds` and whenever a batch is full: the reader whose request made a batch
due waited for its write (200 searches, a row at a time, took 379 ms on SQLite; the search
log now writes them in a few statements, search.querylog), and counts made in a quiet minute
waited for the next reader. A batch that cannot
be written (the database locked or down) is kept and tried again after `every_seconds`, not
lost (it was).
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Hashable

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)

# Distinct keys kept while writes fail; past it the newest counts are dropped (and logged),
# so a database down for hours cannot grow a process without bound.
MAX_KEPT_KEYS = 100_000
# Failed writes in a row (an hour, at one try per 30 s) after which the counts held are given
# up (logged): a batch the database refuses for what it holds must not stop every later count.
MAX_FAILED_WRITES = 120
# How long a process's exit waits for a write under way before writing what is left.
EXIT_WAIT_SECONDS = 10.0


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
        self._writes = threading.Lock()
        self._pending: Counter = Counter()
        self._last_flush = time.monotonic()
        self._retry_at = 0.0  # after a failed write: not before
        self._failed_writes = 0
        self._writing = False
        self._writer_pid: int | None = None
        self._wake = threading.Event()
        atexit.register(self._flush_at_exit)

    def add(self, key: Hashable, n: int = 1) -> None:
        background = settings.PORTAL_COUNTS_WRITE_IN_BACKGROUND
        with self._lock:
            if key in self._pending or len(self._pending) < MAX_KEPT_KEYS:
                self._pending[key] += n
            due = self._due(time.monotonic())
            if due and not background:
                self._writing = True
        if background:
            self._ensure_writer()
            if due:
                self._wake.set()
        elif due:
            self._write_due()

    def _due(self, now: float) -> bool:
        return (
            not self._writing
            and bool(self._pending)
            and now >= self._retry_at
            and (
                sum(self._pending.values()) >= self.at_count
                or now - self._last_flush >= self.every_seconds
            )
        )

    def _write_due(self) -> None:
        try:
            self.flush()
        except Exception:  # noqa: BLE001 (a reader's request must not fail for a count)
            logger.exception("计数写入数据库失败，%s 秒后重试", self.every_seconds)
        finally:
            self._writing = False

    def _ensure_writer(self) -> None:
        """This process' writer thread (a forked worker has none of its parent's threads)."""
        if self._writer_pid == os.getpid():
            return
        with self._lock:
            if self._writer_pid != os.getpid():
                self._writer_pid = os.getpid()
                self._wake = threading.Event()
                threading.Thread(target=self._run_writer, daemon=True).start()

    def _run_writer(self) -> None:
        """Writes a batch when one is full (add wakes it) and every `every_seconds` whatever
        has been counted: counts made in a quiet minute waited for the next reader before."""
        while True:
            self._wake.wait(self.every_seconds)
            self._wake.clear()
            if not settings.PORTAL_COUNTS_WRITE_IN_BACKGROUND:
                self._writer_pid = None  # switched off (a test's override ended): stop
                return
            with self._lock:
                due = bool(self._pending) and time.monotonic() >= self._retry_at
            if due:
                try:
                    self._write_due()
                finally:
                    connection.close()  # this thread's own database connection

    def discard_pending(self) -> None:
        """Forget counts not yet written and start a new batch window (a test starting on a
        fresh database: otherwise its first count could flush at once, when the last flush
        was more than every_seconds ago)."""
        with self._lock:
            self._pending.clear()
            self._last_flush = time.monotonic()
            self._retry_at = 0.0
            self._failed_writes = 0

    def flush(self) -> int:
        """Write the pending counts; return how many keys were written. When the write fails
        they are pending again (with those counted since) and the error is raised."""
        with self._writes:  # one write at a time: the writer thread's, a test's, the exit's
            return self._flush()

    def _flush(self) -> int:
        with self._lock:
            pending, self._pending = self._pending, Counter()
            self._last_flush = time.monotonic()
        if not pending:
            return 0
        try:
            self._write(pending)
        except Exception:
            self._failed_writes += 1
            if self._failed_writes >= MAX_FAILED_WRITES:
                self._failed_writes = 0
                logger.error("计数连续 %d 次写入失败，放弃 %d 项", MAX_FAILED_WRITES, len(pending))
                raise
            with self._lock:
                dropped = 0
                for key, n in pending.items():
                    if key in self._pending or len(self._pending) < MAX_KEPT_KEYS:
                        self._pending[key] += n
                    else:
                        dropped += 1
                self._retry_at = time.monotonic() + self.every_seconds
            if dropped:
                logger.warning("待写入的计数过多，丢弃 %d 项", dropped)
            raise
        self._retry_at = 0.0
        self._failed_writes = 0
        return len(pending)

    def _flush_at_exit(self) -> None:
        """What is held, after a write under way in the writer thread (a daemon, stopped with
        the interpreter: its batch was lost when the exit's flush did not wait for it)."""
        if not self._writes.acquire(timeout=EXIT_WAIT_SECONDS):
            logger.warning("退出时计数仍在写入，未等到写完")
            return
        try:
            self._flush()
        except Exception:  # noqa: BLE001 (the database may be gone at exit)
            pass
        finally:
            self._writes.release()
