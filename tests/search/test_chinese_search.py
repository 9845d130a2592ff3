"""Chinese search end to end on the embedded database backend (SQLite, and PostgreSQL in CI)."""

import io
import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core.management import call_command

from search.services import for_readers
from tests.factories import ArticlePageFactory, PublishingAccountFactory, SectionPageFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def api(client, host="national.test", **params):
    response = client.get("/search/api/", params, HTTP_HOST=host)
    return response.status_code, json.loads(response.content)


def titles(client, q, exact=False, **params):
    """Result titles; with exact=True only those holding every word of q."""
    status, body = api(client, q=q, **params)
    assert status == 200, body
    return [
        r["title"] for r in (body["results"][: body["exact_total"]] if exact else body["results"])
    ]


def articles(portal, *titles):
    for title in titles:
        ArticlePageFactory(parent=portal.national_section, title=title, body=[])


@pytest.fixture
def seed(portal, shared_dir):
    call_command("import_articles", str(shared_dir / "seed" / "seed-article.jsonl"))


@pytest.mark.parametrize(
    "q", ["党建", "党史学习教育", "红船工匠", "嘉兴职业技术学院", "黨史學習教育"]
)
def test_stock_zero_result_queries_find_the_seed_article(client, seed, q):
    assert titles(client, q) == [
        "坚持党建引领 培养红船工匠 嘉兴职业技术学院高质量打造新时代党建高地"
    ]


def test_words_do_not_match_across_word_boundaries(client, portal):
    articles(
        portal, "提供优质和服务", "身穿和服的游客", "北京大学生电影节开幕", "北京大学举行开学典礼"
    )
    assert titles(client, "和服") == ["身穿和服的游客"]
    assert titles(client, "北京大学") == ["北京大学举行开学典礼"]


def test_full_width_and_case_are_folded(client, portal):
    ArticlePageFactory(parent=portal.national_section, title="Wagtail 与 AI 教学", body=[])
    assert titles(client, "ＡＩ") == ["Wagtail 与 AI 教学"]
    assert titles(client, "wagtail") == ["Wagtail 与 AI 教学"]


def test_phrases_and_exclusions(client, portal):
    articles(portal, "弘扬红船精神", "精神文明与红船")
    assert sorted(titles(client, "红船 精神")) == ["弘扬红船精神", "精神文明与红船"]
    assert titles(client, '"红船精神"') == ["弘扬红船精神"]
    assert titles(client, "红船 -弘扬") == ["精神文明与红船"]
    # A quoted exclusion (modelsearch's PostgreSQL backend used to drop its negation).
    assert titles(client, '红船 -"红船精神"') == ["精神文明与红船"]


def test_a_quoted_phrase_of_words_follows_a_long_word(client, portal):
    """ "高质量 党建": the index wrote 高质量's parts (高质, 质量) right after it, between the
    two words, and the phrase found nothing, typed with a space or a comma alike."""
    articles(portal, "以高质量党建引领发展", "党建工作高质量推进")
    for q in ('"高质量 党建"', "“高质量，党建”", '"高质量党建"'):
        assert titles(client, q) == ["以高质量党建引领发展"], q
    assert titles(client, '"党建 高质量"') == []  # a phrase keeps its order


def test_excluding_a_word_of_several_parts_excludes_only_that_word(client, portal):
    articles(portal, "红船旁的党史课", "红船边的党史学习教育")
    assert titles(client, "红船 -党史学习教育") == ["红船旁的党史课"]


def test_filters_and_sorting(client, portal):
    national, school = portal.national_section, portal.institution_section
    sub = SectionPageFactory(parent=national, title="专题", slug="topic")
    account = PublishingAccountFactory(slug="jx")
    old = datetime(2021, 5, 1, 9, tzinfo=SHANGHAI)
    new = datetime(2022, 5, 1, 9, tzinfo=SHANGHAI)
    ArticlePageFactory(parent=national, title="党建工作 旧", display_time=old, body=[])
    ArticlePageFactory(parent=sub, title="党建工作 新", display_time=new, account=account, body=[])
    ArticlePageFactory(parent=school, title="党建工作 院校", display_time=new, body=[])

    assert sorted(titles(client, "党建")) == ["党建工作 新", "党建工作 旧"]  # this site only
    assert len(titles(client, "党建", site="all")) == 3
    assert titles(client, "党建", site="school.test") == ["党建工作 院校"]
    assert titles(client, "党建", section=sub.pk) == ["党建工作 新"]
    assert titles(client, "党建", account="jx") == ["党建工作 新"]
    assert titles(client, "党建", account="JX") == titles(client, "党建", account="ｊｘ")
    assert titles(client, "党建", account=" ＪＸ ") == ["党建工作 新"]  # as typed, or linked
    assert titles(client, "党建", **{"from": "2022-01-01"}) == ["党建工作 新"]
    assert titles(client, "党建", to="2021-12-31") == ["党建工作 旧"]
    assert titles(client, "党建", sort="newest") == ["党建工作 新", "党建工作 旧"]


def test_sorted_by_time_the_results_are_in_time_order(client, portal):
    """Newest first is one list in time order: the articles holding everything typed; an
    article sharing only some of the words (the looser tier, newer here) is not put after
    them as a second list in its own time order. With no exact match, the looser tier alone."""
    section = portal.national_section
    for title, year in [("党史学习教育动员", 2021), ("党史学习教育总结", 2022), ("学习强国", 2024)]:
        ArticlePageFactory(parent=section, title=title, body=[],
                           display_time=datetime(year, 1, 1, 9, tzinfo=SHANGHAI))  # fmt: skip
    status, body = api(client, q="党史学习教育", sort="newest")
    assert [r["title"] for r in body["results"]] == ["党史学习教育总结", "党史学习教育动员"]
    times = [r["published_at"] for r in body["results"]]
    assert times == sorted(times, reverse=True) and body["total"] == 2
    relevance = titles(client, "党史学习教育")
    assert relevance[:2] == ["党史学习教育动员", "党史学习教育总结"] or relevance[:2] == [
        "党史学习教育总结", "党史学习教育动员"]  # fmt: skip
    assert "学习强国" in relevance  # by relevance the looser tier still follows
    assert titles(client, "学习教育强国", sort="newest")[0] == "学习强国"


def test_only_live_public_pages_are_found(client, portal):
    draft = ArticlePageFactory(parent=portal.national_section, title="草稿里的党建", body=[])
    draft.unpublish()
    assert titles(client, "党建") == []


def test_pages_behind_a_view_restriction_are_not_found(client, portal):
    from wagtail.models import PageViewRestriction

    closed = SectionPageFactory(parent=portal.national_section, title="内部", slug="internal")
    ArticlePageFactory(parent=closed, title="党建工作 内部栏目", body=[])
    own = ArticlePageFactory(parent=portal.national_section, title="党建工作 设了密码", body=[])
    ArticlePageFactory(parent=portal.national_section, title="党建工作 公开", body=[])
    assert len(titles(client, "党建")) == 3
    for page in (closed, own):
        PageViewRestriction.objects.create(
            page=page, restriction_type=PageViewRestriction.PASSWORD, password="x"
        )
    assert titles(client, "党建") == ["党建工作 公开"]


@pytest.mark.parametrize("host", ["national.test", "school.test"])
def test_articles_below_a_section_taken_offline_are_not_found(client, portal, host):
    """取消发布 on a 栏目 (without its subpages) leaves its articles live: they are found by
    no search, counted nowhere, and the 栏目 below it are no filter, until it is back online."""
    top = portal.national_section if host == "national.test" else portal.institution_section
    course = SectionPageFactory(parent=top, title="思政课程", slug="course")
    cases = SectionPageFactory(parent=course, title="课程案例", slug="cases")
    ArticlePageFactory(parent=top, title="党建工作 栏目在线", body=[])
    ArticlePageFactory(parent=course, title="党建工作 栏目下线", body=[])
    ArticlePageFactory(parent=cases, title="党建工作 下线栏目的子栏目", body=[])
    everything = ["党建工作 下线栏目的子栏目", "党建工作 栏目下线", "党建工作 栏目在线"]

    def found(**params):
        status, body = api(client, host=host, q="党建", **params)
        assert status == 200, body
        assert body["total"] == len(body["results"])  # counted as listed
        return sorted(r["title"] for r in body["results"])

    def page():
        response = client.get("/search/", {"q": "党建"}, HTTP_HOST=host)
        return BeautifulSoup(response.content, "html.parser")

    def menu() -> list[str]:
        options = page().select("select[name=section] option")
        return [o.get_text().strip("\u3000└ ") for o in options]

    assert found() == found(site="all") == found(sort="newest") == everything
    assert found(section=course.pk) == everything[:2]
    assert "思政课程" in menu() and "课程案例" in menu()

    course.unpublish()
    assert found() == found(site="all") == found(sort="newest") == ["党建工作 栏目在线"]
    assert found(section=top.pk) == found(section=top.title) == ["党建工作 栏目在线"]
    soup = page()
    assert sorted(a.get_text() for a in soup.select(".search-results h2 a")) == [
        "党建工作 栏目在线"
    ]
    assert soup.select_one(".search-summary").get_text().startswith("找到 1 条结果")
    assert "思政课程" not in menu() and "课程案例" not in menu()
    for section in (cases.pk, "课程案例", f"{top.title}/思政课程/课程案例"):
        status, body = api(client, host=host, q="党建", section=section)
        assert status == 400 and "未知栏目" in body["error"], section

    course.save_revision().publish()  # back online: found again, nothing else to do
    assert found() == found(site="all") == everything
    assert found(section=cases.pk) == ["党建工作 下线栏目的子栏目"]


def test_portal_wide_results_name_each_articles_own_site_and_section(client, portal):
    ArticlePageFactory(parent=portal.national_section, title="党建工作 门户", body=[])
    ArticlePageFactory(parent=portal.institution_section, title="党建工作 院校", body=[])
    status, body = api(client, q="党建", site="all")
    assert status == 200
    assert sorted((r["title"], r["site"], r["section"]) for r in body["results"]) == [
        ("党建工作 门户", "national.test", "要闻"),
        ("党建工作 院校", "school.test", "学校要闻"),
    ]


def test_result_urls_open_where_the_client_reached_the_portal(client, portal):
    from urllib.parse import urlsplit

    """The run command serves on :8000 while the Site record says port 80: a result on the
    request's own site is addressed as the client reached it; another site's as its Site says."""
    own = ArticlePageFactory(parent=portal.national_section, title="党建工作 门户", body=[])
    ArticlePageFactory(parent=portal.institution_section, title="党建工作 院校", body=[])
    response = client.get("/search/api/", {"q": "党建", "site": "all"},
                          HTTP_HOST="national.test:8000")  # fmt: skip
    urls = {r["title"]: r["url"] for r in response.json()["results"]}
    path = urlsplit(own.get_full_url()).path
    assert urls["党建工作 门户"] == "http://national.test:8000" + path
    assert urls["党建工作 院校"].startswith("http://school.test/")
    assert client.get(urls["党建工作 门户"], HTTP_HOST="national.test:8000").status_code == 200


def test_api_shape_highlight_and_pagination(client, seed, portal):
    for n in range(3):
        ArticlePageFactory(parent=portal.national_section, title=f"红船工匠 第{n}篇", body=[])
    status, body = api(client, q="红船工匠", size=2, page=1)
    assert status == 200
    assert body["total"] == 4 and len(body["results"]) == 2
    assert isinstance(body["took_ms"], int | float)
    assert set(body["results"][0]) == {
        "external_id", "title", "url", "highlight", "published_at", "section", "site", "account",
    }  # fmt: skip
    status, last = api(client, q="红船工匠", size=2, page=2)
    assert len(last["results"]) == 2
    seed_hit = next(r for r in body["results"] + last["results"] if r["external_id"] == "seed-000")
    assert "<mark>红船工匠</mark>" in seed_hit["highlight"]
    assert seed_hit["section"] == "喜迎党代会" and seed_hit["site"] == "national.test"
    assert seed_hit["account"] == "嘉兴职业技术学院"
    assert seed_hit["published_at"] == "2022-02-24T09:17:32+08:00"
    assert seed_hit["url"].endswith("/seed-000/")


def test_a_headline_only_article_is_highlighted_in_its_title(client, portal):
    ArticlePageFactory(parent=portal.national_section, title="全国高校党建工作会议召开", body=[])
    status, body = api(client, q="党建")
    assert [r["highlight"] for r in body["results"]] == ["全国高校<mark>党建</mark>工作会议召开"]


def test_what_was_found_is_marked_in_traditional_full_width_and_synonym_spellings(client, portal):
    """Search matches 黨建 for 党建, ＡＩ for ai and 思想政治 for 思政; the snippet marks
    them as written (they were found but left unmarked), and no lone character of a word."""
    from search.models import SynonymGroup

    SynonymGroup.objects.create(words="思政，思想政治")
    articles(portal, "香港大學黨建與ＡＩ教育", "高校思想政治工作", "思政课教师与任课安排")
    for q, expected in [
        ("党建", "香港大學<mark>黨建</mark>與ＡＩ教育"),
        ("ai", "香港大學黨建與<mark>ＡＩ</mark>教育"),
        ("思政", "高校<mark>思想政治</mark>工作"),
    ]:
        status, body = api(client, q=q)
        assert expected in [r["highlight"] for r in body["results"]], (q, body["results"])
    status, body = api(client, q="思政课")
    assert body["results"][0]["highlight"] == "<mark>思政课</mark>教师与任课安排"


def test_a_text_holding_a_character_that_folds_into_several_is_still_marked(client, portal):
    """… folds into ... (NFKC) and Ⅲ into III: such a text was compared unfolded, and its
    Traditional or full-width words were found but never marked."""
    articles(portal, "黨建引領……學校發展新篇章", "ＡＩ課程第Ⅲ期開班")
    for q, expected in [("党建引领", "<mark>黨建引領</mark>……學校發展新篇章"),
                        ("ai课程", "<mark>ＡＩ課程</mark>第Ⅲ期開班")]:  # fmt: skip
        status, body = api(client, q=q)
        assert body["results"][0]["highlight"] == expected, body["results"]


def test_the_api_highlights_the_title_when_only_the_title_holds_the_words(client, portal):
    ArticlePageFactory(
        parent=portal.national_section,
        title="红船精神宣讲团走进校园",
        body=[("paragraph", "<p>本学期第一场报告会在礼堂举行。</p>")],
    )
    status, body = api(client, q="红船精神")
    hit = body["results"][0]
    assert hit["highlight"] == "<mark>红船精神</mark>宣讲团走进校园"
    status, body = api(client, q="报告会")  # in the text: the snippet, as before
    assert body["results"][0]["highlight"] == "本学期第一场<mark>报告会</mark>在礼堂举行。"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"size": "51"}, "超出范围"),
        ({"page": "abc"}, "应为整数"),
        ({"from": "2022-13-01"}, "不是有效日期"),
        ({"from": "2022-02-01", "to": "2022-01-01"}, "起始日期不能晚于截止日期"),
        ({"sort": "random"}, "排序方式（sort）只能是 relevance"),
        ({"site": "nowhere.test"}, "未知站点"),
        ({"section": "999999"}, "未知栏目"),
        ({"section": "0"}, "未知栏目"),  # was ignored: the whole site searched
        ({"section": "00"}, "未知栏目"),
        ({"section": "/"}, "未知栏目"),  # a path of no 栏目 (was a 500)
        ({"section": " / / "}, "未知栏目"),
        ({"page": "1_0"}, "应为整数"),  # int() read it as page 10
        ({"page": "9" * 5000}, "页码（page）超出范围"),  # int() refuses 4,300 digits and more
        ({"size": "-" + "9" * 5000}, "每页条数（size）超出范围"),
        ({"page": "0" * 5000 + "2", "size": "5000"}, "每页条数（size）超出范围"),  # page 2
        ({"from": "2022-01-01garbage"}, "不是有效日期"),  # the rest was ignored
        ({"to": "2022-01-01T05:00"}, "不是有效日期"),
        ({"account": "nobody"}, "未知育人号"),
        # Values the database cannot take (were 500s: integer overflow, superscript digits,
        # a date before year 1 in UTC).
        ({"section": str(2**63)}, "超出范围"),
        ({"account": "²"}, "未知育人号"),
        ({"from": "0001-01-01"}, "不能早于 1900-01-01"),
        # NUL reached PostgreSQL (a 500 there: text cannot hold NUL).
        ({"site": "\x00"}, "站点（site）含有无效字符"),
        ({"account": "a\x00"}, "育人号（account）含有无效字符"),
        ({"q": " ".join(f"词{n}" for n in range(21))}, "搜索词语太多：最多 20 组"),
        # Bytes that are not UTF-8 arrive as U+FFFD: they were searched and echoed as ��.
        ({"q": "党建\ufffd"}, "搜索词含有无法识别的字符（编码有误）"),
        ({"site": "\ufffd"}, "站点（site）含有无法识别的字符"),
        ({"section": "\ufffd"}, "栏目（section）含有无法识别的字符"),
    ],
)
def test_bad_parameters_get_a_clear_chinese_message(client, portal, params, message):
    params = {"q": "党建", **params}
    status, body = api(client, **params)
    assert status == 400 and message in body["error"]
    page = client.get("/search/", params, HTTP_HOST="national.test")
    # The page says it without the API's parameter names (页码应为整数, not 页码（page）…).
    shown = BeautifulSoup(page.content, "html.parser").select_one(".search-error").get_text()
    assert page.status_code == 200 and shown == for_readers(body["error"])
    assert not re.search(r"（(page|size|site|section|account|from|to|sort)）", shown), shown


def test_sort_is_read_whatever_its_case_as_site_is(client, portal):
    for sort in ("NEWEST", "Relevance"):
        status, body = api(client, q="党建", sort=sort, site="ALL")
        assert status == 200, body


def test_bytes_that_are_not_utf8_get_a_message_not_a_search_for_them(client, portal):
    for url in ["/search/api/?q=%ff%fe", "/search/api/?q=%E5%85%9A%ff"]:
        response = client.get(url, HTTP_HOST="national.test")
        assert response.status_code == 400
        assert "编码有误" in json.loads(response.content)["error"]
    page = client.get("/search/?q=%ff%fe&site=all", HTTP_HOST="national.test")
    soup = BeautifulSoup(page.content, "html.parser")
    assert "编码有误" in soup.select_one(".search-error").get_text()
    assert "\ufffd" not in page.content.decode()
    assert soup.select_one("select[name=site] option[selected]")["value"] == "all"  # kept


def test_a_query_longer_than_the_box_takes_is_searched_by_its_start_and_says_so(client, portal):
    ArticlePageFactory(parent=portal.national_section, title="红船精神学习心得", body=[])
    status, body = api(client, q="红船精神" + "。" * 300)  # 304 characters: a pasted link
    assert status == 200 and body["total"] == 1
    assert "搜索词过长，只按前 200 个字符搜索" in body["notice"]
    status, body = api(client, q="红船精神")
    assert "notice" not in body
    page = client.get("/search/", {"q": "红船精神" + "。" * 300}, HTTP_HOST="national.test")
    warning = BeautifulSoup(page.content, "html.parser").select_one(".search-warning")
    assert "搜索词过长" in warning.get_text()


def test_pages_stop_at_the_result_window(client, portal, monkeypatch):
    import search.services

    monkeypatch.setattr(search.services, "MAX_RESULT_WINDOW", 2)
    for n in range(3):
        ArticlePageFactory(parent=portal.national_section, title=f"红船精神第{n}讲", body=[])
    page = client.get("/search/", {"q": "红船", "size": 1, "page": 2}, HTTP_HOST="national.test")
    html = page.content.decode()
    assert "第 2 / 2 页" in html and 'rel="next"' not in html
    status, body = api(client, q="红船", size=1, page=3)
    assert status == 400 and "最多只能查看前 2 条结果" in body["error"]
    # A last page the window cuts short is shown to the window's end (page 2 of size 2 was
    # refused, though offered: 4 > 2).
    ArticlePageFactory(parent=portal.national_section, title="红船精神第3讲", body=[])
    monkeypatch.setattr(search.services, "MAX_RESULT_WINDOW", 3)
    status, body = api(client, q="红船", size=2, page=2)
    assert status == 200 and len(body["results"]) == 1 and body["total"] == 4


def test_a_page_past_the_last_says_so_however_far_it_is(client, portal, monkeypatch):
    """Page 1001 of 3 results spoke of the 10,000-result cap, page 4 of 第 4 页没有结果."""
    import search.services

    monkeypatch.setattr(search.services, "MAX_RESULT_WINDOW", 20)
    for n in range(3):
        ArticlePageFactory(parent=portal.national_section, title=f"红船精神第{n}讲", body=[])
    for page in (4, 21, 10_000):
        html = client.get(
            "/search/", {"q": "红船", "size": 1, "page": page}, HTTP_HOST="national.test"
        ).content.decode()
        assert f"第 {page} 页没有结果：共 3 页" in html and "最多只能查看" not in html
        status, body = api(client, q="红船", size=1, page=page)
        assert status == 200 and body["total"] == 3 and body["results"] == [], body
    status, body = api(client, q="红船", size=1, page=10_001)
    assert status == 400 and "页码（page）超出范围（1–10000）" in body["error"]


def test_search_page_shows_count_time_and_marks(client, seed):
    soup = BeautifulSoup(
        client.get("/search/", {"q": "党史学习教育"}, HTTP_HOST="national.test").content,
        "html.parser",
    )
    assert "找到 1 条结果" in soup.select_one(".search-summary").get_text()
    assert soup.select_one(".search-snippet mark").get_text() == "党史学习教育"
    empty = client.get("/search/", {"q": "量子纠缠"}, HTTP_HOST="national.test")
    assert "没有找到" in empty.content.decode() and "在全部站点中搜索" in empty.content.decode()


def test_several_words_rank_exact_matches_first_then_partial_ones(client, portal):
    articles(portal, "红船精神代代相传", "培养新时代工匠", "红船工匠走进课堂", "校园运动会开幕")
    status, body = api(client, q="红船 工匠")
    assert status == 200
    assert (body["total"], body["exact_total"]) == (3, 1)
    found = [r["title"] for r in body["results"]]
    assert found[0] == "红船工匠走进课堂"
    assert sorted(found[1:]) == ["培养新时代工匠", "红船精神代代相传"]
    # Pages run across the two tiers without losing or repeating a result.
    paged = [titles(client, "红船 工匠", size=2, page=n) for n in (1, 2)]
    assert paged[0] + paged[1] == found


def test_unknown_words_match_as_the_characters_typed(client, portal):
    # jieba does not know 大班额 or 学霸: it cuts 超大班额 as 超大 / 班额 and keeps 学霸们 and
    # 女学霸 as words of their own, so only the characters can find these articles.
    articles(
        portal,
        "县城学校逐步消除超大班额",
        "学霸们的笔记",
        "女学霸的故事",
        "他是班里的学霸",
        "提供优质和服务",
    )
    assert titles(client, "大班额") == ["县城学校逐步消除超大班额"]
    assert sorted(titles(client, "学霸")) == ["他是班里的学霸", "女学霸的故事", "学霸们的笔记"]
    assert titles(client, "学霸 -笔记", sort="newest") == ["他是班里的学霸", "女学霸的故事"]
    # Words jieba knows still match as words only.
    assert titles(client, "和服") == []
    # Punctuation typed between words separates them, as a space does.
    status, body = api(client, q="学霸，笔记")
    assert (status, body["exact_total"]) == (200, 1)
    assert body["results"][0]["title"] == "学霸们的笔记"


def test_characters_never_match_across_punctuation(client, portal):
    articles(portal, "维护中国，国家安全", "发展中国家的教育")
    assert titles(client, "中国家", exact=True) == ["发展中国家的教育"]


def test_quoted_unknown_strings_match_their_characters_as_unquoted_ones_do(client, portal):
    articles(portal, "县城学校逐步消除超大班额", "学霸们的教育", "网络安全教育")
    assert titles(client, '"大班额"') == ["县城学校逐步消除超大班额"]
    assert titles(client, "“学霸”") == ["学霸们的教育"]
    assert titles(client, '学霸 -"学霸"') == []
    assert titles(client, '教育 -"学霸"') == ["网络安全教育"]
    assert titles(client, '"消除 超大班额"') == ["县城学校逐步消除超大班额"]
    assert titles(client, '学校 -"消除 超大班额"') == []


def test_the_looser_tier_keeps_the_characters_of_unknown_strings(client, portal):
    articles(portal, "学霸们的笔记", "学霸们的教育", "网络安全教育")
    status, body = api(client, q="学霸 教育")
    assert (status, body["exact_total"]) == (200, 1)
    found = [r["title"] for r in body["results"]]
    assert found[0] == "学霸们的教育"
    assert sorted(found[1:]) == ["学霸们的笔记", "网络安全教育"]


def test_a_single_character_typed_beside_a_word_leaves_the_words_articles(client, portal):
    """思政 课: no article holds 课 as a word of its own, so none matches exactly; those with
    思政 come next (nothing at all was found)."""
    articles(portal, "思政课改革创新", "高校思政工作会议", "数学课堂")
    status, body = api(client, q="思政 课")
    assert (status, body["exact_total"]) == (200, 0)
    assert sorted(r["title"] for r in body["results"]) == ["思政课改革创新", "高校思政工作会议"]


def test_a_character_typed_against_a_word_leaves_the_words_articles(client, portal):
    """科比胜: jieba cuts 科比 / 胜; 湖人胜 it takes for one word it does not know. Neither is
    in an article here but 湖人胜掘金; those with 科比 or 湖人 come next (were: nothing, and
    for 湖人胜 the one exact match alone)."""
    articles(portal, "湖人胜掘金", "湖人主场告负", "科比宣布退役", "詹姆斯缺阵")
    for q, exact, looser in [
        ("科比胜", [], ["科比宣布退役"]),
        ("湖人胜", ["湖人胜掘金"], ["湖人主场告负"]),
    ]:
        status, body = api(client, q=q)
        assert (status, body["exact_total"]) == (200, len(exact)), q
        assert [r["title"] for r in body["results"]] == exact + looser, q


def test_letters_typed_against_chinese_still_find_the_chinese_words(client, portal):
    """jieba cuts A股市场 into a / 股 / 市场: no article holds 股市场, yet 市场 is found as
    a partial match, as for A股行情 (was: nothing, and no hint)."""
    articles(portal, "A股今日收涨", "新兴市场开年不利", "党建引领发展")
    for q, found in [("A股市场", ["新兴市场开年不利"]), ("党建x", ["党建引领发展"])]:
        status, body = api(client, q=q)
        assert (status, body["exact_total"]) == (200, 0), q
        assert [r["title"] for r in body["results"]] == found, q


def test_english_words_and_stop_words_are_matched_as_typed(client, portal):
    # No stemming or stop-word list on any backend (PostgreSQL's default configuration
    # would drop "and" and find "teach" in "teaching", unlike SQLite and OpenSearch).
    articles(portal, "Q and A 答疑", "AI teaching 研讨")
    assert titles(client, "and") == ["Q and A 答疑"]
    assert titles(client, "teach") == []
    assert titles(client, "teaching") == ["AI teaching 研讨"]


def test_one_word_is_loosened_into_its_parts_but_never_into_its_characters(client, portal):
    articles(portal, "北京大学举行开学典礼", "北京师范大学迎新", "北京大学生电影节开幕")
    status, body = api(client, q="北京大学")
    assert status == 200
    assert body["exact_total"] == 1
    assert [r["title"] for r in body["results"]] == ["北京大学举行开学典礼", "北京师范大学迎新"]


def test_a_word_is_loosened_only_into_the_words_at_its_edges(client, portal):
    articles(portal, "清华园的秋天", "华大基因上市")
    status, body = api(client, q="清华大学")
    assert (status, body["exact_total"]) == (200, 0)
    assert [r["title"] for r in body["results"]] == ["清华园的秋天"]


@pytest.mark.parametrize("q", ["思政课程", "思想政治课程"])
def test_synonyms_apply_inside_an_unknown_string(client, portal, q):
    from search.models import SynonymGroup

    SynonymGroup.objects.create(words="思政，思想政治")
    articles(portal, "思政课程改革", "推进思想政治课程建设", "思政教育与课程改革")
    status, body = api(client, q=q)
    assert status == 200
    # The synonym stands in for its word inside the string, the rest stays as typed.
    assert body["exact_total"] == 2, body
    assert sorted(r["title"] for r in body["results"][:2]) == [
        "思政课程改革",
        "推进思想政治课程建设",
    ]


def test_no_exact_match_says_the_results_share_only_some_words(client, portal):
    ArticlePageFactory(parent=portal.national_section, title="红船精神代代相传", body=[])
    response = client.get("/search/", {"q": "红船 运动会"}, HTTP_HOST="national.test")
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    assert "以下结果包含其中部分词语" in page.select_one(".search-notice").get_text()
    assert [a.get_text() for a in page.select(".search-results h2 a")] == ["红船精神代代相传"]


def test_long_queries_of_words_with_synonyms_are_answered(client, portal):
    from search.models import SynonymGroup

    SynonymGroup.objects.create(words="党，中国共产党")
    SynonymGroup.objects.create(words="思政，思想政治")
    articles(portal, "中国共产党思想政治工作", "党的思政课")
    # Once a 500: each repetition nested the query one level deeper (PostgreSQL's compiler
    # recursed too deep, SQLite FTS5's parser overflowed).
    assert len(titles(client, " ".join(["党"] * 100))) == 2
    assert sorted(titles(client, " ".join(["党", "思政"] * 60), exact=True)) == [
        "中国共产党思想政治工作",
        "党的思政课",
    ]
    # As many groups as a query may have, each with synonyms or matched as characters.
    most = " ".join(["党", "思政", *[f"词{n}" for n in range(18)]])
    status, body = api(client, q=most)
    assert status == 200 and body["exact_total"] == 0


def test_an_ideographic_space_separates_words(client, portal):
    articles(portal, "红船精神与党建工作", "党建引领发展")
    # Two words (as with an ASCII space), not the string 党建红船 (was: U+3000 dropped).
    assert titles(client, "党建\u3000红船", exact=True) == ["红船精神与党建工作"]
    assert titles(client, "党建 红船", exact=True) == ["红船精神与党建工作"]


def test_a_page_past_the_last_says_so_and_links_back(client, portal):
    articles(portal, "党建工作会议", "党建引领发展")
    page = BeautifulSoup(
        client.get("/search/", {"q": "党建", "page": 3}, HTTP_HOST="national.test").content,
        "html.parser",
    )
    empty = page.select_one(".search-empty").get_text()
    assert "第 3 页没有结果：共 1 页" in empty and "没有找到" not in empty
    assert page.select_one(".search-empty a")["href"] == "?q=%E5%85%9A%E5%BB%BA&page=1"


NUMBERS = {
    "1.7秒": "1.7秒神之一击",
    "0.82%": "创业板指半日涨0.82%",
    "97-91": "湖人97-91胜",
    "97-91胜": "湖人97-91胜",
    "0-0": "国足0-0暂平叙利亚",
    "covid-19": "covid-19疫情防控",
    "2022-2023学年": "2022-2023学年校历",
    "约1.5万人": "约1.5万人参加",
    '"1.7秒"': "1.7秒神之一击",
    '"97-91胜"': "湖人97-91胜",
    "10.5": "身高10.5米的雕像",
    "涨0.82%": "创业板指半日涨0.82%",
    "c++程序": "c++程序设计课程",
    "用C++": "用c++编程",
    "C#": "c#语言入门",
    "93.8": "比例提高到93.8%",  # the number of a percentage, as typed
}
# The same numbers' other halves: never a match (1.7秒 once found 2.7秒 and 11.7秒).
NUMBER_DECOYS = ["用时2.7秒夺冠", "用时11.7秒", "1秒7个球", "湖人97分", "以88-91胜",
                 "2021-2023学年规划", "约1.2万人参加，另有5万人观看",
                 "版本10.5.1发布", "市盈率0.82倍",
                 "c语言程序设计", "用c语言编程", "维生素c片", "提高了193.8倍"]  # fmt: skip


def test_numbers_and_codes_are_found_as_typed(client, portal):
    articles(portal, *dict.fromkeys(NUMBERS.values()), *NUMBER_DECOYS)
    for q, title in NUMBERS.items():
        assert titles(client, q, exact=True) == [title], q
    assert "湖人97-91胜" not in titles(client, "湖人 -97-91")
    assert "covid-19疫情防控" not in titles(client, '疫情 -"covid-19"')
    # The admin's search (autocomplete) too: PostgreSQL cut 97-91 at the hyphen there.
    client.force_login(get_user_model().objects.create_superuser("numbers", password="x"))
    for q in ("97-91", "covid-19"):
        html = client.get("/admin/pages/search/", {"q": q}).content.decode()
        assert NUMBERS[q] in html, q


def test_a_number_finds_its_percentage_and_no_other_number_holding_it(client, portal):
    """入党申请人比例从75.3%提高到93.8% (the reference article): 93.8 found nothing (the text's
    word is 93.8%), while 3.8 and 5.3 found it, as the guessed halves 3. and .8 of a word
    jieba did not know, highlighted 9<mark>3.8</mark>%."""
    articles(portal, "入党申请人比例从75.3%提高到93.8%", "比例提高了61.3%")
    assert titles(client, "93.8") == ["入党申请人比例从75.3%提高到93.8%"]
    assert titles(client, "75.3%") == ["入党申请人比例从75.3%提高到93.8%"]
    assert titles(client, "61.3") == ["比例提高了61.3%"]
    for q in ("3.8", "5.3", "1.3", "93", "8"):
        assert titles(client, q) == [], q


def test_operator_words_from_other_engines_mean_what_their_key_says(client, portal):
    """科比 NOT 湖人 excludes 湖人, as its 热搜 key (科比 -湖人) says; it required a word "not".
    OR reads as AND (every word is required); between English words they are words."""
    articles(portal, "科比退役", "科比与湖人", "rock and roll 之夜", "Q and A 答疑")
    assert titles(client, "科比 NOT 湖人", exact=True) == ["科比退役"]
    assert titles(client, "科比 or 湖人", exact=True) == ["科比与湖人"]
    assert titles(client, "rock and roll", exact=True) == ["rock and roll 之夜"]
    assert sorted(titles(client, "and")) == ["Q and A 答疑", "rock and roll 之夜"]  # alone: a word


def test_update_index_names_the_database_index(portal):
    """It printed "Rebuilding index <search.backends.database….Index object at 0x7f…>"."""
    import io

    out = io.StringIO()
    call_command("update_index", stdout=out)
    assert "object at 0x" not in out.getvalue()
    assert "Rebuilding index wagtailsearch_indexentry" in out.getvalue()


def test_update_index_with_the_engine_unreachable_says_so_and_rebuilds_the_database(
    portal, settings
):
    """SEARCH_URL naming an engine that is not running: update_index ended in a 100-line
    traceback of opensearch-py's, before the database backend (the readers' fallback) was
    rebuilt at all."""
    from django.core.management import CommandError

    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {"BACKEND": "search.backends.opensearch", "URLS": ["http://127.0.0.1:9"]},
        "database": {"BACKEND": "search.backends.database"},
    }
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("update_index", stdout=out, stderr=err)
    assert "搜索后端 default 的索引未更新：SEARCH_URL 所指的搜索引擎无法使用" in str(refused.value)
    assert "default: 搜索引擎无法使用（ConnectionError）" in err.getvalue()
    assert "database: indexed" in out.getvalue()


def test_updates_an_engine_missed_are_replayed_into_the_database_once_it_is_the_backend(
    client, portal
):
    """SEARCH_URL unset after an engine outage: the updates recorded for the engine are
    replayed into the database backend, which is now "default". Before, every row failed on
    every run (the database backend takes no _replaying) and the command never ended clean."""
    from articles.models import ArticlePage
    from search.models import PendingIndexUpdate

    article = ArticlePageFactory(parent=portal.national_section, title="停机前的标题", body=[])
    gone = ArticlePageFactory(parent=portal.national_section, title="停机前的另一篇", body=[])
    ArticlePage.objects.filter(pk=article.pk).update(title="停机后改的标题")  # not indexed
    for page in (article, gone):
        PendingIndexUpdate.objects.create(
            app_label="articles", model_name="articlepage", object_pk=str(page.pk)
        )
    ArticlePage.objects.filter(pk=gone.pk).delete()  # a queryset delete: the index keeps it
    out = io.StringIO()
    call_command("replay_index_updates", stdout=out)
    assert "已补发 2 条，剩余 0 条" in out.getvalue()
    assert not PendingIndexUpdate.objects.exists()
    assert titles(client, "停机后改的标题") == ["停机后改的标题"]
