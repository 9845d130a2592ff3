"""A dictionary change re-indexes the articles it affects, through a Celery task."""

import pytest

from search.models import DictionaryWord
from search.reindex import reindex_objects_containing
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
    assert reindex_objects_containing(["红船工匠"]) == 1
    assert found(portal, "红船工匠") == ["培育红船工匠的新路径"]


def test_saving_a_word_reindexes_on_a_real_worker(portal, celery_worker_on_redis):
    import time

    ArticlePageFactory(parent=portal.national_section, title="三全育人综合改革", body=[])
    DictionaryWord.objects.create(word="三全育人")
    deadline = time.monotonic() + 30
    while found(portal, "三全育人") != ["三全育人综合改革"] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert found(portal, "三全育人") == ["三全育人综合改革"]


def exact_titles(queryset, q):
    """What the index finds for every word of q (modelsearch's search, any state): titles,
    or names."""
    from modelsearch.backends import get_search_backend

    return sorted(
        str(obj.title if hasattr(obj, "title") else obj)
        for obj in get_search_backend().search(q, queryset, operator="and")
    )


@pytest.mark.django_db
def test_every_indexed_field_and_every_state_and_model_is_reindexed(portal):
    """A word only in 来源, 作者 or 关键词, in a draft, or in a 育人号's name: all re-indexed
    (the admin searches drafts and 育人号 with the same index)."""
    from articles.models import ArticlePage, PublishingAccount

    by_source = ArticlePageFactory(
        parent=portal.national_section, title="来源里有", source="红船工匠学院", body=[]
    )
    by_author = ArticlePageFactory(
        parent=portal.national_section, title="作者里有", authors=["红船工匠"], body=[]
    )
    by_tag = ArticlePageFactory(parent=portal.national_section, title="关键词里有", body=[])
    by_tag.tags.add("红船工匠")
    by_tag.save()
    draft = ArticlePageFactory(parent=portal.national_section, title="草稿红船工匠", body=[])
    draft.unpublish()
    account = PublishingAccount.objects.create(
        name="红船工匠工作室", slug="hcgj", site=portal.national
    )
    ArticlePageFactory(parent=portal.national_section, title="红色工匠与船", body=[])  # decoy

    DictionaryWord.objects.create(word="红船工匠")
    assert reindex_objects_containing(["红船工匠"]) == 5
    assert exact_titles(ArticlePage.objects.all(), "红船工匠") == sorted(
        [by_source.title, by_author.title, by_tag.title, draft.title]
    )
    assert exact_titles(PublishingAccount.objects.all(), "红船工匠") == [account.name]
    assert found(portal, "红船工匠") == sorted([by_source.title, by_author.title, by_tag.title])


def test_editing_a_word_reindexes_what_held_the_old_one(
    portal, celery_worker_on_redis, monkeypatch
):
    """国情怀 cuts 家国情怀 as 家 / 国情怀, so 情怀 is no longer found; renamed to a word the
    article lacks, the article is re-indexed all the same and 情怀 is found again."""
    import time

    import search.reindex

    # The second, delayed re-index of the added word runs (and is done) before the edit, so
    # only the edit's own re-index can bring the article back.
    monkeypatch.setattr(search.reindex, "DICTIONARY_RECHECK_SECONDS", 0.25)

    def wait_for(q, expected):
        deadline = time.monotonic() + 30
        while found(portal, q) != expected and time.monotonic() < deadline:
            time.sleep(0.2)
        return found(portal, q)

    ArticlePageFactory(parent=portal.national_section, title="培养学生的家国情怀", body=[])
    assert found(portal, "情怀") == ["培养学生的家国情怀"]
    word = DictionaryWord.objects.create(word="国情怀")
    assert wait_for("情怀", []) == []
    time.sleep(2)
    assert found(portal, "情怀") == []
    word.word = "劳动教育"
    word.save()
    assert wait_for("情怀", ["培养学生的家国情怀"]) == ["培养学生的家国情怀"]


@pytest.mark.django_db
def test_a_dictionary_change_while_the_engine_is_down_reindexes_the_database_and_records_the_rest(
    portal, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """The engine (the default backend) refuses connections. The database backend, which
    answers readers meanwhile, is re-indexed, and every affected object of every model is
    recorded for replay to the engine. Before, the first batch's error ended the run: the
    database backend was not re-indexed and the articles were not even recorded."""
    from articles.models import PublishingAccount
    from search.backends import opensearch as opensearch_backend
    from search.models import PendingIndexUpdate
    from tests.articles.test_feeds_engine_down import DATABASE, DEAD_ENGINE

    monkeypatch.setattr(opensearch_backend, "_unreachable_until", {}, raising=False)
    settings.WAGTAILSEARCH_BACKENDS = {"default": DATABASE}
    article = ArticlePageFactory(parent=portal.national_section, title="培育红船工匠", body=[])
    account = PublishingAccount.objects.create(name="红船工匠工作室", slug="hcgj")
    settings.WAGTAILSEARCH_BACKENDS = {"default": DEAD_ENGINE, "database": DATABASE}
    DictionaryWord.objects.create(word="红船工匠")

    # (the worker runs it outside a transaction; this test's transaction defers the engine's
    # writes to its commit, run here)
    with django_capture_on_commit_callbacks(execute=True):
        assert reindex_objects_containing(["红船工匠"]) == 2
    recorded = set(PendingIndexUpdate.objects.values_list("model_name", "object_pk"))
    assert {("articlepage", str(article.pk)), ("publishingaccount", str(account.pk))} <= recorded
    outcome = search_articles(SearchParams(q="红船工匠", size=50), portal.national)
    assert outcome.warning  # answered by the database backend
    assert [hit.page.title for hit in outcome.hits[: outcome.exact_total]] == ["培育红船工匠"]
