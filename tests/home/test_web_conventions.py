"""RSS/Atom, sitemap.xml, robots.txt, canonical and share metadata, print, 哀悼."""

import io
import re
from datetime import timedelta
from pathlib import Path
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.utils import timezone

from articles.models import PublishingAccount
from home.models import PortalSiteSettings
from home.text import excerpt
from tests.factories import ArticlePageFactory, PublishingAccountFactory

pytestmark = pytest.mark.django_db


def soup(client, url, host="national.test"):
    response = client.get(url, HTTP_HOST=host)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


def test_section_and_account_feeds_in_rss_and_atom(client, portal):
    account = PublishingAccountFactory(slug="jx", name="嘉职育人号")
    section = portal.national_section
    ArticlePageFactory(parent=section, title="栏目新文章", account=account, summary="摘要一")
    ArticlePageFactory(parent=portal.institution_section, title="院校文章", account=account)
    rss = client.get(f"/feeds/section/{section.pk}/rss/", HTTP_HOST="national.test")
    channel = ElementTree.fromstring(rss.content).find("channel")
    assert [i.findtext("title") for i in channel.findall("item")] == ["栏目新文章"]
    assert channel.find("item").findtext("link").startswith("http://national.test/")
    atom = client.get("/feeds/account/jx/atom/", HTTP_HOST="national.test")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [
        e.findtext("a:title", namespaces=ns)
        for e in ElementTree.fromstring(atom.content).findall("a:entry", ns)
    ]
    assert titles == ["栏目新文章"]  # this site's articles only
    # Another site's section, or a missing account: 404, not 500.
    other = client.get(
        f"/feeds/section/{portal.institution_section.pk}/rss/", HTTP_HOST="national.test"
    )
    assert other.status_code == 404
    assert client.get("/feeds/account/none/rss/", HTTP_HOST="national.test").status_code == 404
    # An id no database can hold is no page either (was an integer overflow, a 500).
    for url in [f"/feeds/section/{2**63}/rss/", f"/api/feeds/related/{2**63}/"]:
        assert client.get(url, HTTP_HOST="national.test").status_code == 404, url
    page = soup(client, section.url)
    assert (
        page.select_one('link[type="application/rss+xml"]')["href"]
        == f"/feeds/section/{section.pk}/rss/"
    )


def test_feeds_drop_characters_xml_cannot_carry(client, portal):
    # \x0b is the manual line break text pasted from Word brings along (was a 500).
    account = PublishingAccountFactory(slug="wd", name="育人\x0b号")
    section = portal.national_section
    ArticlePageFactory(parent=section, title="换行\x0b标题", summary="摘\x0c要", account=account)
    for url in [f"/feeds/section/{section.pk}/rss/", "/feeds/account/wd/atom/"]:
        response = client.get(url, HTTP_HOST="national.test")
        assert response.status_code == 200, url
        assert "换行标题" in ElementTree.fromstring(response.content).itertext()
    # A NUL in the URL is no account (PostgreSQL refused it in the query: a 500).
    for url in ["/feeds/account/%00/rss/", "/feeds/account/a%00/atom/", "/api/feeds/accounts/%00/"]:
        assert client.get(url, HTTP_HOST="national.test").status_code == 404, url


def test_feeds_carry_summaries_as_text_the_site_settings_name_and_this_sites_accounts(
    client, portal
):
    section = portal.national_section
    settings = PortalSiteSettings.for_site(portal.national)
    settings.site_name = "全国高校思政网（站点设置）"
    settings.save()
    summary = '摘要<script>alert(1)</script>" onmouseover="x'
    ArticlePageFactory(parent=section, title="带标记的摘要", summary=summary)
    rss = client.get(f"/feeds/section/{section.pk}/rss/", HTTP_HOST="national.test")
    channel = ElementTree.fromstring(rss.content).find("channel")
    assert channel.findtext("title") == f"{section.title} - 全国高校思政网（站点设置）"
    # <description> is HTML: decoded once by the reader, it must read as the text written.
    html = channel.find("item").findtext("description")
    assert "<script>" not in html and BeautifulSoup(html, "html.parser").get_text() == summary
    # An account of the other site with nothing on this one: no feed here, as no page.
    PublishingAccountFactory(slug="school-only", name="院校号", site=portal.institution)
    for host, status in [("national.test", 404), ("school.test", 200)]:
        feed = client.get("/feeds/account/school-only/rss/", HTTP_HOST=host)
        page = client.get("/yurenhao/school-only/", HTTP_HOST=host)
        assert feed.status_code == page.status_code == status, host


def test_sitemap_and_robots_per_site(client, portal):
    ArticlePageFactory(parent=portal.national_section, title="全国文章", slug="national-article")
    ArticlePageFactory(parent=portal.institution_section, title="院校文章", slug="school-article")
    index = client.get("/sitemap.xml", HTTP_HOST="school.test").content.decode()
    assert "<sitemapindex" in index and "http://school.test/sitemap-pages.xml" in index
    sitemap = client.get("/sitemap-pages.xml", HTTP_HOST="school.test").content.decode()
    assert "school-article" in sitemap and "national-article" not in sitemap
    assert client.get("/sitemap-other.xml", HTTP_HOST="school.test").status_code == 404
    robots = client.get("/robots.txt", HTTP_HOST="school.test").content.decode()
    assert "Sitemap: http://school.test/sitemap.xml" in robots and "Disallow: /admin/" in robots


def test_an_unpublished_page_leaves_the_cached_sitemap_at_once(
    client, portal, django_capture_on_commit_callbacks
):
    """Kept ten minutes, the sitemap sent crawlers to the 404 of a withdrawn article."""
    article = ArticlePageFactory(parent=portal.national_section, title="撤稿文章", slug="gone")
    assert "/gone/" in client.get("/sitemap-pages.xml", HTTP_HOST="national.test").content.decode()
    # Cached: an article published since is not listed yet …
    ArticlePageFactory(parent=portal.national_section, title="新文章", slug="new")
    sitemap = client.get("/sitemap-pages.xml", HTTP_HOST="national.test").content.decode()
    assert "/new/" not in sitemap
    with django_capture_on_commit_callbacks(execute=True):
        article.unpublish()
    # … but a withdrawal is there at once (and the new article with it).
    sitemap = client.get("/sitemap-pages.xml", HTTP_HOST="national.test").content.decode()
    assert "/gone/" not in sitemap and "/new/" in sitemap


def test_the_sitemap_and_robots_give_the_sites_own_address_whatever_host_was_asked(client, portal):
    """A host no Site has (an alias the proxy lets through, 127.0.0.1) is answered by the
    default site, whose pages the sitemap lists at its own address: the index and robots.txt
    pointed to the host asked instead, a host other than its URLs' (a sitemap may list only
    URLs of its own host)."""
    ArticlePageFactory(parent=portal.national_section, title="全国文章", slug="national-article")
    assert portal.national.is_default_site and portal.national.root_url == "http://national.test"
    robots = client.get("/robots.txt", HTTP_HOST="127.0.0.1:8765").content.decode()
    assert "Sitemap: http://national.test/sitemap.xml" in robots
    index = client.get("/sitemap.xml", HTTP_HOST="127.0.0.1:8765").content.decode()
    assert re.findall(r"<loc>([^<]+)</loc>", index) == ["http://national.test/sitemap-pages.xml"]
    pages = client.get("/sitemap-pages.xml", HTTP_HOST="127.0.0.1:8765").content.decode()
    urls = re.findall(r"<loc>([^<]+)</loc>", pages)
    assert urls and all(url.startswith("http://national.test/") for url in urls)


def test_the_sitemap_index_lists_every_page_of_urls(client, portal, monkeypatch):
    """One sitemap stops at 50,000 URLs: Django cut the rest and nothing pointed to them."""
    from home.sitemaps import PortalSitemap

    monkeypatch.setattr(PortalSitemap, "limit", 2)
    for n in range(4):
        ArticlePageFactory(parent=portal.institution_section, slug=f"school-{n}")
    index = client.get("/sitemap.xml", HTTP_HOST="school.test").content.decode()
    pages = re.findall(r"<loc>([^<]+)</loc>", index)
    assert pages[0] == "http://school.test/sitemap-pages.xml" and len(pages) >= 3
    assert pages[1:] == [
        f"http://school.test/sitemap-pages.xml?p={n}" for n in range(2, len(pages) + 1)
    ]
    listed = set()
    for page in pages:
        body = client.get(page.removeprefix("http://school.test"), HTTP_HOST="school.test")
        listed |= set(re.findall(r"<loc>([^<]+)</loc>", body.content.decode()))
    assert {f"school-{n}" for n in range(4)} <= {
        url.rstrip("/").rsplit("/", 1)[-1] for url in listed
    }


def test_every_site_has_a_favicon(client, portal):
    """Browsers ask every site for /favicon.ico: it was a 404 on each page's first visit."""
    from PIL import Image

    for host in ("national.test", "school.test"):
        response = client.get("/favicon.ico", HTTP_HOST=host)
        assert response.status_code == 200, host
        body = b"".join(response.streaming_content)
        icon = Image.open(io.BytesIO(body))
        assert icon.format == "ICO" and (32, 32) in icon.info["sizes"]


def test_canonical_and_share_metadata(client, portal):
    article = ArticlePageFactory(
        parent=portal.national_section, title="分享的文章", summary="分享摘要"
    )
    head = soup(client, article.url).head
    assert head.select_one('link[rel="canonical"]')["href"] == article.full_url
    assert article.full_url.startswith("http://national.test/")
    og = {m["property"]: m["content"] for m in head.select("meta[property]")}
    assert og["og:title"] == "分享的文章" and og["og:type"] == "article"
    assert og["og:description"] == "分享摘要"
    assert og["og:site_name"] == portal.national.site_name
    assert head.select_one('meta[itemprop="name"]')["content"] == "分享的文章"
    # A 育人号's page is its own, not the directory it is served under.
    PublishingAccountFactory(slug="jx", name="嘉职育人号", site=portal.national)
    head = soup(client, "/yurenhao/jx/").head
    assert head.select_one('link[rel="canonical"]')["href"] == "http://national.test/yurenhao/jx/"
    og = {m["property"]: m["content"] for m in head.select("meta[property]")}
    assert og["og:url"] == "http://national.test/yurenhao/jx/" and og["og:title"] == "嘉职育人号"
    directory = soup(client, "/yurenhao/").head
    assert directory.select_one('link[rel="canonical"]')["href"] == "http://national.test/yurenhao/"


def test_a_page_without_a_summary_is_described_by_the_start_of_its_body(client, portal):
    """Imports bring no 摘要: the article's description and share card were empty, and its
    feed entry was its body cut at exactly 200 characters, mid-word."""
    first = "嘉兴职业技术学院始终牢记习近平总书记的殷殷嘱托，大力弘扬伟大建党精神和红船精神。"
    rest = "以高质量党建引领学校高质量发展，坚持为党育人、为国育才初心使命" * 8
    article = ArticlePageFactory(
        parent=portal.national_section,
        title="无摘要的文章",
        summary="",
        body=[("heading", {"text": "一、红船铸魂"}), ("paragraph", f"<p>{first}{rest}</p>")],
    )
    head = soup(client, article.url).head
    description = head.select_one('meta[name="description"]')["content"]
    assert description.startswith("一、红船铸魂 " + first) and len(description) <= 120
    assert description.endswith("……")
    og = {m["property"]: m["content"] for m in head.select("meta[property]")}
    assert og["og:description"] == description
    rss = client.get(f"/feeds/section/{portal.national_section.pk}/rss/", HTTP_HOST="national.test")
    item = ElementTree.fromstring(rss.content).find("channel/item")
    assert item.findtext("description").endswith("……")
    assert len(item.findtext("description")) <= 200
    # A 栏目 is described by its 简介; an article with a 摘要 by that alone.
    portal.national_section.intro = "本栏目刊登思政工作要闻。"
    portal.national_section.save_revision().publish()
    head = soup(client, portal.national_section.url).head
    assert head.select_one('meta[name="description"]')["content"] == "本栏目刊登思政工作要闻。"


def test_excerpts_end_after_a_sentence_or_at_a_comma_with_an_ellipsis():
    assert excerpt("短句。", 10) == "短句。"
    assert excerpt(" 第一句话说完了。\n第二句很长很长很长很长", 10) == "第一句话说完了。"
    # Within the first half, the sentence end is too early: the comma is used, as …….
    assert excerpt("短。第二句话，第三部分很长很长很长很长", 12) == "短。第二句话……"
    assert excerpt("没有任何标点的一段很长很长的文字", 10) == "没有任何标点的一……"
    assert all(len(excerpt("字" * n, 10)) <= 10 for n in range(30))


def test_the_second_page_of_a_list_is_its_own_canonical_page(client, portal, settings):
    settings.PORTAL_SECTION_PAGE_SIZE = 2
    account = PublishingAccountFactory(slug="jx", name="嘉职育人号", site=portal.national)
    section = portal.national_section
    for n in range(3):
        ArticlePageFactory(parent=section, title=f"文章{n}", account=account)
    base = section.full_url
    for url, canonical in [
        (section.url, base),
        (f"{section.url}?page=2", f"{base}?page=2"),
        ("/yurenhao/jx/", "http://national.test/yurenhao/jx/"),
        ("/yurenhao/jx/?page=2", "http://national.test/yurenhao/jx/?page=2"),
    ]:
        head = soup(client, url).head
        assert head.select_one('link[rel="canonical"]')["href"] == canonical, url


def test_print_button_and_print_styles(client, portal):
    article = ArticlePageFactory(parent=portal.national_section)
    assert soup(client, article.url).select_one(".print-button").get_text() == "打印本文"
    css = (Path(__file__).resolve().parents[2] / "portal/static/css/portal.css").read_text()
    assert "@media print" in css and "body.mourning" in css


def test_mourning_switch_with_scheduled_start_and_end(client, portal):
    settings = PortalSiteSettings.for_site(portal.national)
    assert "mourning" not in soup(client, "/").body["class"]
    settings.mourning = True
    settings.mourning_starts_at = timezone.now() + timedelta(hours=1)
    settings.save()
    assert "mourning" not in soup(client, "/").body["class"]  # not yet
    settings.mourning_starts_at = timezone.now() - timedelta(hours=1)
    settings.mourning_ends_at = timezone.now() + timedelta(hours=1)
    settings.save()
    assert "mourning" in soup(client, "/").body["class"]
    assert "mourning" not in soup(client, "/", host="school.test").body["class"]  # per site
    settings.mourning_ends_at = timezone.now() - timedelta(minutes=1)
    settings.save()
    assert "mourning" not in soup(client, "/").body["class"]
    settings.mourning_ends_at = settings.mourning_starts_at - timedelta(minutes=1)
    with pytest.raises(ValidationError, match="结束时间必须晚于开始时间"):
        settings.full_clean()


def test_body_images_need_alt_text_or_a_caption():
    from wagtail import blocks
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    from home.blocks import ImageBlock

    image = Image.objects.create(title="现场", file=get_test_image_file())
    block = ImageBlock()
    with pytest.raises(blocks.StructBlockValidationError) as error:
        block.clean(block.to_python({"image": image.pk, "caption": "", "alt_text": " "}))
    assert "请填写替代文字" in str(error.value.block_errors["alt_text"])
    # Zero-width characters alone are no 替代文字 either (they passed): nothing is read aloud.
    with pytest.raises(blocks.StructBlockValidationError):
        block.clean(block.to_python({"image": image.pk, "caption": "", "alt_text": "\u200b"}))
    kept = block.clean(
        block.to_python({"image": image.pk, "caption": "图为会场", "alt_text": "\ufeff"})
    )
    assert kept["alt_text"] == ""  # the caption is read instead
    assert block.clean(block.to_python({"image": image.pk, "caption": "", "alt_text": "师生合影"}))
    assert block.clean(
        block.to_python({"image": image.pk, "caption": "图为开学典礼", "alt_text": ""})
    )


def test_a_video_block_needs_a_file_or_a_link():
    from wagtail import blocks

    from home.blocks import VideoBlock

    block = VideoBlock()
    with pytest.raises(blocks.StructBlockValidationError) as error:  # was an AttributeError
        block.clean(block.to_python({"file": None, "embed": None, "caption": "宣传片"}))
    assert "请上传视频文件或填写外部视频地址" in str(error.value.block_errors["file"])


def test_a_video_block_takes_only_a_video_file():
    from django.core.files.base import ContentFile
    from wagtail import blocks
    from wagtail.documents import get_document_model

    from home.blocks import VideoBlock

    def document(name):
        doc = get_document_model()(title=name)
        doc.file.save(name, ContentFile(b"x"), save=False)
        doc.save()
        return doc

    block = VideoBlock()
    with pytest.raises(blocks.StructBlockValidationError) as error:
        block.clean(block.to_python({"file": document("实施方案.pdf").pk, "caption": ""}))
    assert "不是视频文件" in str(error.value.block_errors["file"])
    assert block.clean(block.to_python({"file": document("宣传片.MP4").pk, "caption": ""}))


def test_atom_entries_are_valid_and_each_account_feed_is_its_own(client, portal):
    """Atom (RFC 4287) requires <updated> on each entry and a name in an <author>; a feed's
    id and alternate link are its own page's (every 育人号 feed had the home page's)."""
    ns = {"a": "http://www.w3.org/2005/Atom"}
    jx = PublishingAccountFactory(slug="jx", name="嘉职育人号")
    hz = PublishingAccountFactory(slug="hz", name="杭职育人号")
    section = portal.national_section
    ArticlePageFactory(parent=section, title="无署名快讯", account=jx, source="")
    ArticlePageFactory(parent=section, title="另一号的文章", account=hz)
    feed = ElementTree.fromstring(
        client.get("/feeds/account/jx/atom/", HTTP_HOST="national.test").content
    )
    entry = feed.find("a:entry", ns)
    assert entry.findtext("a:updated", namespaces=ns)
    assert entry.find("a:author", ns) is None  # no byline: no empty <author><name/>
    ids = {
        slug: ElementTree.fromstring(
            client.get(f"/feeds/account/{slug}/atom/", HTTP_HOST="national.test").content
        ).findtext("a:id", namespaces=ns)
        for slug in ("jx", "hz")
    }
    assert ids["jx"] != ids["hz"]
    assert ids["jx"].endswith("/jx/")
    assert client.get(ids["jx"].replace("http://national.test", ""),
                      HTTP_HOST="national.test").status_code == 200  # fmt: skip


def test_feeds_give_the_sites_own_address_whatever_host_was_asked(client, portal):
    """Reached by a host no Site has (127.0.0.1, an alias), a feed's entries had the site's
    address but its id, alternate and self links the host asked: two feeds, or one feed
    that changes id, for a feed reader that met both."""
    ns = {"a": "http://www.w3.org/2005/Atom"}
    PublishingAccountFactory(slug="jx", name="嘉职育人号")
    section = portal.national_section
    ArticlePageFactory(parent=section, title="栏目文章", account=PublishingAccount.objects.get())
    for url in ["/feeds/account/jx/atom/", f"/feeds/section/{section.pk}/atom/"]:
        feed = ElementTree.fromstring(client.get(url, HTTP_HOST="127.0.0.1:8765").content)
        links = [feed.findtext("a:id", namespaces=ns)] + [
            link.get("href") for link in feed.iter("{http://www.w3.org/2005/Atom}link")
        ]
        assert f"http://national.test{url}" in links, links
        assert all(link.startswith("http://national.test/") for link in links), links
    rss = client.get(f"/feeds/section/{section.pk}/rss/", HTTP_HOST="127.0.0.1:8765").content
    channel = ElementTree.fromstring(rss).find("channel")
    self_link = channel.find("{http://www.w3.org/2005/Atom}link").get("href")
    assert self_link == f"http://national.test/feeds/section/{section.pk}/rss/"
    assert channel.findtext("link").startswith("http://national.test/")


def test_feeds_speak_beijing_time_and_rss_language_codes(client, portal):
    ArticlePageFactory(parent=portal.national_section, title="北京时间的文章")
    rss = client.get(
        f"/feeds/section/{portal.national_section.pk}/rss/", HTTP_HOST="national.test"
    ).content
    channel = ElementTree.fromstring(rss).find("channel")
    assert channel.findtext("language") == "zh-cn"
    assert channel.find("item").findtext("pubDate").endswith("+0800")
    # An id no page can have, under the feed API: JSON, as the API's other answers.
    for url in ["/api/feeds/related/abc/", f"/api/feeds/slots/{10**20}/", "/api/feeds/nothing/"]:
        response = client.get(url, HTTP_HOST="national.test")
        assert response.status_code == 404 and "error" in response.json(), url
    # Without its slash an API address is still redirected to the one with it.
    assert client.get("/api/feeds/hot", HTTP_HOST="national.test").status_code == 301


def test_restricted_pages_ask_in_the_sites_own_look(client, portal):
    """Password- and login-restricted articles got Wagtail's bare stock pages: no header or
    footer, 你需要访问该页面的密码, 密码: with a half-width colon."""
    from wagtail.models import PageViewRestriction

    secret = ArticlePageFactory(
        parent=portal.national_section,
        title="内部通知",
        summary="机密摘要内容",
        body=[("paragraph", "<p>机密正文内容。</p>")],
    )
    PageViewRestriction.objects.create(page=secret, restriction_type="password", password="jx2022")
    asked = soup(client, secret.url)
    # Wagtail renders the form with the protected page in the context: nothing of it is told.
    head = str(asked.head)
    assert "内部通知" not in head and "机密" not in head and 'content="noindex"' in head
    assert asked.select_one(".site-header .brand-name").get_text() == portal.national.site_name
    assert asked.h1.get_text() == "需要密码" and "你需要" not in asked.get_text()
    assert asked.select_one(".access-form label").get_text() == "密码"
    form = asked.select_one(".access-form form")
    wrong = client.post(form["action"], {"password": "nope", "return_url": secret.url},
                        HTTP_HOST="national.test")  # fmt: skip
    assert wrong.status_code == 200 and "site-header" in wrong.content.decode()
    members = ArticlePageFactory(parent=portal.national_section, title="仅限登录")
    PageViewRestriction.objects.create(page=members, restriction_type="login")
    login = client.get(members.url, HTTP_HOST="national.test", follow=True)
    page = BeautifulSoup(login.content, "html.parser")
    assert page.h1.get_text() == "登录" and page.select_one(".site-header") is not None
    assert "此内容仅限登录用户查看" in page.get_text()


@pytest.mark.parametrize(
    "return_url", ["abc", "https://evil.example/", "//evil.example/x", "", "javascript:alert(1)"]
)
def test_a_password_given_returns_to_the_page_whatever_return_url_was_sent(
    client, portal, return_url
):
    """Wagtail redirects to the form's return_url: one that is no path (abc) was a 500
    (NoReverseMatch), one to another host went to /accounts/profile/, a 404 here. The reader
    who gave the right password is taken to the page it opens."""
    from wagtail.models import PageViewRestriction

    secret = ArticlePageFactory(parent=portal.national_section, title="内部通知")
    PageViewRestriction.objects.create(page=secret, restriction_type="password", password="jx2022")
    action = soup(client, secret.url).select_one(".access-form form")["action"]
    given = client.post(action, {"password": "jx2022", "return_url": return_url},
                        HTTP_HOST="national.test")  # fmt: skip
    assert given.status_code == 302 and given["Location"] == secret.relative_url(portal.national)
    assert client.get(given["Location"], HTTP_HOST="national.test").status_code == 200
    back = client.post(action, {"password": "jx2022", "return_url": f"{secret.url}?p=2"},
                       HTTP_HOST="national.test")  # fmt: skip
    assert back["Location"] == f"{secret.url}?p=2"  # an address on this site is kept


def test_the_menu_marks_where_the_reader_is_and_the_police_record_is_linked(client, portal):
    settings = PortalSiteSettings.for_site(portal.national)
    settings.police_number = "京公网安备11010802000000号"
    settings.save()
    article = ArticlePageFactory(parent=portal.national_section, title="菜单检查")

    def current(url):
        page = soup(client, url)
        return [
            (a.get_text(), a.get("aria-current")) for a in page.select(".main-nav a[aria-current]")
        ]

    section = portal.national_section.title
    assert current(portal.national_section.url) == [(section, "page")]
    assert current(article.url) == [(section, "true")]
    assert current("/") == []
    assert current("/search/?q=菜单") == []
    footer = soup(client, "/").select_one(".beian")
    link = footer.find("a", string="京公网安备11010802000000号")
    assert link["href"] == "https://beian.mps.gov.cn/#/query/webSearch?code=11010802000000"
    more = soup(client, "/").select_one(".section-block .more a")
    assert more["href"] == portal.national_section.relative_url(portal.national)
    assert more.get_text() == f"更多{section}文章"
