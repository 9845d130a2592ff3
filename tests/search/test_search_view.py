"""The search page never fails on odd input (Chinese-aware ranking comes with the search issue)."""

import json

import pytest
from bs4 import BeautifulSoup

from tests.factories import ArticlePageFactory, PublishingAccountFactory, SectionPageFactory

pytestmark = pytest.mark.django_db

ODD_QUERIES = ['"', "\\", "(", ":", "AND", "*", "a AND", '"未闭合', "x" * 2000, "😀", "，。！",
               "", "NEAR(", "^", "-", "title:x", "'", "a OR OR b"]  # fmt: skip


@pytest.mark.parametrize("query", ODD_QUERIES)
def test_odd_queries_render_a_normal_page(client, portal, query):
    response = client.get("/search/", {"q": query}, HTTP_HOST="national.test")
    assert response.status_code == 200
    assert "搜索" in response.content.decode()


@pytest.mark.parametrize("query", ["-", '"', "!!!", "*", "\\", "😀", "。。。", "《》", "-党建 ！"])
def test_a_query_of_marks_only_asks_for_a_word_as_an_empty_one_does(client, portal, query):
    """-, " were told 请至少输入一个要查找的词语; !!!, *, 😀 were searched for and told to check
    their spelling (没有找到与“!!!”相关的文章): the index holds no marks to find."""
    response = client.get("/search/api/", {"q": query}, HTTP_HOST="national.test")
    body = json.loads(response.content)
    assert response.status_code == 200 and body["total"] == 0
    assert body["notice"] == "请至少输入一个要查找的词语。"
    page = client.get("/search/", {"q": query}, HTTP_HOST="national.test")
    soup = BeautifulSoup(page.content, "html.parser")
    assert soup.select_one(".search-notice").get_text() == "请至少输入一个要查找的词语。"


def test_results_come_only_from_the_requests_site(client, portal):
    ArticlePageFactory(parent=portal.national_section, title="Wagtail national")
    ArticlePageFactory(parent=portal.institution_section, title="Wagtail school")
    soup = BeautifulSoup(
        client.get("/search/", {"q": "wagtail"}, HTTP_HOST="school.test").content, "html.parser"
    )
    assert _titles(soup) == ["Wagtail school"]


def test_the_words_searched_are_marked_in_titles(client, portal):
    ArticlePageFactory(parent=portal.national_section, title="坚持党建引领 <b>培养</b>工匠")
    soup = BeautifulSoup(
        client.get("/search/", {"q": "党建 工匠"}, HTTP_HOST="national.test").content,
        "html.parser",
    )
    title = soup.select_one(".search-results h2 a")
    assert [m.get_text() for m in title.find_all("mark")] == ["党建", "工匠"]
    assert title.get_text() == "坚持党建引领 <b>培养</b>工匠"  # the title's text, escaped


def _submit(client, form, host, q):
    """GET the form's action with its fields (hidden ones included) and q typed in."""
    fields = {i["name"]: i.get("value", "") for i in form.find_all("input") if i.get("name")}
    fields["q"] = q
    return BeautifulSoup(client.get(form["action"], fields, HTTP_HOST=host).content, "html.parser")


def _titles(soup):
    return sorted(a.get_text() for a in soup.select(".search-results h2 a"))


def test_a_sections_search_box_finds_only_its_articles_and_says_so(client, portal):
    topic = SectionPageFactory(parent=portal.national_section, title="专题")
    sub = SectionPageFactory(parent=topic, title="子专题")
    ArticlePageFactory(parent=topic, title="党建工作 专题", body=[])
    ArticlePageFactory(parent=sub, title="党建工作 子专题", body=[])
    ArticlePageFactory(parent=portal.national_section, title="党建工作 要闻", body=[])
    page = BeautifulSoup(client.get(topic.url, HTTP_HOST="national.test").content, "html.parser")
    soup = _submit(client, page.select_one("form.scoped-search"), "national.test", "党建")
    assert _titles(soup) == ["党建工作 专题", "党建工作 子专题"]
    assert "栏目“专题”" in soup.select_one(".search-scope").get_text()
    assert soup.select_one("select[name=section] option[selected]")["value"] == str(topic.pk)
    # The scope can be dropped: its link searches the site again.
    unscoped = soup.select_one(".search-scope a")["href"]
    wider = BeautifulSoup(
        client.get("/search/" + unscoped, HTTP_HOST="national.test").content, "html.parser"
    )
    assert len(_titles(wider)) == 3 and wider.select_one(".search-scope") is None


def test_an_accounts_search_box_finds_only_its_articles(client, portal):
    account = PublishingAccountFactory(name="嘉兴职业技术学院", slug="jx")
    ArticlePageFactory(parent=portal.national_section, title="党建 育人号文章", account=account)
    ArticlePageFactory(parent=portal.national_section, title="党建 其他文章")
    page = BeautifulSoup(
        client.get("/yurenhao/jx/", HTTP_HOST="national.test").content, "html.parser"
    )
    soup = _submit(client, page.select_one("form.scoped-search"), "national.test", "党建")
    assert _titles(soup) == ["党建 育人号文章"]
    assert "育人号“嘉兴职业技术学院”" in soup.select_one(".search-scope").get_text()


def test_the_section_menu_lists_the_searched_sites_sections_in_tree_order(client, portal):
    topic = SectionPageFactory(parent=portal.national_section, title="专题")
    SectionPageFactory(parent=topic, title="子专题")
    hidden = SectionPageFactory(parent=portal.national_section, title="未发布栏目")
    hidden.unpublish()

    def menu(**params):
        soup = BeautifulSoup(
            client.get("/search/", {"q": "党建", **params}, HTTP_HOST="national.test").content,
            "html.parser",
        )
        select = soup.select_one("select[name=section]")
        groups = [g["label"] for g in select.find_all("optgroup")]
        return groups, [o.get_text() for o in select.find_all("option")][1:]

    groups, options = menu()
    assert groups == [] and options == ["要闻", "\u3000└ 专题", "\u3000\u3000└ 子专题"]
    assert menu(site="nowhere.test") == ([], options)  # an unknown site: this site's menu
    # Another site's 栏目 reached by a link stays chosen, so the form keeps the search in it.
    soup = BeautifulSoup(
        client.get(
            "/search/", {"q": "党建", "section": portal.institution_section.pk},
            HTTP_HOST="national.test",
        ).content,
        "html.parser",
    )  # fmt: skip
    chosen = soup.select_one("select[name=section] option[selected]")
    assert (chosen["value"], chosen.get_text()) == (str(portal.institution_section.pk), "学校要闻")
    groups, options = menu(site="all")  # every site's, under its name
    assert groups == ["全国高校思想政治工作网", "嘉兴职业技术学院"]
    assert options[-1] == "学校要闻"


def test_a_named_site_stays_chosen_and_another_sites_section_is_searched(client, portal):
    """范围 kept at the site the search named (it fell back to 本站, and sending the form
    again with that site's 栏目 found nothing); another site's 栏目 searched from this one
    searches that 栏目; a 栏目 outside an explicitly named site is a clear error."""
    ArticlePageFactory(parent=portal.institution_section, title="学校党建工作会议", body=[])
    ArticlePageFactory(parent=portal.national_section, title="全国党建工作会议", body=[])
    html = client.get(
        "/search/", {"q": "党建", "site": "school.test"}, HTTP_HOST="national.test"
    ).content
    chosen = BeautifulSoup(html, "html.parser").select_one("select[name=site] option[selected]")
    assert (chosen["value"], chosen.get_text()) == ("school.test", "嘉兴职业技术学院")
    section = portal.institution_section.pk
    for params in [{"site": "school.test"}, {}, {"site": "all"}]:
        response = client.get(
            "/search/api/", {"q": "党建", "section": section, **params}, HTTP_HOST="national.test"
        )
        assert response.status_code == 200, params
        assert [r["title"] for r in response.json()["results"]] == ["学校党建工作会议"], params
    response = client.get(
        "/search/api/",
        {"q": "党建", "section": section, "site": "national.test"},
        HTTP_HOST="national.test",
    )
    assert response.status_code == 400
    assert "不在所选站点中" in response.json()["error"]


def test_the_api_filters_by_the_section_and_account_its_results_name(client, portal):
    """Results name a 栏目 by title and a 育人号 by name; the filters take those (and a 栏目
    path, as the import format writes it), not only a page id and a slug."""
    topic = SectionPageFactory(parent=portal.national_section, title="专题")
    sub = SectionPageFactory(parent=topic, title="综合")
    other = SectionPageFactory(parent=portal.national_section, title="综合")
    elsewhere = SectionPageFactory(parent=portal.institution_section, title="院校专题")
    account = PublishingAccountFactory(name="THU 清华大学·新闻中心", slug="thu")
    ArticlePageFactory(parent=sub, title="党建 专题综合", body=[], account=account)
    ArticlePageFactory(parent=other, title="党建 要闻综合", body=[])
    ArticlePageFactory(parent=topic, title="党建 专题", body=[])
    ArticlePageFactory(parent=elsewhere, title="党建 院校", body=[])

    def titles(**params):
        response = client.get("/search/api/", {"q": "党建", **params}, HTTP_HOST="national.test")
        assert response.status_code == 200, response.json()
        return sorted(r["title"] for r in response.json()["results"])

    assert titles(section="专题") == ["党建 专题", "党建 专题综合"]
    assert titles(section="综合") == ["党建 专题综合", "党建 要闻综合"]  # both 综合 of this site
    assert titles(section="要闻/专题/综合") == ["党建 专题综合"]
    assert titles(section="专题/综合") == ["党建 专题综合"]
    assert titles(section=str(sub.pk)) == ["党建 专题综合"]
    assert titles(section="院校专题") == ["党建 院校"]  # another site's, as for an id
    assert titles(account="THU 清华大学·新闻中心") == ["党建 专题综合"]
    assert titles(account="thu") == ["党建 专题综合"]
    missing = client.get("/search/api/", {"q": "党建", "section": "没有的栏目"},
                         HTTP_HOST="national.test")  # fmt: skip
    assert missing.status_code == 400 and "没有的栏目" in missing.json()["error"]
    wrong_site = client.get("/search/api/", {"q": "党建", "section": "院校专题",
                            "site": "national.test"}, HTTP_HOST="national.test")  # fmt: skip
    assert wrong_site.status_code == 400


def test_a_private_sections_title_is_not_shown_or_told_apart_from_an_unknown_one(client, portal):
    from wagtail.models import PageViewRestriction

    private = SectionPageFactory(parent=portal.national.root_page, title="内部栏目", slug="inner")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    for params in [{"section": private.pk}, {"section": "内部栏目"}]:
        page = client.get("/search/", {"q": "通知", **params}, HTTP_HOST="national.test")
        soup = BeautifulSoup(page.content, "html.parser")
        assert page.status_code == 200 and "未知栏目" in soup.get_text()
        assert "内部栏目" not in " ".join(o.get_text() for o in soup.select("option"))
        api = client.get("/search/api/", {"q": "通知", **params}, HTTP_HOST="national.test")
        unknown = client.get(
            "/search/api/", {"q": "通知", "section": 10**9}, HTTP_HOST="national.test"
        )
        assert api.status_code == unknown.status_code == 400
        assert "未知栏目" in api.content.decode()


def test_a_bad_parameter_keeps_the_readers_other_filters_in_the_form(client, portal):
    section = SectionPageFactory(parent=portal.national.root_page, title="通知公告", slug="notices")
    page = client.get(
        "/search/",
        {"q": "党建", "site": "all", "sort": "newest", "from": "2020-01-01",
         "to": "2022-13-01", "section": section.pk},
        HTTP_HOST="national.test",
    )  # fmt: skip
    soup = BeautifulSoup(page.content, "html.parser")
    assert "不是有效日期" in soup.select_one(".search-error").get_text()
    form = soup.select_one("form.search-filters")
    assert form.select_one("input[name=q]")["value"] == "党建"
    assert form.select_one("select[name=site] option[selected]")["value"] == "all"
    assert form.select_one("select[name=sort] option[selected]")["value"] == "newest"
    assert form.select_one("input[name=from]")["value"] == "2020-01-01"
    assert form.select_one("input[name=to]")["value"] == ""  # the bad one is dropped
    assert form.select_one("select[name=section] option[selected]")["value"] == str(section.pk)


def test_head_requests_are_answered_and_not_counted_as_searches(client, portal):
    from search.querylog import query_log

    for url in ["/search/?q=党建", "/search/api/?q=党建", "/search/suggest/?q=dj",
                "/api/feeds/hot/"]:  # fmt: skip
        response = client.head(url, HTTP_HOST="national.test")
        assert response.status_code == 200, url
        assert response.content == b""
    query_log.flush()
    from wagtail.contrib.search_promotions.models import Query

    assert not Query.objects.filter(query_string__contains="党建").exists()


def test_a_post_to_the_apis_is_a_405_not_the_csrf_page(portal):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    for url in ["/search/api/?q=党建", "/search/suggest/?q=dj", "/api/feeds/hot/"]:
        response = client.post(url, {}, HTTP_HOST="national.test")
        assert response.status_code == 405, url
        # JSON with a message in Chinese (Django's 405 had an empty text/html body)
        assert response["Content-Type"] == "application/json", url
        assert "不接受 POST 请求" in json.loads(response.content)["error"], url
        assert response["Allow"] == "GET, HEAD"
        # Any other method too (PUT, PATCH … got the HTML page, with Allow naming POST).
        for method in ("PUT", "DELETE", "PATCH", "TRACE", "PROPFIND", "OPTIONS"):
            response = client.generic(method, url, HTTP_HOST="national.test")
            assert response.status_code == 405, (method, url)
            assert response["Content-Type"] == "application/json", (method, url)
            assert f"不接受 {method} 请求" in json.loads(response.content)["error"]
            assert response["Allow"] == "GET, HEAD", (method, url)
    for method in (client.put, client.delete, client.options):
        response = method("/robots.txt", HTTP_HOST="national.test")
        assert response.status_code == 405
        assert "此地址不支持这种请求方式" in response.content.decode()


def test_a_host_the_site_does_not_serve_gets_json_from_the_apis(portal, client, settings):
    """Django refuses a Host outside ALLOWED_HOSTS before any view runs: a JSON client got
    the HTML 400 page. Readers' pages keep the page."""
    settings.ALLOWED_HOSTS = ["national.test"]
    for url in ["/search/api/?q=党建", "/search/suggest/?q=dj", "/api/feeds/hot/"]:
        response = client.get(url, HTTP_HOST="evil.example")
        assert response.status_code == 400, url
        assert response["Content-Type"] == "application/json", url
        assert "主机名" in json.loads(response.content)["error"], url
    page = client.get("/search/?q=党建", HTTP_HOST="evil.example")
    assert page.status_code == 400 and page["Content-Type"].startswith("text/html")
    assert client.get("/search/api/?q=党建", HTTP_HOST="national.test").status_code == 200


def test_readers_pages_refuse_put_delete_and_trace_and_the_admin_is_left_alone(portal, admin_user):
    """Wagtail served an article for PUT, DELETE, PATCH and TRACE as for GET."""
    from django.test import Client

    article = ArticlePageFactory(parent=portal.national_section, title="方法测试", body=[])
    client = Client(enforce_csrf_checks=True)
    for method in ("PUT", "DELETE", "PATCH", "TRACE"):
        response = client.generic(method, article.url, HTTP_HOST="national.test")
        assert response.status_code == 405, method
        assert "此地址不接受" in response.content.decode()
        assert response["Allow"] == "GET, HEAD, POST, OPTIONS"
    assert client.get(article.url, HTTP_HOST="national.test").status_code == 200
    assert client.options(article.url, HTTP_HOST="national.test").status_code == 200
    client.force_login(admin_user)
    response = client.generic("PUT", "/admin/pages/", HTTP_HOST="national.test")
    assert response.status_code != 405 or "此地址不接受" not in response.content.decode()
