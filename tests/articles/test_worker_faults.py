"""A Celery worker process killed in the middle of publishing: the page still goes live once."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.db import connection
from django.utils import timezone
from wagtail.models import Revision

from articles import scheduling
from articles.models import ArticlePage
from articles.tasks import publish_scheduled_pages
from tests.articles.test_scheduling import schedule, scheduled_publications
from tests.conftest import celery_app_on, require_service

REPO = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """The test database, for a worker in another process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def spawn_worker(broker_url: str, log: Path, *extra_args: str, **extra_env: str):
    """A Celery worker in a process of its own, on the test database and this broker."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "DEBUG": "false",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker_url,
        **extra_env,
    }
    with log.open("a") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", "worker", "-P", "solo",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info",
             *extra_args],
            cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip


def kill(process) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(30)


@contextlib.contextmanager
def worker_process(broker_url: str, log: Path, *extra_args: str, **extra_env: str):
    worker = spawn_worker(broker_url, log, *extra_args, **extra_env)
    try:
        yield worker
    finally:
        kill(worker)


def wait_for_text(log: Path, text: str, process, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while text not in log.read_text() and time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        time.sleep(0.2)
    assert text in log.read_text(), log.read_text()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_while_publishing_leaves_the_page_to_be_published_once(
    portal, redis_url, tmp_path
):
    log = tmp_path / "worker.log"
    # PORTAL_FAULT_PUBLISH_DELAY: it holds the lock mid-publish until killed.
    with worker_process(redis_url, log, PORTAL_FAULT_PUBLISH_DELAY="60") as worker:
        with celery_app_on(redis_url):
            article, revision = schedule(
                portal.national_section, timezone.now() + timedelta(seconds=2)
            )  # its task goes to Redis on commit
        wait_for_text(log, f"holding revision {revision.pk}", worker)
        os.killpg(worker.pid, signal.SIGKILL)  # mid-publish, inside its transaction

    # Nothing half-done: not live, still scheduled.
    assert not ArticlePage.objects.get(pk=article.pk).live
    revision = Revision.objects.get(pk=revision.pk)
    assert revision.approved_go_live_at is not None
    # The beat sweep publishes it; the killed worker's message, delivered again once Redis'
    # visibility timeout passes, finds it done.
    assert publish_scheduled_pages()["published"] == 1
    assert scheduling.publish_due_revision(revision.pk, revision.approved_go_live_at) is False
    assert ArticlePage.objects.get(pk=article.pk).live
    assert scheduled_publications(article) == 1


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def redis_server(port: int, data: Path):
    """A Redis of this test's own (no persistence, like the test command's)."""
    args = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--dir", str(data)]  # fmt: skip
    server = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        with redis.Redis(port=port) as client:
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                try:
                    client.ping()
                    break
                except redis.exceptions.ConnectionError:
                    time.sleep(0.1)
            client.ping()
        yield server
    finally:
        server.kill()
        server.wait(10)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_redis_restarted_before_go_live_the_page_is_still_published_once(portal, tmp_path):
    """The worker holds the ETA message; Redis restarts (losing everything, no persistence)
    before the go-live time. Celery's worker may die of the lost connection (kombu fails to
    restore unacknowledged messages from a server that is gone); like systemd or Docker with
    a restart policy, the test starts it again. Its beat sweep publishes the page, once."""
    if shutil.which("redis-server") is None:
        require_service("redis-server", "not installed (bash scripts/test.sh installs it)")
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    log = tmp_path / "worker.log"
    args = ("--beat", "-s", str(tmp_path / "beat-schedule"))
    server = redis_server(port, tmp_path)
    server.__enter__()
    worker = spawn_worker(url, log, *args)
    restarts = 0
    try:
        with celery_app_on(url):
            article, revision = schedule(
                portal.national_section, timezone.now() + timedelta(seconds=6)
            )
        wait_for_text(log, "articles.tasks.publish_revision", worker)  # received, held
        server.__exit__(None, None, None)  # Redis goes down and comes back empty
        server = redis_server(port, tmp_path)
        server.__enter__()
        deadline = time.monotonic() + 90
        while not ArticlePage.objects.get(pk=article.pk).live and time.monotonic() < deadline:
            if worker.poll() is not None:  # the supervisor's restart
                restarts += 1
                assert restarts <= 3, log.read_text()
                worker = spawn_worker(url, log, *args)
            time.sleep(0.2)
    finally:
        kill(worker)
        server.__exit__(None, None, None)
    assert ArticlePage.objects.get(pk=article.pk).live, log.read_text()
    assert scheduled_publications(article) == 1
