"""A dictionary change re-indexes the articles it affects, through a Celery task."""

import pytest

from search.models import DictionaryWord
from search.reindex import reindex_articles_containing
from search.services import SearchParams, search_articles
from tests.factories import ArticlePageFactory


def found(portal, q):
    """Titles of the exact matches (those holding every word of q)."""
    outcome = search_articles(SearchParams(q=q, size=50), portal.national)
    return sorted(hit.page.title for hit in outcome.hits[: outcome.exact_total])


@pytest.mark.django_db
def test_new_word_is_searchable_after_reindex(portal):
    ArticlePageFactory(parent=portal.national_section, title="培育红船工匠的新路径", body=[])
    ArticlePageFactory(parent=portal.national_section, title="红色工匠与船", body=[])
    assert found(portal, "红船工匠") == ["培育红船工匠的新路径"]  # both words, AND
    DictionaryWord.objects.create(word="红船工匠")
    # The index still holds 红船 / 工匠 until the affected articles are re-indexed.
    assert found(portal, "红船工匠") == []
    assert reindex_articles_containing(["红船工匠"]) == 1
    assert found(portal, "红船工匠") == ["培育红船工匠的新路径"]


def test_saving_a_word_reindexes_on_a_real_worker(portal, celery_worker_on_redis):
    import time

    ArticlePageFactory(parent=portal.national_section, title="三全育人综合改革", body=[])
    DictionaryWord.objects.create(word="三全育人")
    deadline = time.monotonic() + 30
    while found(portal, "三全育人") != ["三全育人综合改革"] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert found(portal, "三全育人") == ["三全育人综合改革"]
