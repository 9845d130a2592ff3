"""Every database test runs on a portal with two sites: multi-site is the default case."""

import contextlib
import os
import unittest
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from wagtail.models import Page, Site

from home.services import ensure_site, remove_wagtail_welcome_page

from .factories import AccountIndexPageFactory, SectionPageFactory

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
# modelsearch's peer suite needs its own settings; scripts/test.sh runs it separately.
collect_ignore = ["peer"]


def require_service(name: str, reason: str) -> None:
    """A service the tests need is missing: skip locally, fail in CI."""
    message = f"{name} unavailable: {reason}"
    if IN_CI:
        pytest.fail(message + " (CI=true: a missing service is a failure)")
    pytest.skip(message)


@dataclass
class Portal:
    national: Site
    institution: Site
    national_section: Page
    institution_section: Page


@pytest.fixture
def portal(db) -> Portal:
    """The national portal (default site) and one institution site, each with a 栏目."""
    national = ensure_site(
        hostname="national.test",
        slug="national",
        site_name="全国高校思想政治工作网",
        is_default=True,
        icp_number="京ICP备00000001号",
        footer_text="全国门户页脚",
    )
    institution = ensure_site(
        hostname="school.test",
        slug="school",
        site_name="嘉兴职业技术学院",
        icp_number="浙ICP备00000002号",
        footer_text="院校页脚",
    )
    remove_wagtail_welcome_page()
    for site in (national, institution):
        AccountIndexPageFactory(parent=site.root_page)
    return Portal(
        national=national,
        institution=institution,
        national_section=SectionPageFactory(parent=national.root_page, title="要闻", slug="news"),
        institution_section=SectionPageFactory(
            parent=institution.root_page, title="学校要闻", slug="school-news"
        ),
    )


@pytest.fixture(autouse=True)
def _two_sites_for_db_tests(request):
    """Give every test that touches the database the two-site portal."""
    if isinstance(request.instance, unittest.TestCase):
        return  # Django TestCases build their own tree in setUpTestData
    marker = request.node.get_closest_marker("django_db")
    uses_db = marker is not None or {"db", "transactional_db"} & set(request.fixturenames)
    if uses_db and "portal" not in request.fixturenames:
        request.getfixturevalue("portal")


@pytest.fixture
def shared_dir() -> Path:
    path = Path(settings.PORTAL_SHARED_DIR)
    if not path.is_dir():
        require_service("shared/ data", f"{path} not found (set PORTAL_SHARED_DIR)")
    return path


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_process_state():
    """Each test reads the editors' dictionary anew (a test's words are rolled back with it),
    in-memory counts of another test's pages are not written into this test's database, nor
    are suggestions built from them, no engine or broker is still thought down, and
    the cache (feeds, rate-limit counters, queued-task markers) starts empty. Counts a test
    leaves are forgotten after it too: written at exit, they went into the database the
    settings name once the test database was gone (var/portal.sqlite3, the demo's)."""
    from django.core.cache import caches

    from articles.sensitive import invalidate as reread_sensitive_words
    from articles.views_counter import view_counter
    from search.querylog import query_log
    from search.suggest import index_cache
    from search.text import invalidate_segmenter

    invalidate_segmenter()
    index_cache.clear()  # suggestions built from another test's articles
    reread_sensitive_words()
    from search.backends import opensearch as opensearch_backend

    opensearch_backend._unreachable_until.clear()  # an engine another test found down
    from portal import broker

    broker._down_until.clear()  # a broker another test found down
    from home import sites

    sites._table = None  # the sites another test's requests looked up
    for alias in caches:  # default, readers (热搜's readers seen)
        caches[alias].clear()
    view_counter.discard_pending()
    query_log.discard_pending()
    yield
    view_counter.discard_pending()
    query_log.discard_pending()


@pytest.fixture
def redis_url() -> str:
    """The Redis the test command started (PORTAL_TEST_REDIS_URL), flushed for this test."""
    import redis

    url = os.environ.get("PORTAL_TEST_REDIS_URL", "redis://127.0.0.1:63799/15")
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        require_service("Redis", f"{url}: {exc}")
    client.flushdb()
    yield url
    client.flushdb()
    client.close()


@contextlib.contextmanager
def celery_app_on(redis_url: str):
    """The portal's Celery app sending to (and reading results from) this Redis."""
    from portal.celery import app

    saved = {
        key: app.conf[key] for key in ("broker_url", "result_backend", "broker_transport_options")
    }

    def reconnect():
        # Drop the broker connections and result backend built from the old settings.
        app._after_fork()
        app._backend_cache = None
        app._local.__dict__.pop("backend", None)

    app.conf.update(broker_url=redis_url, result_backend=redis_url, broker_transport_options={})
    reconnect()
    try:
        yield app
    finally:
        app.conf.update(saved)
        reconnect()


@pytest.fixture
def celery_worker_on_redis(redis_url, transactional_db, django_db_serialized_rollback):
    """The portal's own Celery app with a real worker thread on a real Redis broker.

    The worker thread needs committed data (a transactional test); serialized rollback puts
    back what Wagtail's migrations created (root page, locale, collection) after the flush.
    """
    import celery.contrib.testing.tasks  # noqa: F401  (registers celery.ping for the ping check)
    from celery.contrib.testing.worker import start_worker

    with celery_app_on(redis_url) as app:
        with start_worker(app, pool="solo", perform_ping_check=True, shutdown_timeout=30):
            yield app


@pytest.fixture
def broker_down():
    """The portal's Celery app sending to a Redis that is down: a port that accepts each
    connection and closes it at once. Yields the list of connections it accepted."""
    import socket
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    accepted: list[int] = []

    def accept():
        while True:
            try:
                connection, _ = server.accept()
            except OSError:
                return
            accepted.append(1)
            connection.close()

    threading.Thread(target=accept, daemon=True).start()
    from portal.celery import app

    working = app.conf.broker_url  # no result backend, as in production
    app.conf.broker_url = f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    app._after_fork()  # producers reconnect with the new URL
    try:
        yield accepted
    finally:
        app.conf.broker_url = working
        app._after_fork()
        server.close()
