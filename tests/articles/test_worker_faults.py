"""A Celery worker process killed in the middle of publishing: the page still goes live once."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from wagtail.models import Revision

from articles import scheduling
from articles.models import ArticlePage
from articles.tasks import publish_scheduled_pages
from tests.articles.test_scheduling import schedule, scheduled_publications
from tests.conftest import celery_app_on

REPO = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """The test database, for a worker in another process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_while_publishing_leaves_the_page_to_be_published_once(
    portal, redis_url, tmp_path
):
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "DEBUG": "false",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": redis_url,
        "PORTAL_FAULT_PUBLISH_DELAY": "60",  # it holds the lock mid-publish until killed
    }
    out = log.open("w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "-P", "solo",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info"],
        cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    try:
        with celery_app_on(redis_url):
            article, revision = schedule(
                portal.national_section, timezone.now() + timedelta(seconds=2)
            )  # its task goes to Redis on commit
        marker = f"holding revision {revision.pk}"
        deadline = time.monotonic() + 90
        while marker not in log.read_text() and time.monotonic() < deadline:
            assert worker.poll() is None, log.read_text()
            time.sleep(0.2)
        assert marker in log.read_text(), log.read_text()
    finally:
        os.killpg(worker.pid, signal.SIGKILL)  # mid-publish, inside its transaction
        worker.wait(30)
        out.close()

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
