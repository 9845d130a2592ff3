"""Chinese search on a real OpenSearch 3 (scripts/opensearch.sh; CI fails if it is absent)."""

import io
import json
import os
import subprocess
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.db import transaction
from django.db.models.signals import post_init
from modelsearch.backends import get_search_backend
from wagtail.models import Page

from articles.models import ArticlePage
from search.text import PAIR_MARK, segment_for_index
from tests.conftest import require_service
from tests.factories import ArticlePageFactory, PublishingAccountFactory, site_editor

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[2]
OPENSEARCH_URL = os.environ.get("PORTAL_TEST_OPENSEARCH_URL", "http://127.0.0.1:9200")


def engine_backend_for_test() -> tuple[dict, str]:
    """The engine's WAGTAILSEARCH_BACKENDS entry, on indexes of this test's own."""
    try:
        urllib.request.urlopen(OPENSEARCH_URL, timeout=3).read()
    except OSError as exc:
        require_service("OpenSearch", f"{OPENSEARCH_URL}: {exc} (bash scripts/opensearch.sh start)")
    prefix = f"portal_test_{uuid.uuid4().hex[:8]}_"
    entry = {"BACKEND": "search.backends.opensearch", "URLS": [OPENSEARCH_URL]}
    return {**entry, "INDEX_PREFIX": prefix, "AUTO_UPDATE": True}, prefix


@pytest.fixture
def opensearch(settings, portal):
    engine, prefix = engine_backend_for_test()
    settings.WAGTAILSEARCH_BACKENDS = {"default": engine}
    call_command("update_index", stdout=io.StringIO())
    backend = get_search_backend()
    yield backend
    backend.es.indices.delete(index=f"{prefix}*")


def refresh(backend):
    backend.get_index_for_model(ArticlePage).refresh()


def titles(client, q, exact=False, **params):
    """Result titles; with exact=True only those holding every word of q."""
    response = client.get("/search/api/", {"q": q, **params}, HTTP_HOST="national.test")
    assert response.status_code == 200, response.content
    body = json.loads(response.content)
    results = body["results"][: body["exact_total"]] if exact else body["results"]
    return [r["title"] for r in results]


def test_engine_tokens_for_chinese_text(opensearch):
    index = opensearch.get_index_for_model(ArticlePage).name

    def tokens(**body):
        result = opensearch.es.indices.analyze(index=index, body=body)
        return [t["token"] for t in result["tokens"]]

    # What the engine would do on its own: one token per character.
    assert tokens(analyzer="standard", text="党史学习教育") == ["党", "史", "学", "习", "教", "育"]
    # What it does with the portal's analysis: our words, lower-cased, then the marked
    # character pairs that let an unknown word match as the characters typed.
    segmented = segment_for_index("党史学习教育 Wagtail")
    pairs = [PAIR_MARK + p for p in ["党史", "史学", "学习", "习教", "教育"]]
    assert tokens(analyzer="default", text=segmented) == ["党史", "学习", "教育", "wagtail", *pairs]
    # Between two runs of text the engine keeps the lone mark: pairs never span the comma.
    assert tokens(analyzer="default", text=segment_for_index("红船，精神"))[-3:] == [
        PAIR_MARK + "红船",
        PAIR_MARK,
        PAIR_MARK + "精神",
    ]
    assert tokens(analyzer="edgengram_analyzer", text="党建 引领")[:3] == ["党", "党建", "引"]


def test_words_not_characters(client, opensearch, portal):
    section = portal.national_section
    for title in [
        "提供优质和服务",
        "身穿和服的游客",
        "北京大学生电影节开幕",
        "北京大学举行开学典礼",
    ]:
        ArticlePageFactory(parent=section, title=title, body=[])
    refresh(opensearch)
    assert titles(client, "和服") == ["身穿和服的游客"]
    assert titles(client, "北京大学") == ["北京大学举行开学典礼"]
    assert titles(client, "黨建") == []


def test_unknown_words_as_characters_known_words_loosened_into_parts(client, opensearch, portal):
    section = portal.national_section
    for title in [
        "县城学校逐步消除超大班额",
        "女学霸的故事",
        "北京大学举行开学典礼",
        "北京师范大学迎新",
        "北京大学生电影节开幕",
    ]:
        ArticlePageFactory(parent=section, title=title, body=[])
    refresh(opensearch)
    assert titles(client, "大班额") == ["县城学校逐步消除超大班额"]
    assert titles(client, "学霸") == ["女学霸的故事"]
    assert titles(client, "北京大学", exact=True) == ["北京大学举行开学典礼"]
    assert titles(client, "北京大学") == ["北京大学举行开学典礼", "北京师范大学迎新"]
    # Page by page across the two tiers (counts from the page requests, then count requests).
    pages = [titles(client, "北京大学", size=1, page=n) for n in (1, 2, 3)]
    assert pages == [["北京大学举行开学典礼"], ["北京师范大学迎新"], []]
    assert sorted(titles(client, '北京 -"北京大学"')) == [
        "北京大学生电影节开幕",
        "北京师范大学迎新",
    ]


def test_same_rules_as_the_database_backend(client, opensearch, portal):
    from search.models import SynonymGroup

    SynonymGroup.objects.create(words="思政，思想政治")
    section = portal.national_section
    for title in [
        "维护中国，国家安全",
        "发展中国家的教育",
        "县城学校逐步消除超大班额",
        "学霸们的笔记",
        "学霸们的教育",
        "思政课程改革",
        "推进思想政治课程建设",
        "思政教育与课程改革",
        "Q and A 答疑",
        "AI teaching 研讨",
    ]:
        ArticlePageFactory(parent=section, title=title, body=[])
    refresh(opensearch)
    # Characters never match across punctuation; quoted unknown strings as unquoted ones.
    assert titles(client, "中国家", exact=True) == ["发展中国家的教育"]
    assert titles(client, '"大班额"') == ["县城学校逐步消除超大班额"]
    assert titles(client, '学霸 -"学霸"') == []
    # A synonym stands in for its word inside an unknown string; the rest stays as typed.
    assert sorted(titles(client, "思政课程", exact=True)) == [
        "思政课程改革",
        "推进思想政治课程建设",
    ]
    # The looser tier keeps the characters of an unknown string.
    found = titles(client, "学霸 教育")
    assert found[0] == "学霸们的教育" and "学霸们的笔记" in found[1:]
    # A single character typed beside a word (育: only inside 教育): the word's articles.
    assert titles(client, "学霸 育", exact=True) == []
    assert sorted(titles(client, "学霸 育")) == ["学霸们的教育", "学霸们的笔记"]
    # NOT typed between words excludes the next one, as a - does.
    assert titles(client, "学霸 NOT 笔记", exact=True) == ["学霸们的教育"]
    # English words as typed: no stop words, no stemming.
    assert titles(client, "and") == ["Q and A 答疑"]
    assert titles(client, "teach") == []
    # The admin's searches autocomplete, whose compiler takes no Or: a word with synonyms
    # was a 500 there. Autocomplete matches what is typed.
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_superuser("os-editor", password="x"))
    response = client.get("/admin/pages/search/", {"q": "思政"})
    assert response.status_code == 200
    assert "思政课程改革" in response.content.decode()


def test_pages_past_the_last_and_past_the_window_on_the_engine(
    client, opensearch, portal, monkeypatch
):
    """A page past the last result is an empty page however far it is (page 201 of 50 was
    refused, speaking of the 10,000-result cap); a page past the window with results there
    is refused; the engine is asked past its window in neither case."""
    import search.services

    for n in range(3):
        ArticlePageFactory(parent=portal.national_section, title=f"红船精神第{n}讲", body=[])
    refresh(opensearch)

    def ask(page, size):
        response = client.get(
            "/search/api/", {"q": "红船", "page": page, "size": size}, HTTP_HOST="national.test"
        )
        return response.status_code, json.loads(response.content)

    for page, size in ((4, 1), (201, 50), (10_000, 1)):
        status, body = ask(page, size)
        assert status == 200 and body["total"] == 3 and body["results"] == [], body
    monkeypatch.setattr(search.services, "MAX_RESULT_WINDOW", 2)
    status, body = ask(3, 1)
    assert status == 400 and "最多只能查看前 2 条结果" in body["error"]


def test_equal_scores_come_newest_first_as_on_the_database_backend(
    client, opensearch, portal, settings
):
    """The engine kept ties in the order it indexed them (oldest first); the database
    backends list them newest first."""
    section = portal.national_section
    made = [ArticlePageFactory(parent=section, title=f"校园开放日通知（第{n}场）", body=[])
            for n in range(1, 6)]  # fmt: skip
    refresh(opensearch)
    newest_first = [a.title for a in sorted(made, key=lambda a: -a.pk)]
    assert titles(client, "开放日") == newest_first
    settings.WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "search.backends.database"}}
    call_command("update_index", stdout=io.StringIO())
    assert titles(client, "开放日") == newest_first


def test_a_first_page_asks_the_engine_once_for_both_tiers(client, opensearch, portal):
    """The exact matches and the looser tier (its results, or its count) came in two round
    trips, and their articles in two database queries: 1.7 engine requests a search on the
    dev corpus. One _msearch now; the tiers, counts and pages are as before."""
    from opensearchpy.transport import Transport

    section = portal.national_section
    exact = {ArticlePageFactory(parent=section, title=f"校园足球联赛第{n}轮", body=[]).title
             for n in range(1, 4)}  # fmt: skip
    looser = {ArticlePageFactory(parent=section, title=f"校园开放日第{n}场", body=[]).title
              for n in range(1, 7)}  # fmt: skip
    looser |= {ArticlePageFactory(parent=section, title=f"足球友谊赛第{n}场", body=[]).title
               for n in range(1, 8)}  # fmt: skip
    refresh(opensearch)
    sent = []
    perform_request = Transport.perform_request

    def counted(transport, method, url, *args, **kwargs):
        sent.append(url)
        return perform_request(transport, method, url, *args, **kwargs)

    built = []  # the articles each search loads from the database

    def ask(**params):
        sent.clear()
        built.clear()
        post_init.connect(note_built, sender=ArticlePage)
        try:
            response = client.get(
                "/search/api/", {"q": "校园 足球", **params}, HTTP_HOST="national.test"
            )
        finally:
            post_init.disconnect(note_built, sender=ArticlePage)
        assert response.status_code == 200, response.content
        return json.loads(response.content), list(sent), len(built)

    def note_built(instance, **kwargs):
        built.append(instance)

    Transport.perform_request = counted
    try:
        first, first_sent, first_built = ask(size=10)
        few, few_sent, few_built = ask(size=2)  # the exact tier fills the page
        second, _, _ = ask(size=10, page=2)
    finally:
        Transport.perform_request = perform_request
    assert [url.rsplit("/", 1)[-1] for url in first_sent + few_sent] == ["_msearch", "_msearch"]
    # only the articles shown are loaded: none of the looser tier when the exact one fills
    # the page (its count comes from the engine)
    assert (first_built, few_built) == (10, 2)
    assert (first["total"], first["exact_total"]) == (16, 3)
    got = [r["title"] for r in first["results"]]
    assert set(got[:3]) == exact and set(got[3:]) <= looser and len(got) == 10
    assert (few["total"], few["exact_total"]) == (16, 3)
    assert {r["title"] for r in few["results"]} < exact and len(few["results"]) == 2
    rest = [r["title"] for r in second["results"]]
    assert set(rest) == looser - set(got) and len(rest) == 6


def test_articles_below_a_section_taken_offline_are_not_found_on_the_engine(
    client, opensearch, portal
):
    """The engine holds the articles of a 栏目 taken offline (取消发布 without its subpages:
    they stay live); the search's filter leaves them out of its results and its count, and
    they are found again, with no re-indexing, when the 栏目 is back."""
    from tests.factories import SectionPageFactory

    course = SectionPageFactory(parent=portal.national_section, title="思政课程", slug="course")
    cases = SectionPageFactory(parent=course, title="课程案例", slug="cases")
    ArticlePageFactory(parent=portal.national_section, title="党建工作 栏目在线", body=[])
    ArticlePageFactory(parent=course, title="党建工作 栏目下线", body=[])
    ArticlePageFactory(parent=cases, title="党建工作 下线栏目的子栏目", body=[])
    refresh(opensearch)

    def found(**params) -> tuple[list[str], int]:
        response = client.get("/search/api/", {"q": "党建", **params}, HTTP_HOST="national.test")
        body = json.loads(response.content)
        assert response.status_code == 200 and "notice" not in body, body  # the engine's
        return sorted(r["title"] for r in body["results"]), body["total"]

    assert found()[1] == found(site="all")[1] == 3
    course.unpublish()
    for params in ({}, {"site": "all"}, {"sort": "newest"}, {"size": 1}):
        assert found(**params) == (["党建工作 栏目在线"], 1), params
    engine = opensearch.search("党建", ArticlePage.objects.live().public())
    assert engine.count() == 1 and not getattr(engine, "from_fallback", False)
    course.save_revision().publish()
    assert found()[1] == 3


def test_seed_article_phrases_filters_and_sort(
    client, opensearch, portal, shared_dir, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the engine is written on commit
        call_command("import_articles", str(shared_dir / "seed" / "seed-article.jsonl"))
    account = PublishingAccountFactory(slug="os")
    ArticlePageFactory(
        parent=portal.national_section, title="红船精神研讨", account=account, body=[]
    )
    ArticlePageFactory(parent=portal.institution_section, title="院校红船精神", body=[])
    refresh(opensearch)
    seed_title = "坚持党建引领 培养红船工匠 嘉兴职业技术学院高质量打造新时代党建高地"
    for q in ["党建", "党史学习教育", "红船工匠", "嘉兴职业技术学院", "黨史學習教育"]:
        assert titles(client, q, exact=True) == [seed_title], q
    # Articles with only some of the words follow the exact matches.
    assert titles(client, "红船工匠") == [seed_title, "红船精神研讨"]
    assert titles(client, '"红船精神研讨"') == ["红船精神研讨"]
    assert titles(client, "红船精神", account="os") == ["红船精神研讨"]
    assert "院校红船精神" not in titles(client, "红船精神")
    assert "院校红船精神" in titles(client, "红船精神", site="all")
    assert titles(client, "红船 -工匠 -研讨") == []
    assert titles(client, "红船 -党史学习教育") == ["红船精神研讨"]  # excludes the whole word
    assert set(titles(client, "红船", sort="newest")) == {seed_title, "红船精神研讨"}


def engine_script(action):
    """Stop or start the engine the tests use, with the script the README documents."""
    port = urllib.parse.urlsplit(OPENSEARCH_URL).port or 9200
    subprocess.run(
        ["bash", str(REPO / "scripts" / "opensearch.sh"), action],
        env={**os.environ, "OPENSEARCH_PORT": str(port)},
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=240,
    )


def test_engine_stopped_falls_back_to_the_database_and_replays_missed_updates(
    client, opensearch, portal, settings
):
    from search.models import PendingIndexUpdate
    from search.tasks import replay_missed_index_updates

    settings.WAGTAILSEARCH_BACKENDS = {
        **settings.WAGTAILSEARCH_BACKENDS,
        "database": {"BACKEND": "search.backends.database"},
    }
    withdrawn = ArticlePageFactory(parent=portal.national_section, title="停机期间撤下的党建文章")
    refresh(opensearch)
    engine_script("stop")
    try:
        article = ArticlePageFactory(parent=portal.national_section, title="停机期间发布的党建文章")
        article.save_revision().publish()  # publishing keeps working
        assert PendingIndexUpdate.objects.filter(object_pk=str(article.pk)).exists()
        withdrawn.delete()  # deleting too; the engine still holds it
        assert PendingIndexUpdate.objects.filter(object_pk=str(withdrawn.pk)).exists()
        response = client.get("/search/api/", {"q": "党建"}, HTTP_HOST="national.test")
        body = json.loads(response.content)
        assert response.status_code == 200
        assert [r["title"] for r in body["results"]] == ["停机期间发布的党建文章"]
        assert "搜索引擎暂时不可用" in body["notice"]
        page = BeautifulSoup(
            client.get("/search/", {"q": "党建"}, HTTP_HOST="national.test").content,
            "html.parser",
        ).get_text()
        assert "搜索引擎暂时不可用" in page and "停机期间发布的党建文章" in page
    finally:
        engine_script("start")

    # The engine is back: the missed updates are replayed; the engine finds the new article
    # and no longer holds the deleted one (counted, then missing from the page).
    assert replay_missed_index_updates() >= 2
    assert not PendingIndexUpdate.objects.exists()
    refresh(opensearch)
    body = json.loads(client.get("/search/api/", {"q": "党建"}, HTTP_HOST="national.test").content)
    assert [r["title"] for r in body["results"]] == ["停机期间发布的党建文章"]
    assert body["total"] == 1
    assert "notice" not in body
    assert engine_holds(opensearch, article) and not engine_holds(opensearch, withdrawn)


def test_an_engine_answering_unavailable_falls_back_and_keeps_missed_updates(
    client, opensearch, portal, settings
):
    """An engine that answers but cannot serve: its index's shard unassigned (searches get
    503 "all shards failed", as while it recovers after a restart) and the index read-only
    (writes get 429, as on a full disk). Readers were given a 500 and updates were lost (only
    a refused connection counted as down)."""
    from search.backends import opensearch as opensearch_backend
    from search.models import PendingIndexUpdate
    from search.tasks import replay_missed_index_updates

    settings.WAGTAILSEARCH_BACKENDS = {
        **settings.WAGTAILSEARCH_BACKENDS,
        "database": {"BACKEND": "search.backends.database"},
    }
    ArticlePageFactory(parent=portal.national_section, title="故障前发布的党建文章")
    es, index = opensearch.es, opensearch.get_index_for_model(ArticlePage).name
    unassigned = {"index.routing.allocation.require._name": "no-such-node"}
    es.indices.delete(index=list(es.indices.get_alias(name=index)))  # the alias' index
    es.indices.create(
        index=index,
        body={"settings": {**unassigned, "number_of_replicas": 0}},
        wait_for_active_shards=0,  # none will be
    )
    es.indices.put_settings(index=index, body={"index.blocks.read_only_allow_delete": True})
    try:
        response = client.get("/search/api/", {"q": "党建"}, HTTP_HOST="national.test")
        assert response.status_code == 200, response.content
        body = json.loads(response.content)
        assert [r["title"] for r in body["results"]] == ["故障前发布的党建文章"]
        assert "搜索引擎暂时不可用" in body["notice"]
        opensearch_backend._unreachable_until.clear()  # writes find it unavailable themselves
        during = ArticlePageFactory(parent=portal.national_section, title="故障中发布的党建文章")
        during.save_revision().publish()
        assert PendingIndexUpdate.objects.filter(object_pk=str(during.pk)).exists()
        # A bulk write (an import's batch, a dictionary change's re-indexing) is refused
        # document by document (429 each): recorded as well, not lost.
        bulk = ArticlePageFactory(parent=portal.national_section, title="故障中批量索引的文章")
        PendingIndexUpdate.objects.filter(object_pk=str(bulk.pk)).delete()
        opensearch_backend._unreachable_until.clear()  # the bulk write asks the engine
        with pytest.raises(Exception):  # noqa: B017 (update_index reports it)
            opensearch.add_bulk(ArticlePage, [bulk])
        assert PendingIndexUpdate.objects.filter(object_pk=str(bulk.pk)).exists()
    finally:
        # The block first, alone: it refuses any other settings change.
        es.indices.put_settings(index=index, body={"index.blocks.read_only_allow_delete": None})
        es.indices.put_settings(index=index, body=dict.fromkeys(unassigned))
        opensearch_backend._unreachable_until.clear()
    es.cluster.health(index=index, wait_for_status="yellow", request_timeout=40)
    assert replay_missed_index_updates() >= 2
    assert engine_holds(opensearch, during) and engine_holds(opensearch, bulk)


def engine_holds(backend, article) -> bool:
    index = backend.get_index_for_model(ArticlePage).name
    return backend.es.exists(index=index, id=str(article.pk))


def test_replay_command_removes_what_was_deleted_and_skips_what_it_cannot_send(
    client, opensearch, portal
):
    """Deleted while the engine was marked unreachable: the replay (the operators' command)
    removes it from the engine; a row for a model that no longer exists does not stop it."""
    from search.models import PendingIndexUpdate

    kept = ArticlePageFactory(parent=portal.national_section, title="补发后仍在的文章")
    gone = ArticlePageFactory(parent=portal.national_section, title="补发后删除的文章")
    refresh(opensearch)
    assert engine_holds(opensearch, gone)
    PendingIndexUpdate.objects.create(app_label="articles", model_name="gonemodel", object_pk="1")
    opensearch.mark_engine_down(ConnectionRefusedError())
    try:
        gone_pk = gone.pk
        gone.delete()
        kept.title = "补发后改名的文章"
        kept.save_revision().publish()
        assert PendingIndexUpdate.objects.count() == 3
    finally:
        opensearch.engine_answered()
    out = io.StringIO()
    call_command("replay_index_updates", stdout=out)
    assert "已补发 2 条，剩余 0 条" in out.getvalue()
    assert not PendingIndexUpdate.objects.exists()
    refresh(opensearch)
    index = opensearch.get_index_for_model(ArticlePage).name
    assert not opensearch.es.exists(index=index, id=str(gone_pk))
    assert titles(client, "补发后") == ["补发后改名的文章"]


def test_numbers_and_codes_are_found_as_typed(client, opensearch, portal):
    from tests.search.test_chinese_search import NUMBER_DECOYS, NUMBERS

    for title in [*dict.fromkeys(NUMBERS.values()), *NUMBER_DECOYS]:
        ArticlePageFactory(parent=portal.national_section, title=title, body=[])
    refresh(opensearch)
    for q, title in NUMBERS.items():
        assert titles(client, q, exact=True) == [title], q
    assert "湖人97-91胜" not in titles(client, "湖人 -97-91")


def test_a_new_deployment_searches_before_the_index_exists_and_its_first_save_creates_it(
    client, settings, portal
):
    """No update_index run: the index is missing (the database answers), then the first save
    creates it with the portal's mapping, not the engine's guess from the document."""
    before = ArticlePageFactory(parent=portal.national_section, title="部署之前的党建文章")
    engine, prefix = engine_backend_for_test()
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": engine,
        "database": {"BACKEND": "search.backends.database"},
    }
    backend = get_search_backend()
    index = backend.get_index_for_model(ArticlePage)
    try:
        assert not index.exists()
        response = client.get("/search/api/", {"q": "党建"}, HTTP_HOST="national.test")
        assert response.status_code == 200, response.content
        body = json.loads(response.content)
        assert [r["title"] for r in body["results"]] == [before.title]
        assert "备用检索" in body["notice"]

        after = ArticlePageFactory(parent=portal.national_section, title="部署之后的党建文章")
        refresh(backend)
        body = json.loads(
            client.get("/search/api/", {"q": "党建"}, HTTP_HOST="national.test").content
        )
        assert "notice" not in body  # the engine answered
        assert [r["title"] for r in body["results"]] == [after.title]  # not yet re-indexed
        mapping = backend.es.indices.get_mapping(index=index.name)[index.name]["mappings"]
        assert "_all_text" in mapping["properties"]
    finally:
        backend.es.indices.delete(index=f"{prefix}*")


def test_a_university_editors_page_chooser_searches_their_sites_on_the_engine(
    client, opensearch, portal
):
    """The chooser's filter is one the engine holds (the page path): a list of every other
    site's live page id went with each keystroke (max_terms_count is 65,536)."""

    ArticlePageFactory(parent=portal.institution_section, title="本校红船精神报道")
    ArticlePageFactory(parent=portal.national_section, title="全国红船精神报道")
    for model in (ArticlePage, Page):
        opensearch.get_index_for_model(model).refresh()
    client.force_login(site_editor(portal.institution, ("add_page", "change_page")))
    response = client.get("/admin/choose-page/search/", {"q": "红船精神"})
    assert response.status_code == 200
    html = response.content.decode()
    if response["Content-Type"].startswith("application/json"):
        html = json.loads(html)["html"]
    assert "本校红船精神报道" in html and "全国红船精神报道" not in html


def test_a_university_editor_searches_the_account_chooser_on_the_engine(client, opensearch, portal):
    """The 育人号 chooser's search filters on the account's site, on the engine too (a 500
    there and on the database backend: the site was not a filter field)."""
    from articles.models import PublishingAccount

    PublishingAccountFactory(name="本校红船育人号", site=portal.institution)
    PublishingAccountFactory(name="全国红船育人号", site=portal.national)
    opensearch.get_index_for_model(PublishingAccount).refresh()
    client.force_login(site_editor(portal.institution, ("add_page", "change_page")))
    response = client.get(
        "/admin/snippets/choose/articles/publishingaccount/results/", {"q": "红船"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    if html.startswith("{"):
        html = json.loads(html)["html"]
    assert "本校红船育人号" in html and "全国红船育人号" not in html


def test_an_import_rolled_back_leaves_nothing_in_the_engine(
    tmp_path, opensearch, portal, django_capture_on_commit_callbacks
):
    """An import's batch went to the engine before it committed: a batch rolled back (an
    import interrupted, a failed commit) left documents of articles that do not exist, which
    the search pages hid but counted. The engine is written once the batch commits; until
    then its articles wait in the outbox, so a process stopped after the commit loses none."""
    from search.models import PendingIndexUpdate

    lines = [{"id": f"rb-{n}", "title": f"回滚测试第{n}篇", "section": "要闻"} for n in range(3)]
    path = tmp_path / "rb.jsonl"
    path.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n")
    index = opensearch.get_index_for_model(ArticlePage)

    def in_engine() -> int:  # documents in the index
        refresh(opensearch)
        return opensearch.es.count(index=index.name)["count"]

    before = in_engine()

    with django_capture_on_commit_callbacks(execute=True) as written:
        with pytest.raises(RuntimeError), transaction.atomic():
            call_command("import_articles", str(path), stdout=io.StringIO())
            assert ArticlePage.objects.filter(external_id__startswith="rb-").count() == 3
            # noted in the outbox, in the batch's transaction, for the write after it
            assert PendingIndexUpdate.objects.count() == 3
            raise RuntimeError("the transaction rolls back")
    assert written == [] and in_engine() == before
    assert not ArticlePage.objects.filter(external_id__startswith="rb-").exists()
    assert not PendingIndexUpdate.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_articles", str(path), stdout=io.StringIO())
        assert PendingIndexUpdate.objects.count() == 3  # the commit not yet run
    assert in_engine() == before + 3
    assert not PendingIndexUpdate.objects.exists()  # written: nothing left to replay


def test_searches_reuse_one_connection_to_the_engine(client, opensearch, portal):
    """Each search built a new client, so each opened a new connection to the engine (6.5 ms
    a one-hit search's round trip instead of 3.3)."""

    def connections_opened() -> int:  # by the engine, since it started; this request's too
        with urllib.request.urlopen(f"{OPENSEARCH_URL}/_nodes/stats/http") as response:
            nodes = json.loads(response.read())["nodes"].values()
        return sum(node["http"]["total_opened"] for node in nodes)

    def search(q):
        response = client.get("/search/api/", {"q": q}, HTTP_HOST="national.test")
        assert response.status_code == 200 and "notice" not in json.loads(response.content)

    search("党建")
    before = connections_opened()
    for q in ["思政课", "红船精神", "立德树人", "三全育人", "劳动教育"]:
        search(q)
    assert connections_opened() - before <= 2  # the count's own request, the searches' one


def test_an_update_recorded_while_a_batch_is_written_stays_for_the_replay(portal):
    """A batch's outbox rows go once it is written, but only as the batch noted them: an
    update recorded for one of its articles since (another process saved it while the
    engine was down) is kept for the replay."""
    from search.models import PendingIndexUpdate
    from search.outbox import forget_pending, note_pending, record_missed

    articles = [ArticlePageFactory(parent=portal.national_section, title=f"批次{n}", body=[])
                for n in range(3)]  # fmt: skip
    PendingIndexUpdate.objects.all().delete()
    noted = note_pending(articles + articles[:1])  # the same article twice: one row
    assert PendingIndexUpdate.objects.count() == 3
    record_missed(articles[1], "update")  # later: a newer updated_at
    forget_pending(noted, articles)
    kept = PendingIndexUpdate.objects.values_list("object_pk", flat=True)
    assert list(kept) == [str(articles[1].pk)]
