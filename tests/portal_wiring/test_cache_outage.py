"""Redis down: pages are built from the database, not 500s."""

import socket

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
    assert response.json() == {"database": "ok", "cache": "ok"}
    assert client.get("/", HTTP_HOST="127.0.0.1:8000").status_code == 400  # the rest: refused


def test_healthz_is_503_while_redis_is_down(client, redis_down):
    response = client.get("/healthz/", HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 503
    assert response.json()["database"] == "ok"
    assert response.json()["cache"].startswith("error: ")
