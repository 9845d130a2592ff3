"""Redis down: pages are built from the database, not 500s."""

import socket
import threading

import pytest
from django.conf import settings as django_settings

from tests.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_down(settings):
    """The production cache settings, pointing at a port where nothing listens."""
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    cache = {**django_settings.REDIS_CACHE, "LOCATION": f"redis://127.0.0.1:{port}/0"}
    settings.CACHES = {"default": cache, "readers": {**cache, "KEY_PREFIX": "readers"}}
    return port


def test_pages_and_the_admin_answer_while_redis_is_down(client, admin_client, portal, redis_down):
    """With Django's RedisCache a Redis restart made every page and the admin a 500 (Wagtail
    reads its site roots from the cache on every request)."""
    from django.core.cache import cache

    article = ArticlePageFactory(parent=portal.national_section, title="缓存停机时的文章")
    with pytest.raises(Exception):  # noqa: B017 (the cache is really down: redis raises)
        cache.client.get_client().ping()
    for path in [
        "/",
        article.url,
        portal.national_section.url,
        "/search/?q=文章",
        "/api/feeds/hot/",
    ]:
        response = client.get(path, HTTP_HOST="national.test")
        assert response.status_code == 200, path
    assert "缓存停机时的文章" in client.get(article.url, HTTP_HOST="national.test").content.decode()
    assert admin_client.get("/admin/").status_code == 200
    assert admin_client.get(f"/admin/pages/{article.pk}/edit/").status_code == 200


def test_healthz_answers_a_probe_from_any_host_and_says_what_failed(client, settings):
    """Container probes call 127.0.0.1: a view would be refused as a host not allowed."""
    settings.ALLOWED_HOSTS = ["portal.example.edu.cn"]
    response = client.get("/healthz", HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "static": "ok", "cache": "ok", "status": "ok"}
    assert client.get("/", HTTP_HOST="127.0.0.1:8000").status_code == 400  # the rest: refused


def test_healthz_says_degraded_while_redis_is_down(client, redis_down):
    """Pages are served from the database meanwhile: a 503 would have a probe restart web
    processes that work."""
    response = client.get("/healthz/", HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded" and response.json()["database"] == "ok"
    assert response.json()["cache"].startswith("error: ")


def test_healthz_says_down_when_collectstatic_was_not_run(client, portal, settings, tmp_path):
    """Production's manifest storage without its manifest fails every page (a ValueError in
    {% static %}), yet /healthz answered "ok" and the probe kept the process in service."""
    from django.contrib.staticfiles.storage import ManifestStaticFilesStorage

    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    client.raise_request_exception = False
    assert client.get("/", HTTP_HOST="national.test").status_code == 500  # what it reports
    response = client.get("/healthz", HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 503
    assert response.json()["status"] == "down"
    assert "collectstatic" in response.json()["static"]

    # collectstatic wrote its manifest; a process started after it serves.
    written = ManifestStaticFilesStorage(location=tmp_path)
    written.hashed_files = {"css/portal.css": "css/portal.0123456789ab.css"}
    written.save_manifest()
    settings.STORAGES = {**settings.STORAGES}  # a new process: the storage is built anew
    response = client.get("/healthz", HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 200 and response.json()["static"] == "ok"


@pytest.fixture
def redis_hangs(settings):
    """A server that accepts connections and never answers (a Redis stopped with SIGSTOP, a
    network black hole); the accepted connections are counted."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    accepted = []

    def accept():
        while True:
            try:
                accepted.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    port = server.getsockname()[1]
    cache = {**django_settings.REDIS_CACHE, "LOCATION": f"redis://127.0.0.1:{port}/0"}
    settings.CACHES = {"default": cache, "readers": {**cache, "KEY_PREFIX": "readers"}}
    yield accepted
    server.close()
    for connection in accepted:
        connection.close()


def test_a_hung_redis_costs_one_timeout_not_one_a_call(client, portal, redis_hangs):
    """Each cache call waited for its 1 s timeout: 16–22 s a page with Redis hung."""
    article = ArticlePageFactory(parent=portal.national_section, title="卡住时的文章")
    for path in [article.url, "/", portal.national_section.url]:
        assert client.get(path, HTTP_HOST="national.test").status_code == 200
    # Threaded servers serve each request on a new thread, where Django makes a new cache
    # object: the hung Redis is left alone there too.
    from django.core.cache import caches

    def read_on_another_thread():
        assert caches["default"] is not main_cache  # a cache object of its own
        caches["default"].get("portal:feed:generation")

    main_cache = caches["default"]
    on_another_thread = threading.Thread(target=read_on_another_thread)
    on_another_thread.start()
    on_another_thread.join()
    # One call timed out; the rest of the 30 s window skipped Redis (each connection is a
    # call that waited: a pool's connection is not reused after a timeout).
    assert len(redis_hangs) <= 2, len(redis_hangs)


def test_comments_are_taken_while_redis_is_down(client, portal, redis_down):
    """django-ratelimit cannot count without the cache, and refused every comment as 评论过于
    频繁 (429); they are pre-moderated anyway."""
    from articles.models import Comment

    article = ArticlePageFactory(parent=portal.national_section)
    response = client.post(
        article.url, {"content": "停机时的评论", "nickname": "读者"}, HTTP_HOST="national.test"
    )
    assert response.status_code == 302
    assert Comment.objects.get().content == "停机时的评论"


def test_a_schedule_is_sent_while_the_cache_is_down(redis_down):
    """An unreachable cache was taken for 'already queued': nothing was sent, and the
    publication waited for the sweep instead of going live to the second."""
    from datetime import timedelta

    from django.utils import timezone

    from articles.scheduling import _send_once
    from portal.celery import app as portal_app

    class Broker:  # stands in for Celery's task: what would have been sent
        sent = []
        app = portal_app  # the broker it would have been sent to

        def apply_async(self, **kwargs):
            self.sent.append(kwargs)

    assert _send_once("portal:test:send", Broker(), 7, timezone.now() + timedelta(hours=1))
    assert len(Broker.sent) == 1 and Broker.sent[0]["args"][0] == 7


def test_a_withdrawal_lost_to_a_redis_outage_is_made_when_redis_is_back(settings, redis_down):
    """The bump of the feeds' generation was dropped: after the outage the lists cached before
    it (the withdrawn title in them) came back from Redis."""
    from articles import feeds

    down = settings.CACHES
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache

    cache.set(feeds.GENERATION_KEY, 123, timeout=None)  # Redis's value before the outage
    settings.CACHES = down
    feeds.withdrawn()  # lost: Redis does not answer
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert cache.get(feeds.GENERATION_KEY) == 123  # back, with the old generation
    assert feeds.generation() != 123
    assert not feeds._bump_pending


def test_searches_are_counted_while_redis_is_down(client, portal, redis_down):
    """The check that counts a reader's repeats once took an unreachable cache for 'seen':
    searches went uncounted while views were counted."""
    from wagtail.contrib.search_promotions.models import Query

    from search.querylog import query_log

    query_log.discard_pending()
    ArticlePageFactory(parent=portal.national_section, title="停机时搜索的党建文章")
    for reader in ["10.0.0.1", "10.0.0.1"]:
        client.get("/search/", {"q": "党建"}, HTTP_HOST="national.test", REMOTE_ADDR=reader)
    query_log.flush()
    assert Query.get("党建").hits == 2  # every search counts while repeats cannot be told
