"""Counts are written off the reader's request, and a batch the database refuses is kept."""

import threading
import time
from collections import Counter

import pytest
from django.test import override_settings

from portal.batching import BatchCounter


class Database:
    """Where a counter writes: refuses while `down`, holds a write while `held` is unset."""

    def __init__(self):
        self.rows: Counter = Counter()
        self.writes = 0
        self.down = False
        self.held = threading.Event()
        self.held.set()

    def write(self, pending: Counter) -> None:
        self.writes += 1
        self.held.wait(10)
        if self.down:
            raise ConnectionError("database unreachable")
        self.rows.update(pending)


def test_a_batch_the_database_refuses_is_kept_and_written_later():
    db = Database()
    counter = BatchCounter(db.write, every_seconds=3600, at_count=1000)
    counter.add("党建", 2)
    counter.add("思政")
    db.down = True
    with pytest.raises(ConnectionError):
        counter.flush()
    counter.add("党建")  # counted while it was down
    db.down = False
    assert counter.flush() == 2
    assert db.rows == Counter({"党建": 3, "思政": 1})  # was: the first batch lost


def test_after_a_refused_write_the_next_try_waits(caplog):
    db = Database()
    counter = BatchCounter(db.write, every_seconds=0.5, at_count=3)
    db.down = True
    for _ in range(3):
        counter.add("党建")  # due: written in the request (test settings), refused
    assert db.writes == 1 and "计数写入数据库失败" in caplog.text
    for _ in range(10):
        counter.add("党建")  # over at_count, but not a write per count while it is down
    assert db.writes == 1
    db.down = False
    time.sleep(0.6)
    counter.add("思政")
    assert db.writes == 2 and db.rows == Counter({"党建": 13, "思政": 1})


def wait_for(condition, seconds=10):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not in time"
        time.sleep(0.02)


@override_settings(PORTAL_COUNTS_WRITE_IN_BACKGROUND=True)
def test_the_request_that_makes_a_batch_due_does_not_wait_for_its_write():
    db = Database()
    db.held.clear()  # a slow database: the write takes until released
    counter = BatchCounter(db.write, every_seconds=3600, at_count=2)
    started = time.monotonic()
    counter.add("党建")
    counter.add("思政")  # due: the process's writer takes it
    wait_for(lambda: db.writes == 1)  # under way, held
    for _ in range(5):
        counter.add("红船精神")  # due again, but one write at a time
    assert time.monotonic() - started < 5 and db.writes == 1
    assert db.rows == Counter()
    db.held.set()
    wait_for(lambda: db.rows == Counter({"党建": 1, "思政": 1, "红船精神": 5}))


@override_settings(PORTAL_COUNTS_WRITE_IN_BACKGROUND=True)
def test_counts_of_a_quiet_moment_are_written_without_waiting_for_the_next_reader():
    db = Database()
    counter = BatchCounter(db.write, every_seconds=0.3, at_count=1000)
    counter.add("党建")  # nothing else comes: written all the same, every_seconds later
    wait_for(lambda: db.rows == Counter({"党建": 1}), seconds=5)


@override_settings(PORTAL_COUNTS_WRITE_IN_BACKGROUND=True)
def test_a_process_exiting_mid_write_waits_for_it_then_writes_the_rest():
    """The writer thread dies with the interpreter: its batch was lost when the exit's flush
    went ahead without it."""
    db = Database()
    db.held.clear()
    counter = BatchCounter(db.write, every_seconds=3600, at_count=2)
    counter.add("党建")
    counter.add("思政")
    wait_for(lambda: db.writes == 1)  # the writer's batch, held
    counter.add("红船精神")  # after it: pending at exit
    threading.Timer(0.3, db.held.set).start()
    counter._flush_at_exit()  # what atexit runs
    assert db.rows == Counter({"党建": 1, "思政": 1, "红船精神": 1})


def test_a_writer_stops_once_writing_in_the_background_is_off():
    """A test that switched it on left the process's writer behind, writing later tests'
    counts on its own connection."""
    db = Database()
    counter = BatchCounter(db.write, every_seconds=0.2, at_count=1000)
    before = set(threading.enumerate())
    with override_settings(PORTAL_COUNTS_WRITE_IN_BACKGROUND=True):
        counter.add("党建")
        wait_for(lambda: db.rows == Counter({"党建": 1}))
        (writer,) = set(threading.enumerate()) - before
    writer.join(5)
    assert not writer.is_alive() and counter._writer_pid is None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # a thread writes
def test_readers_searches_are_written_by_a_thread(client, portal, monkeypatch):
    from wagtail.contrib.search_promotions.models import Query

    from search.querylog import query_log

    query_log.discard_pending()
    monkeypatch.setattr(query_log, "at_count", 3)
    with override_settings(PORTAL_COUNTS_WRITE_IN_BACKGROUND=True):
        for n in range(3):
            client.get("/search/", {"q": "党建"}, HTTP_HOST="national.test",
                       REMOTE_ADDR=f"203.0.113.{n}")  # fmt: skip
        deadline = time.monotonic() + 10
        while not Query.objects.filter(query_string="党建").exists():
            assert time.monotonic() < deadline, "the counts were not written"
            time.sleep(0.05)
    assert Query.get("党建").hits == 3
