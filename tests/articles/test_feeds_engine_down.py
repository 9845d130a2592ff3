"""相关阅读 while the search engine is unreachable: the article page and the JSON feed still
answer, from the database backend or, failing that, with the section's latest articles.

No engine is needed: the OpenSearch backend points at a port nothing listens on.
"""

import json

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache

from articles import feeds
from search.backends import opensearch as opensearch_backend
from search.models import PendingIndexUpdate
from tests.factories import ArticlePageFactory, SectionPageFactory

pytestmark = pytest.mark.django_db
DEAD_ENGINE = {
    "BACKEND": "search.backends.opensearch",
    "URLS": ["http://127.0.0.1:9"],  # discard port: connection refused
    "INDEX_PREFIX": "portal_dead_",
    "AUTO_UPDATE": True,
}
DATABASE = {"BACKEND": "search.backends.database", "AUTO_UPDATE": True}


@pytest.fixture(autouse=True)
def _engine_state(monkeypatch):
    # Which engines this process saw fail is per test.
    monkeypatch.setattr(opensearch_backend, "_unreachable_until", {}, raising=False)
    cache.clear()


@pytest.fixture
def articles(settings, portal):
    """Articles indexed while everything was up (the database index holds them)."""
    settings.WAGTAILSEARCH_BACKENDS = {"default": DATABASE}
    section = portal.national_section
    other = SectionPageFactory(parent=portal.national.root_page, title="理论研究")
    reading = ArticlePageFactory(parent=section, title="红船精神进校园", body=[])
    related = ArticlePageFactory(parent=other, title="弘扬红船精神", body=[])
    latest = ArticlePageFactory(parent=section, title="校园运动会", body=[])
    ArticlePageFactory(parent=portal.institution_section, title="红船精神研讨", body=[])
    return reading, related, latest


def related_titles(client, article) -> tuple[list[str], list[str]]:
    page = client.get(article.url, HTTP_HOST="national.test")
    assert page.status_code == 200
    soup = BeautifulSoup(page.content, "html.parser")
    api = client.get(f"/api/feeds/related/{article.pk}/", HTTP_HOST="national.test")
    assert api.status_code == 200, api.content
    return soup.get_text(), [item["title"] for item in json.loads(api.content)["results"]]


def test_related_reading_comes_from_the_database_backend_while_the_engine_is_down(
    client, settings, articles
):
    reading, related, _ = articles
    settings.WAGTAILSEARCH_BACKENDS = {"default": DEAD_ENGINE, "database": DATABASE}
    page_text, titles = related_titles(client, reading)
    # Searched after all (the database's Chinese analysis): shares 红船精神, in another 栏目.
    assert titles[0] == "弘扬红船精神"
    assert "红船精神研讨" not in titles  # still this site only
    assert "弘扬红船精神" in page_text


def test_without_a_database_backend_the_sections_latest_stand_in_briefly(
    client, settings, portal, articles, monkeypatch
):
    reading, related, latest = articles
    settings.WAGTAILSEARCH_BACKENDS = {"default": DEAD_ENGINE}
    timeouts = []
    real_set = cache.set

    def spy_set(key, value, timeout=None, *args, **kwargs):
        if "related" in key:
            timeouts.append(timeout)
        return real_set(key, value, timeout, *args, **kwargs)

    monkeypatch.setattr(cache, "set", spy_set)
    page_text, titles = related_titles(client, reading)
    # Nothing could be searched: the latest articles of the same 栏目 instead, never a 500.
    assert titles == ["校园运动会"]
    assert "校园运动会" in page_text
    # Kept for a minute, not the feed's quarter hour: the searched list returns soon.
    assert timeouts == [feeds.RELATED_STOPGAP_TTL]
    assert feeds.RELATED_STOPGAP_TTL < feeds.FEED_TTL

    # The engine is back (here: the database backend answers): after the stand-in expires,
    # 相关阅读 is searched again and cached for the usual time.
    cache.clear()
    timeouts.clear()
    settings.WAGTAILSEARCH_BACKENDS = {"default": DATABASE}
    assert [i["title"] for i in feeds.related(reading, portal.national)][0] == "弘扬红船精神"
    assert timeouts == [feeds.FEED_TTL]


def test_publishing_while_the_engine_is_down_records_the_update(client, settings, articles):
    reading, *_ = articles
    settings.WAGTAILSEARCH_BACKENDS = {"default": DEAD_ENGINE, "database": DATABASE}
    reading.title = "红船精神进校园（修订）"
    reading.save_revision().publish()
    assert PendingIndexUpdate.objects.filter(object_pk=str(reading.pk)).exists()
    assert client.get(reading.url, HTTP_HOST="national.test").status_code == 200
