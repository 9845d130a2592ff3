"""Section pages list live descendant articles: 置顶 first, newest first, paginated."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from tests.factories import ArticlePageFactory, PublishingAccountFactory, SectionPageFactory

pytestmark = pytest.mark.django_db


def titles(client, url, host="national.test"):
    response = client.get(url, HTTP_HOST=host)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    return [a.get_text() for a in soup.select("ul.article-list a")], soup


def test_section_lists_descendants_pinned_then_newest(client, portal):
    now = timezone.now()
    section = portal.national_section
    sub = SectionPageFactory(parent=section, slug="sub", title="子栏目")
    ArticlePageFactory(parent=section, title="旧文", display_time=now - timedelta(days=3))
    ArticlePageFactory(parent=sub, title="子栏目新文", display_time=now - timedelta(days=1))
    ArticlePageFactory(
        parent=section, title="置顶旧文", display_time=now - timedelta(days=9), is_pinned=True
    )
    draft = ArticlePageFactory(parent=section, title="草稿", display_time=now)
    draft.unpublish()
    ArticlePageFactory(parent=portal.institution_section, title="别站文章", display_time=now)

    listed, soup = titles(client, section.get_url())
    assert listed == ["置顶旧文", "子栏目新文", "旧文"]
    assert soup.select_one(".badge").get_text() == "置顶"
    assert [a.get_text() for a in soup.select("nav.subsections a")] == ["子栏目"]


def test_section_pages_are_paginated(client, portal, settings):
    settings.PORTAL_SECTION_PAGE_SIZE = 2
    now = timezone.now()
    for n in range(5):
        ArticlePageFactory(
            parent=portal.national_section, title=f"文章{n}", display_time=now - timedelta(hours=n)
        )
    url = portal.national_section.get_url()
    assert titles(client, url)[0] == ["文章0", "文章1"]
    assert titles(client, url + "?page=3")[0] == ["文章4"]
    assert titles(client, url + "?page=99")[0] == ["文章4"]  # past the end: the last page
    assert titles(client, url + "?page=abc")[0] == ["文章0", "文章1"]  # junk: the first page
    for before_the_first in ("0", "-1", "-99999999999999999999"):  # were: the last page
        listed, soup = titles(client, url + "?page=" + before_the_first)
        assert listed == ["文章0", "文章1"], before_the_first
        assert "第 1 / 3 页" in soup.select_one("nav.pagination").get_text()
    _, soup = titles(client, url + "?page=2")
    assert "第 2 / 3 页，共 5 篇" in soup.select_one("nav.pagination").get_text()
    # Every page is linked by its number, the current one marked; page 2 has a title of its own.
    numbers = soup.select("nav.pagination a[aria-label], nav.pagination [aria-current]")
    assert [(n.get_text(), n.get("href")) for n in numbers] == [
        ("1", "?page=1"),
        ("2", None),
        ("3", "?page=3"),
    ]
    assert soup.title.get_text().startswith(f"{portal.national_section.title}（第 2 页）")
    _, first = titles(client, url)
    assert "第 " not in first.title.get_text()


def test_long_lists_link_the_ends_and_the_pages_near_the_current_one(client, portal, settings):
    settings.PORTAL_SECTION_PAGE_SIZE = 1
    for n in range(12):
        ArticlePageFactory(parent=portal.national_section, title=f"文章{n}")
    _, soup = titles(client, portal.national_section.get_url() + "?page=6")
    shown = [n.get_text() for n in soup.select("nav.pagination a[aria-label], nav.pagination span")]
    assert shown[:-1] == ["1", "…", "4", "5", "6", "7", "8", "…", "12"]


def test_display_time_defaults_to_first_publish_time(portal):
    article = ArticlePageFactory(parent=portal.national_section, display_time=None)
    assert article.first_published_at is None  # the factory writes the row, nothing published
    article.save_revision().publish()
    article.refresh_from_db()
    assert article.first_published_at is not None
    assert article.display_time == article.first_published_at


def test_account_directory_lists_publishing_and_own_accounts(client, portal):
    from tests.factories import PublishingAccountFactory

    own = PublishingAccountFactory(name="本校育人号", site=portal.institution)
    visiting = PublishingAccountFactory(name="外校育人号")
    ArticlePageFactory(parent=portal.institution_section, account=visiting)
    PublishingAccountFactory(name="无关育人号")
    listed, soup = titles(client, "/yurenhao/", host="school.test")
    names = [a.get_text() for a in soup.select("ul.account-list a")]
    assert names == sorted([own.name, visiting.name])
    response = client.get(f"/yurenhao/{own.slug}/", HTTP_HOST="school.test")
    assert response.status_code == 200 and "暂无文章" in response.content.decode()
    assert client.get("/yurenhao/no-such/", HTTP_HOST="school.test").status_code == 404


def test_an_account_named_like_its_site_is_named_once_in_the_title(client, portal):
    PublishingAccountFactory(slug="same", name=portal.national.site_name, site=portal.national)
    PublishingAccountFactory(slug="other", name="嘉职育人号", site=portal.national)
    _, same = titles(client, "/yurenhao/same/")
    assert same.title.get_text() == portal.national.site_name
    _, other = titles(client, "/yurenhao/other/")
    assert other.title.get_text() == f"嘉职育人号 - {portal.national.site_name}"


def test_an_article_links_the_one_before_and_after_it_in_its_section(client, portal):
    """上一篇 / 下一篇: the 栏目's articles readers may see, by publication time; another
    section's, a draft, a private article and another site's are passed over."""
    from wagtail.models import PageViewRestriction

    now = timezone.now()
    section = portal.national_section
    other = SectionPageFactory(parent=portal.national.root_page, slug="other", title="别的栏目")

    def article(title, days_ago, parent=section):
        when = now - timedelta(days_ago)
        return ArticlePageFactory(parent=parent, title=title, display_time=when)

    first = article("第一篇", 9)
    article("别栏目文章", 5, parent=other)
    article("子栏目文章", 5, parent=SectionPageFactory(parent=section, slug="sub", title="子栏目"))
    middle = article("中间一篇", 4)
    article("别站文章", 3, parent=portal.institution_section)
    draft = article("草稿", 3)
    draft.unpublish()
    private = article("内部文章", 2)
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    last = article("最新一篇", 1)

    def pager(page):
        html = client.get(page.url, HTTP_HOST="national.test").content
        nav = BeautifulSoup(html, "html.parser").select_one("nav.article-pager")
        texts = [p.get_text(strip=True) for p in nav.select("p")]
        return texts, [a["href"] for a in nav.select("a")]

    site = portal.national
    links = [first.relative_url(site), last.relative_url(site)]
    assert pager(middle) == (["上一篇:第一篇", "下一篇:最新一篇"], links)
    assert pager(first) == (["上一篇:没有了", "下一篇:中间一篇"], [middle.relative_url(site)])
    assert pager(last)[0] == ["上一篇:中间一篇", "下一篇:没有了"]
    same_time = article("同一时刻", 4)  # published at the same second: the later-made after
    same_time.display_time = middle.display_time
    same_time.save()
    assert pager(middle)[0] == ["上一篇:第一篇", "下一篇:同一时刻"]
    assert pager(same_time)[0] == ["上一篇:中间一篇", "下一篇:最新一篇"]
