"""Query logs: counted without a write per request; 热搜, promotions and the terms report."""

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.contrib.search_promotions.models import Query, SearchPromotion

from search.querylog import QueryLog, hot_searches, query_key, query_log
from search.suggest import index_cache
from tests.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_log():
    query_log.discard_pending()  # earlier tests' searches belong to their own databases
    cache.clear()
    yield
    query_log.discard_pending()


def search_as(client, reader, host="national.test", **params):
    return client.get("/search/", params, HTTP_HOST=host, REMOTE_ADDR=reader)


def test_a_readers_repeats_count_once_so_no_one_can_fill_the_hot_list(client, portal):
    ArticlePageFactory(parent=portal.national_section, title="党建工作会议", body=[])
    for _ in range(40):
        search_as(client, "198.51.100.66", q="工作会议")  # one reader, over and over
    for n in range(3):
        search_as(client, f"203.0.113.{n}", q="党建")  # three readers
    for n in range(1, 4):  # one IPv6 subscriber, rotating through their /64
        search_as(client, f"2001:db8:1:2::{n}", q="工作会议")
    query_log.flush()
    assert hot_searches() == ["党建", "工作会议"]
    assert Query.objects.get(query_string="工作会议").hits == 2


def test_recording_does_not_touch_the_database_until_a_flush():
    log = QueryLog()
    with CaptureQueriesContext(connection) as ctx:
        for q in ["党建", "黨建", "党建", "红船精神"]:
            log.record(q)
    assert len(ctx.captured_queries) == 0
    assert log.flush() == 2
    assert Query.objects.get(query_string="党建").hits == 3  # Traditional counts as Simplified
    assert Query.objects.get(query_string="红船精神").hits == 1


def test_hot_searches_come_from_the_log(client, portal):
    ArticlePageFactory(parent=portal.national_section, title="党建工作会议", body=[])
    for n in range(3):
        search_as(client, f"10.0.0.{n}", q="党建")
    client.get("/search/", {"q": "工作会议"}, HTTP_HOST="national.test")
    query_log.flush()
    assert hot_searches() == ["党建", "工作会议"]
    assert hot_searches(limit=1) == ["党建"]  # one cached list, cut per caller (was the 2)
    html = client.get("/search/", {"q": "会议"}, HTTP_HOST="national.test").content.decode()
    assert "热搜" in html and "?q=%E5%85%9A%E5%BB%BA" in html


def test_promoted_results_show_first_for_a_chinese_query(client, portal):
    pinned = ArticlePageFactory(parent=portal.national_section, title="编辑推荐的专题", body=[])
    ArticlePageFactory(parent=portal.national_section, title="思政课改革", body=[])
    SearchPromotion.objects.create(
        query=Query.get("思政课"), page=pinned, description="编辑精选", sort_order=0
    )
    SearchPromotion.objects.create(
        query=Query.get("思政课"),
        external_link_url="https://www.moe.gov.cn/szk/",
        external_link_text="教育部思政课专栏",
        sort_order=1,
    )
    html = client.get("/search/", {"q": "思政课"}, HTTP_HOST="national.test").content.decode()
    text = BeautifulSoup(html, "html.parser").get_text()
    assert text.index("编辑推荐的专题") < text.index("思政课改革")
    assert "编辑精选" in text
    # Each promotion links to its page, or to its external address.
    links = BeautifulSoup(html, "html.parser").select(".search-promotions a")
    assert [(a.get_text(), a["href"]) for a in links] == [
        ("编辑推荐的专题", pinned.relative_url(portal.national)),
        ("教育部思政课专栏", "https://www.moe.gov.cn/szk/"),
    ]


def test_search_terms_report_lists_chinese_queries(admin_client, portal):
    ArticlePageFactory(parent=portal.national_section, title="党史学习教育", body=[])
    admin_client.get("/search/", {"q": "党史学习教育"}, HTTP_HOST="national.test")
    query_log.flush()
    response = admin_client.get(reverse("wagtailsearchpromotions:search_terms"))
    assert response.status_code == 200
    assert "党史学习教育" in response.content.decode()


def test_hot_searches_show_no_sensitive_words_junk_or_queries_that_find_nothing(client, portal):
    from articles.models import SensitiveWord

    ArticlePageFactory(parent=portal.national_section, title="党建工作会议", body=[])
    ArticlePageFactory(parent=portal.national_section, title="坏词测试文章", body=[])
    SensitiveWord.objects.create(word="坏词", tier=SensitiveWord.REVIEW)
    ArticlePageFactory(parent=portal.national_section, title="党建引领发展", body=[])
    for q, times in [
        ("坏词测试", 5),
        ("!!!", 5),
        ("^", 5),
        ("没有这篇文章", 4),
        ("党建💩", 5),  # the words found, the emoji shown to every reader
        ("😀党建", 5),
        ("党建#\ufe0f\u20e3", 5),  # a keycap emoji: # and two marks
        ("党\u0337\u0322建", 5),  # strokes stacked on the characters
        ("党建 -会议", 4),  # an exclusion: not words to offer
        ('"党建" 引领', 4),  # counted as 党建 引领
        ('"党建引领"', 3),  # quotes around the whole query dropped: 党建引领
        ("党建", 2),
    ]:
        for n in range(times):
            search_as(client, f"10.0.0.{n}", q=q)
    query_log.flush()
    assert hot_searches() == ["党建 引领", "党建引领", "党建"]
    suggestions = client.get("/search/suggest/", {"q": "党建"}, HTTP_HOST="national.test").json()
    assert not any("-" in s or '"' in s or "党建" != s[:2] for s in suggestions["suggestions"])
    report = Query.objects.values_list("query_string", flat=True)
    assert {"坏词测试", "没有这篇文章", "党建"} <= set(report)  # editors still see them all
    suggestions = client.get("/search/suggest/", {"q": "hc"}, HTTP_HOST="national.test").json()
    assert "坏词测试" not in suggestions["suggestions"]
    # Words written with the marks words carry are still shown.
    ArticlePageFactory(parent=portal.national_section, title="学习C++与5G·AT&T", body=[])
    Query.objects.all().delete()
    cache.clear()
    for q in ["c++", "5g·at&t"]:
        search_as(client, "10.0.9.1", q=q)
    query_log.flush()
    assert sorted(hot_searches()) == ["5g·at&t", "c++"]


def test_a_promotion_typed_in_traditional_or_full_width_characters_is_shown(client, portal):
    pinned = ArticlePageFactory(parent=portal.national_section, title="红船学院专题", body=[])
    SearchPromotion.objects.create(query=Query.get("紅船學院"), page=pinned, sort_order=0)
    other = ArticlePageFactory(parent=portal.national_section, title="ＸＹＺ推广专题", body=[])
    SearchPromotion.objects.create(query=Query.get("ＸＹＺ推广"), page=other, sort_order=0)
    for q, title in [
        ("红船学院", "红船学院专题"),
        ("紅船學院", "红船学院专题"),
        ("xyz推广", "ＸＹＺ推广专题"),
    ]:
        html = client.get("/search/", {"q": q}, HTTP_HOST="national.test").content.decode()
        assert 'class="search-promotions"' in html and title in html, q


def test_a_page_promoted_twice_for_one_query_is_offered_once(client, portal):
    """紅船學院 and 红船学院 are one query: promoting the same page (or link) under both, as an
    editor who does not see the other entry does, lists it once."""
    pinned = ArticlePageFactory(parent=portal.national_section, title="红船学院专题", body=[])
    for typed in ["紅船學院", "红船学院", "“红船学院”"]:
        SearchPromotion.objects.create(query=Query.get(typed), page=pinned, sort_order=0)
    for _ in range(2):
        SearchPromotion.objects.create(
            query=Query.get("红船学院"),
            external_link_url="https://example.edu.cn/hongchuan",
            external_link_text="红船学院官网",
            sort_order=1,
        )
    html = client.get("/search/", {"q": "红船学院"}, HTTP_HOST="national.test").content
    offered = BeautifulSoup(html, "html.parser").select(".search-promotions li a")
    assert [a.get_text() for a in offered] == ["红船学院专题", "红船学院官网"]


def test_a_promotion_is_stored_under_the_query_readers_are_counted_under(
    admin_client, client, portal
):
    """Typed as 紅船學院 in the admin, it is the 红船学院 the report counts; quoted or
    punctuated searches count as, and show the promotion of, the same query."""

    pinned = ArticlePageFactory(parent=portal.national_section, title="红船学院专题", body=[])
    response = admin_client.post(
        reverse("wagtailsearchpromotions:add"),
        {
            "query_string": "  紅船學院！",
            "editors_picks-TOTAL_FORMS": 1,
            "editors_picks-INITIAL_FORMS": 0,
            "editors_picks-MAX_NUM_FORMS": 1000,
            "editors_picks-0-DELETE": "",
            "editors_picks-0-ORDER": 0,
            "editors_picks-0-page": pinned.pk,
        },
    )
    assert response.status_code == 302
    assert list(Query.objects.values_list("query_string", flat=True)) == ["红船学院"]
    for n, q in enumerate(["红船学院", '"红船学院"', "“红船学院”", "红船学院！", "《红船学院》"]):
        html = search_as(client, f"10.0.0.{n}", q=q).content.decode()  # five readers
        assert 'class="search-promotions"' in html, q
    query_log.flush()
    assert list(Query.objects.values_list("query_string", flat=True)) == ["红船学院"]
    assert Query.objects.get().daily_hits.get().hits == 5
    # The admin's query chooser finds it typed either way.
    chooser = admin_client.get(reverse("wagtailsearchpromotions:chooserresults"), {"q": "紅船"})
    assert "红船学院" in chooser.content.decode()
    # Marks that mean something stay: an exclusion, c++, c#.
    assert [query_key(q) for q in ["-红船", "c++", "C#", "“1.2.”"]] == ["-红船", "c++", "c#", "1.2"]
    # A term of marks only would be stored as "" and match nothing: refused, with the reason.
    refused = admin_client.post(
        reverse("wagtailsearchpromotions:add"),
        {"query_string": "！！", "editors_picks-TOTAL_FORMS": 1, "editors_picks-INITIAL_FORMS": 0,
         "editors_picks-MAX_NUM_FORMS": 1000, "editors_picks-0-DELETE": "",
         "editors_picks-0-ORDER": 0, "editors_picks-0-page": pinned.pk},
    )  # fmt: skip
    assert refused.status_code == 200 and "搜索词只有标点或空白" in refused.content.decode()
    assert list(Query.objects.values_list("query_string", flat=True)) == ["红船学院"]


def test_a_promoted_page_shows_only_where_its_site_is_searched_and_only_if_public(client, portal):
    from wagtail.models import PageViewRestriction

    ArticlePageFactory(parent=portal.national_section, title="思政课改革", body=[])
    ArticlePageFactory(parent=portal.institution_section, title="学院思政课", body=[])
    school_page = ArticlePageFactory(
        parent=portal.institution_section, title="学院思政课专题", body=[]
    )
    private = ArticlePageFactory(parent=portal.national_section, title="内部思政课材料", body=[])
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    for sort_order, page in enumerate([school_page, private]):
        SearchPromotion.objects.create(query=Query.get("思政课"), page=page, sort_order=sort_order)
    SearchPromotion.objects.create(
        query=Query.get("思政课"),
        external_link_url="https://example.edu.cn/sz",
        external_link_text="外部思政课资源",
        sort_order=2,
    )

    def promoted(host, **params):
        html = client.get("/search/", {"q": "思政课", **params}, HTTP_HOST=host).content.decode()
        block = html.split('class="search-promotions"', 1)[1].split("</ul>", 1)[0]
        return {t for t in ["学院思政课专题", "内部思政课材料", "外部思政课资源"] if t in block}

    assert promoted("national.test") == {"外部思政课资源"}
    assert promoted("school.test") == {"学院思政课专题", "外部思政课资源"}
    assert promoted("national.test", site="all") == {"学院思政课专题", "外部思政课资源"}
    assert promoted("national.test", site="school.test") == {"学院思政课专题", "外部思政课资源"}


def test_each_site_has_its_own_hot_searches(client, portal):
    ArticlePageFactory(parent=portal.national_section, title="党建工作会议", body=[])
    ArticlePageFactory(parent=portal.institution_section, title="学院党建活动", body=[])
    for n in range(3):
        search_as(client, f"10.0.0.{n}", "school.test", q="党建")
    client.get("/search/", {"q": "工作会议"}, HTTP_HOST="national.test")
    # Searched from the school's site across the portal: counted there, but the school has
    # no article with these words, so its readers are not offered it.
    for n in range(5):
        search_as(client, f"10.0.0.{n}", "school.test", q="工作会议", site="all")
    query_log.flush()
    assert hot_searches(portal.institution) == ["党建"]
    assert hot_searches(portal.national) == ["工作会议"]
    assert hot_searches() == ["工作会议", "党建"]  # the portal's: 6 and 3 searches
    assert Query.objects.get(query_string="工作会议").hits == 6  # 搜索词报告: the portal
    html = client.get("/search/", {"q": "学院"}, HTTP_HOST="school.test").content.decode()
    hot = html.split('class="hot-searches"', 1)[1].split("</aside>", 1)[0]
    assert "党建" in hot and "工作会议" not in hot


def test_old_search_counts_are_pruned_and_promoted_queries_kept(portal, settings):
    from datetime import timedelta

    from django.utils import timezone
    from wagtail.contrib.search_promotions.models import QueryDailyHits

    from search.models import SiteQueryDailyHits
    from search.tasks import prune_query_log

    settings.WAGTAILSEARCH_HITS_MAX_AGE = 30
    today = timezone.localdate()
    old, recent, promoted = Query.get("旧查询"), Query.get("新查询"), Query.get("推荐查询")
    SearchPromotion.objects.create(query=promoted, external_link_url="https://example.edu.cn/")
    for query, age in [(old, 31), (recent, 29), (promoted, 40)]:
        day = today - timedelta(days=age)
        QueryDailyHits.objects.create(query=query, date=day, hits=2)
        SiteQueryDailyHits.objects.create(site=portal.institution, query=query, date=day, hits=2)
    assert prune_query_log() == 4  # two old days, each counted for the portal and the site
    assert set(Query.objects.values_list("query_string", flat=True)) == {"新查询", "推荐查询"}
    assert SiteQueryDailyHits.objects.get().query == recent


def test_the_promotion_list_and_search_terms_report_find_what_the_editor_types(
    admin_client, portal
):
    """Both hold queries normalised (红船学院, ai); their search boxes compared the text as
    typed, so 紅船學院 or ＡＩ found nothing."""
    page = ArticlePageFactory(parent=portal.national_section, title="红船学院专题")
    for query in ["红船学院", "ai教育", "党建"]:
        SearchPromotion.objects.create(query=Query.get(query), page=page, sort_order=0)
        Query.get(query).add_hit()
    for typed, expected in [("紅船學院", ["红船学院"]), ("ＡＩ", ["ai教育"])]:
        listed = admin_client.get(reverse("wagtailsearchpromotions:index"), {"q": typed})
        assert [q.query_string for q in listed.context["queries"]] == expected, typed
        report = admin_client.get(reverse("wagtailsearchpromotions:search_terms"), {"q": typed})
        assert [q.query_string for q in report.context["object_list"]] == expected, typed


def test_hot_searches_stop_checking_once_the_list_is_full(client, portal, monkeypatch):
    """Every candidate (three times the list's length) was checked by a search, in a reader's
    request: 150 searches, 1.3 s."""
    from search import querylog

    monkeypatch.setattr(querylog, "HOT_SEARCHES_MAX", 2)
    words = ["党建", "思政", "课程", "育人", "红船", "工匠"]
    ArticlePageFactory(parent=portal.national_section, title="".join(words), body=[])

    def checks(logged: list[str]) -> tuple[list[str], int]:
        query_log.discard_pending()
        Query.objects.all().delete()
        for n, word in enumerate(logged):
            for reader in range(len(logged) - n):  # the first most searched
                search_as(client, f"10.0.{n}.{reader}", q=word)
        query_log.flush()
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            shown = hot_searches()
        searches = [q for q in captured.captured_queries if "wagtailsearch_indexentry" in q["sql"]]
        return shown, len(searches)

    two, few = checks(words[:2])
    six, many = checks(words)
    assert two == six == ["党建", "思政"]
    assert many == few, (few, many)  # searches for those shown only, none for the rest


def test_counts_written_in_several_batches_add_up(portal):
    """Each batch adds to the day's rows (one INSERT … ON CONFLICT DO UPDATE per table)."""
    from search.models import SiteQueryDailyHits

    log = QueryLog()
    for batch in (["党建"], ["党建", "党建", "思政"]):
        for q in batch:
            log.record(q, site=portal.institution)
        log.record(batch[0])  # and once portal-wide
        log.flush()
    assert Query.get("党建").hits == 5 and Query.get("思政").hits == 1
    per_site = SiteQueryDailyHits.objects.filter(site=portal.institution)
    assert dict(per_site.values_list("query__query_string", "hits")) == {"党建": 3, "思政": 1}


def test_search_syntax_typed_around_the_words_makes_no_query_of_its_own(client, portal):
    """+科比, 科比*, "科比" 湖人, 科比 OR 湖人 … were each a 热搜 beside 科比 (and, through the
    suggestions, offered by 您是不是要找): the search looks for the words alone, so they are
    counted as those words."""
    ArticlePageFactory(parent=portal.national_section, title="科比24分湖人大胜", body=[])
    ArticlePageFactory(parent=portal.national_section, title="学习C++与5G·AT&T", body=[])
    for n, q in enumerate(
        ["科比", "+科比", "科比*", "+“科比”", '"科比"*', "科*比", "科比+"]
        + ['"科比" 湖人', "科比 OR 湖人", "科比 and 湖人", "+科比 + 湖人", "科比  湖人*"]
        + ["科*", "alert or", "科比 NOT 湖人", "NOT 湖人", "+c++", "c++*"]
    ):
        search_as(client, f"10.0.1.{n}", q=q)  # each reader once
    query_log.flush()
    assert dict(Query.objects.values_list("query_string", "daily_hits__hits")) == {
        "科比": 7,
        "科比 湖人": 5,
        "科": 1,
        "alert": 1,
        "科比 -湖人": 1,  # in the report; no 热搜 (an exclusion)
        "c++": 2,
    }  # NOT 湖人 excludes only: not counted, as -湖人 is not
    assert hot_searches() == ["科比", "科比 湖人", "c++"]
    index_cache.clear()  # built by a search above that found nothing, before the flush
    html = client.get("/search/", {"q": "kebi"}, HTTP_HOST="national.test").content
    offered = BeautifulSoup(html, "html.parser").select(".did-you-mean a")
    assert [a.get_text() for a in offered] == ["科比", "科比 湖人"]


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("+科比", "科比"),
        ("科比*", "科比"),
        ("《科比》！", "科比"),
        ('"科比" -"湖人 勇士"', '科比 -"湖人 勇士"'),
        ("科比 not 湖人", "科比 -湖人"),
        ("alert OR", "alert"),
        ("rock and roll", "rock and roll"),  # English words, not operators
        ("to be or not to be", "to be or not to be"),
        ("+C++ 5G·AT&T", "c++ 5g·at&t"),
        ("-红船", "-红船"),
        ("+ * &&", ""),
        ("iphone and not 华为", "iphone -华为"),  # and before an exclusion: an operator too
        ("a or not 湖人", "a -湖人"),
        ('湖人 "-科比"', "湖人 科比"),  # quoted, a - excludes nothing: the search requires 科比
        ('"-湖人"', "湖人"),
    ],
)
def test_query_key_is_the_words_without_the_syntax_and_a_key_is_its_own_key(typed, key):
    assert query_key(typed) == key
    assert query_key(key) == key  # Wagtail's Query normalises keys again (search.apps)


def test_counts_logged_under_an_older_key_count_toward_the_query_they_are_now(portal):
    """Rows counted before the keys dropped the syntax (+科比, 科比*) would be shown for the
    rest of the week beside 科比."""
    from django.utils import timezone
    from wagtail.contrib.search_promotions.models import QueryDailyHits

    from search.models import SiteQueryDailyHits

    ArticlePageFactory(parent=portal.national_section, title="科比24分湖人大胜", body=[])
    ArticlePageFactory(parent=portal.national_section, title="湖人晋级", body=[])
    today = timezone.localdate()
    # Stored as they were (bulk_create: Query.save would normalise them).
    logged = Query.objects.bulk_create(
        [Query(query_string=q) for q in ["+科比", "科比*", '科比" 湖人', "湖人"]]
    )
    for query, hits in zip(logged, [2, 2, 1, 3], strict=True):
        QueryDailyHits.objects.create(query=query, date=today, hits=hits)
        SiteQueryDailyHits.objects.create(site=portal.national, query=query, date=today, hits=hits)
    assert hot_searches() == ["科比", "湖人", "科比 湖人"]
    assert hot_searches(portal.national) == ["科比", "湖人", "科比 湖人"]


def test_words_of_withdrawn_articles_are_offered_no_more_at_once(
    client, portal, django_capture_on_commit_callbacks, django_assert_num_queries
):
    """Unpublished (or its 栏目 taken offline), the only article holding 党建 left 党建 a
    热搜 for 5 more minutes and a 您是不是要找 for an hour, both finding nothing."""
    from search.suggest import did_you_mean_for, index_cache

    article = ArticlePageFactory(parent=portal.national_section, title="党建工作会议", body=[])
    for n in range(3):
        search_as(client, f"10.0.0.{n}", q="党建")
    query_log.flush()
    assert hot_searches(portal.national) == ["党建"]
    assert "党建" in did_you_mean_for("dangjian", portal.national)
    with django_assert_num_queries(0):  # both remembered until then
        assert hot_searches(portal.national) == ["党建"]
        assert "党建" in did_you_mean_for("dangjian", portal.national)
    with django_capture_on_commit_callbacks(execute=True):
        article.unpublish()
    index_cache.clear()  # (the suggestions' own rebuild on withdrawal is tested elsewhere)
    assert hot_searches(portal.national) == []
    assert did_you_mean_for("dangjian", portal.national) == []
