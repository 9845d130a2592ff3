"""A 栏目 taken offline (取消发布 without its subpages, the dialog's default) takes what lies
below it offline for readers: served nowhere, listed nowhere, back when the 栏目 is."""

import json
from dataclasses import dataclass
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from articles.models import ArticlePage, ArticleViewCount, FeaturedSlot, SectionPage
from tests.factories import ArticlePageFactory, PublishingAccountFactory, SectionPageFactory

pytestmark = pytest.mark.django_db


@dataclass
class Tree:
    host: str
    top: SectionPage  # 典型经验: stays live
    course: SectionPage  # 思政课程, under it: taken offline
    cases: SectionPage  # 课程案例, a live 栏目 under 思政课程
    shown: ArticlePage  # in 典型经验, of the 育人号 红船
    hidden: ArticlePage  # in 思政课程, of 红船
    deeper: ArticlePage  # in 课程案例, of the 育人号 课程, which has nothing else


def build(site) -> Tree:
    top = SectionPageFactory(parent=site.root_page, title="典型经验", slug="experience")
    course = SectionPageFactory(parent=top, title="思政课程", slug="course")
    cases = SectionPageFactory(parent=course, title="课程案例", slug="cases")
    red = PublishingAccountFactory(slug="hc", name="红船")
    lessons = PublishingAccountFactory(slug="kc", name="课程")
    # Every title shares 红船精神, so each is the others' 相关阅读.
    shown = ArticlePageFactory(parent=top, title="红船精神进课堂", account=red, body=[])
    hidden = ArticlePageFactory(parent=course, title="红船精神示范课", account=red, body=[])
    deeper = ArticlePageFactory(parent=cases, title="红船精神案例", account=lessons, body=[])
    for article in (shown, hidden, deeper):
        ArticleViewCount.objects.create(article=article, day=timezone.localdate(), views=5)
    FeaturedSlot.objects.create(page=site.root_page, article=hidden, position=FeaturedSlot.CAROUSEL)
    return Tree(site.hostname, top, course, cases, shown, hidden, deeper)


def status(client, host: str, url: str) -> int:
    return client.get(url, HTTP_HOST=host).status_code


@pytest.mark.parametrize("which", ["national", "institution"])
def test_pages_below_a_section_taken_offline_are_a_404_until_it_is_back(client, portal, which):
    tree = build(getattr(portal, which))
    below = (tree.course, tree.cases, tree.hidden, tree.deeper)
    tree.course.unpublish()  # Wagtail's 取消发布, "include subpages" not ticked
    assert ArticlePage.objects.get(pk=tree.hidden.pk).live  # Wagtail left them live
    for page in below:
        assert status(client, tree.host, page.url) == 404, page.title
    comment = client.post(tree.hidden.url, {"content": "好文"}, HTTP_HOST=tree.host)
    assert comment.status_code == 404
    assert status(client, tree.host, tree.shown.url) == status(client, tree.host, "/") == 200

    tree.course.save_revision().publish()  # back online: nothing else to do
    for page in below:
        assert status(client, tree.host, page.url) == 200, page.title


def test_an_editor_still_previews_an_article_below_a_section_taken_offline(admin_client, portal):
    course = SectionPageFactory(parent=portal.national_section, title="思政课程", slug="course")
    article = ArticlePageFactory(parent=course, title="思政课程示范课")
    course.unpublish()
    assert admin_client.get(article.url, HTTP_HOST="national.test").status_code == 404
    preview = admin_client.get(
        reverse("wagtailadmin_pages:view_draft", args=[article.pk]), HTTP_HOST="national.test"
    )
    assert preview.status_code == 200 and "思政课程示范课" in preview.content.decode()


def text(client, host: str, url: str) -> str:
    response = client.get(url, HTTP_HOST=host)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser").get_text()


def accounts_listed(client, host: str) -> set[str]:
    """The 育人号 the site's directory (/yurenhao/) lists."""
    response = client.get("/yurenhao/", HTTP_HOST=host)
    soup = BeautifulSoup(response.content, "html.parser")
    return {a.get_text() for a in soup.select("ul.account-list a")}


def titles_in_json(client, host: str, url: str) -> set[str]:
    response = client.get(url, HTTP_HOST=host)
    assert response.status_code == 200, url
    found: set[str] = set()

    def walk(value):
        if isinstance(value, dict):
            if isinstance(value.get("title"), str):
                found.add(value["title"])
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(json.loads(response.content))
    return found


def titles_in_feed(client, host: str, url: str) -> set[str]:
    response = client.get(url, HTTP_HOST=host)
    assert response.status_code == 200, url
    atom = "{http://www.w3.org/2005/Atom}"
    root = ElementTree.fromstring(response.content)
    rss = {item.findtext("title") for item in root.findall("channel/item")}
    return rss | {entry.findtext(f"{atom}title") for entry in root.findall(f"{atom}entry")}


def seen(client, tree: Tree) -> dict[str, set[str]]:
    """The 红船精神 titles a reader meets on each page and feed of the site."""
    host, home = tree.host, tree.top.get_parent().pk
    titles = {a.title for a in (tree.shown, tree.hidden, tree.deeper)}

    def on_page(url: str) -> set[str]:
        shown = text(client, host, url)
        return {t for t in titles if t in shown}

    return {
        "home": on_page("/"),
        "典型经验": on_page(tree.top.url),
        "育人号": on_page("/yurenhao/hc/"),
        "hot": titles_in_json(client, host, "/api/feeds/hot/"),
        "recommended": titles_in_json(client, host, "/api/feeds/recommended/"),
        "related": titles_in_json(client, host, f"/api/feeds/related/{tree.shown.pk}/"),
        "account": titles_in_json(client, host, "/api/feeds/accounts/hc/"),
        "slots": titles_in_json(client, host, f"/api/feeds/slots/{home}/"),
        "rss": titles_in_feed(client, host, f"/feeds/section/{tree.top.pk}/rss/"),
        "atom": titles_in_feed(client, host, "/feeds/account/hc/atom/"),
    }


@pytest.mark.parametrize("which", ["national", "institution"])
def test_articles_below_a_section_taken_offline_are_listed_nowhere_until_it_is_back(
    client, portal, which, django_capture_on_commit_callbacks
):
    site = getattr(portal, which)
    other = portal.institution if which == "national" else portal.national
    tree = build(site)
    host = tree.host
    elsewhere = ArticlePageFactory(
        parent=other.root_page.get_children().type(SectionPage).first(), title="红船精神在别站"
    )
    everything = {tree.shown.title, tree.hidden.title, tree.deeper.title}
    before = seen(client, tree)
    assert before["home"] == before["典型经验"] == before["hot"] == everything
    assert before["育人号"] == before["account"] == {tree.shown.title, tree.hidden.title}
    assert before["recommended"] == {tree.hidden.title, tree.deeper.title}  # each one's latest
    assert before["related"] == {tree.hidden.title, tree.deeper.title}
    assert before["slots"] == {tree.hidden.title}
    assert accounts_listed(client, host) == {"红船", "课程"}

    with django_capture_on_commit_callbacks(execute=True):
        tree.course.unpublish()
    assert status(client, host, f"/api/feeds/related/{tree.hidden.pk}/") == 404
    for page in (tree.course, tree.cases):
        assert status(client, host, f"/feeds/section/{page.pk}/rss/") == 404
        assert status(client, host, f"/api/feeds/slots/{page.pk}/") == 404
    assert seen(client, tree) == {
        "home": {tree.shown.title},
        "典型经验": {tree.shown.title},
        "育人号": {tree.shown.title},
        "hot": {tree.shown.title},
        "recommended": {tree.shown.title},
        "related": set(),
        "account": {tree.shown.title},
        "slots": set(),
        "rss": {tree.shown.title},
        "atom": {tree.shown.title},
    }
    assert "课程案例" not in text(client, host, tree.top.url)  # no link to a 404
    # 课程 publishes only below 思政课程: as an account with nothing on the site.
    assert accounts_listed(client, host) == {"红船"}
    for url in ["/yurenhao/kc/", "/api/feeds/accounts/kc/", "/feeds/account/kc/rss/"]:
        assert status(client, host, url) == 404, url
    sitemap = client.get("/sitemap-pages.xml", HTTP_HOST=host).content.decode()
    assert "/experience/" in sitemap and "/course/" not in sitemap
    assert elsewhere.title in text(client, other.hostname, "/")  # the other site as it was

    with django_capture_on_commit_callbacks(execute=True):
        tree.course.save_revision().publish()  # back online: nothing else to do
    assert status(client, host, "/yurenhao/kc/") == 200
    assert seen(client, tree) == before
