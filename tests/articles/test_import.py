"""import_articles: the seed article renders like the reference page; bad lines lose nothing."""

import io
import json
import os
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.core.management import CommandError, call_command
from PIL import Image as PILImage
from taggit.models import Tag
from wagtail.images import get_image_model
from wagtail.models import Site

from articles.importer import import_file, parse_published_at
from articles.models import (
    AccountIndexPage,
    ArticleAuthor,
    ArticlePage,
    PublishingAccount,
    SectionPage,
)
from tests.factories import edit_as

pytestmark = pytest.mark.django_db

SEED_HEADINGS = [
    "守好“红色根脉” 筑牢信念之魂",
    "锻造“红船铁军” 推动蝶变跃升",
    "建设“红船堡垒” 夯实党建之基",
    "培养“红船工匠” 铸就担当之能",
]


def write_jsonl(path, *lines) -> str:
    path.write_text(
        "\n".join(
            line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)
            for line in lines
        )
        + "\n",
        encoding="utf-8",
    )
    return str(path)


def import_one(tmp_path, line: dict) -> ArticlePage:
    """Import one line; the article it made."""
    import_file(write_jsonl(tmp_path / f"{line['id']}.jsonl", line))
    return ArticlePage.objects.get(external_id=line["id"])


def render(client, page, host="national.test"):
    response = client.get(page.get_url(), HTTP_HOST=host)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_seed_article_renders_like_the_reference_page(client, portal, shared_dir):
    call_command("import_articles", str(shared_dir / "seed" / "seed-article.jsonl"))
    page = ArticlePage.objects.get(external_id="seed-000")
    soup = render(client, page)

    crumbs = [li.get_text(strip=True) for li in soup.select("nav.breadcrumb li")]
    assert crumbs[:4] == ["首页", "典型经验", "党建统战", "喜迎党代会"]
    # As the reference: the title's first 24 characters, then ... (Django's truncatechars
    # counted its ... in, 21 characters); the 栏目 is named above the title.
    assert crumbs[4] == "坚持党建引领 培养红船工匠 嘉兴职业技术学院高质..."
    assert soup.select_one(".article-channel").get_text(strip=True) == "喜迎党代会"
    assert soup.h1.get_text(strip=True) == (
        "坚持党建引领 培养红船工匠 嘉兴职业技术学院高质量打造新时代党建高地"
    )
    meta = soup.select_one("p.meta")
    assert meta.select_one(".meta-source").get_text(strip=True) == "来源:嘉兴职业技术学院"
    assert meta.select_one(".meta-authors").get_text(strip=True) == "作者:付梦婕 俞佩忠"
    assert meta.select_one(".meta-time").get_text(strip=True) == "发布时间:2022-02-24 09:17:32"
    body = soup.select_one(".article-body")
    assert [h.get_text(strip=True) for h in body.find_all("h2")] == SEED_HEADINGS
    assert "百舸争流,破浪者领航" in body.get_text()
    assert soup.select_one(".article-editor").get_text(strip=True) == "责任编辑:王涛立"
    assert soup.select_one("#comments") is not None
    assert soup.select_one("aside.recommend h2").get_text(strip=True) == "育人号推荐"
    assert page.account.name == "嘉兴职业技术学院"


def test_reimport_updates_instead_of_duplicating(tmp_path, portal):
    line = {"id": "x-1", "title": "第一版标题", "section": "要闻/专题", "body": "第一段"}
    path = write_jsonl(tmp_path / "a.jsonl", line)
    assert import_file(path).count("created") == 1
    assert import_file(path).count("unchanged") == 1
    line.update(title="第二版标题", section="通知公告")
    report = import_file(write_jsonl(tmp_path / "a.jsonl", line))
    assert report.count("updated") == 1
    page = ArticlePage.objects.get(external_id="x-1")
    assert page.title == "第二版标题"
    assert page.get_parent().title == "通知公告"
    assert ArticlePage.objects.filter(external_id="x-1").count() == 1
    assert page.revisions.count() == 2
    # the section path was created once, under the default site's home page
    news = SectionPage.objects.get(title="要闻")
    assert SectionPage.objects.child_of(news).filter(title="专题").count() == 1
    assert news.get_parent().pk == portal.national.root_page.pk


def test_an_id_another_site_uses_is_refused_and_its_article_left_alone(tmp_path, portal, capsys):
    """Institutions number their own exports (1, 2, …): a clash must not take over, move and
    overwrite another site's article."""
    school = {"id": "1", "title": "学院的第一篇", "site": "school.test", "section": "学校要闻"}
    import_file(write_jsonl(tmp_path / "school.jsonl", school))
    article = ArticlePage.objects.get(external_id="1")
    national = {"id": "1", "title": "全国站的第一篇", "section": "要闻"}
    with pytest.raises(CommandError, match="1 行导入失败"):
        call_command("import_articles", write_jsonl(tmp_path / "national.jsonl", national))
    assert "id 1 已被站点 school.test 的文章《学院的第一篇》使用" in capsys.readouterr().err
    article.refresh_from_db()
    assert article.title == "学院的第一篇"
    assert article.get_parent().pk == portal.institution_section.pk
    # The same site's line still updates its article.
    assert (
        import_file(write_jsonl(tmp_path / "s.jsonl", {**school, "title": "新标题"})).count(
            "updated"
        )
        == 1
    )


def test_bad_lines_are_reported_and_the_rest_imported(tmp_path, portal, capsys):
    path = write_jsonl(
        tmp_path / "mixed.jsonl",
        {"id": "ok-1", "title": "好的第一行"},
        {"id": "bad-title", "title": "   "},
        {"id": "bad-date", "title": "日期错误", "published_at": "2022年2月24日"},
        {"id": "bad-type", "title": "类型错误", "authors": 42},
        '{"id": "broken", "title": ',
        '["not", "an", "object"]',
        {"id": "ok-2", "title": "好的第二行", "site": "school.test", "section": "学校要闻"},
        {"id": "ok-1", "title": "重复的 id"},
        {"id": "bad-site", "title": "站点错误", "site": "nowhere.test"},
        {"title": "没有 id"},
        "null",
    )
    with pytest.raises(CommandError, match="9 行导入失败"):
        call_command("import_articles", path)
    err = capsys.readouterr().err
    expected = {
        2: "缺少必填字段 title",
        3: "published_at 无法解析",
        4: "字段 authors 应为字符串列表，实际是整数",
        5: "不是有效的 JSON：缺少值",  # Chinese, not json's "Expecting value"
        6: "每行应为一个 JSON 对象",
        8: "与第 1 行重复",
        9: "未知站点：nowhere.test",
        10: "缺少必填字段 id",
        11: "每行应为一个 JSON 对象，实际是null（空值）",  # not NoneType
    }
    reported = {
        int(line.split(".jsonl:")[1].split(":")[0]): line for line in err.splitlines() if line
    }
    assert set(reported) == set(expected)
    for lineno, reason in expected.items():
        assert reason in reported[lineno], (lineno, reported[lineno])
    assert set(ArticlePage.objects.values_list("external_id", flat=True)) == {"ok-1", "ok-2"}
    ok2 = ArticlePage.objects.get(external_id="ok-2")
    assert ok2.get_parent().pk == portal.institution_section.pk


def test_naive_times_are_beijing_time_and_offsets_are_kept(tmp_path, portal):
    import_file(
        write_jsonl(
            tmp_path / "t.jsonl",
            {"id": "t-1", "title": "北京时间", "published_at": "2022-02-24T09:17:32"},
            {"id": "t-2", "title": "协调世界时", "published_at": "2022-02-24T01:17:32Z"},
        )
    )
    shanghai = ZoneInfo("Asia/Shanghai")
    expected = datetime(2022, 2, 24, 9, 17, 32, tzinfo=shanghai)
    for external_id in ("t-1", "t-2"):
        page = ArticlePage.objects.get(external_id=external_id)
        assert page.display_time == expected
        assert page.first_published_at == expected


def test_unknown_keys_warn_but_import(tmp_path, portal, capsys):
    path = write_jsonl(tmp_path / "u.jsonl", {"id": "u-1", "title": "多余字段", "colour": "红"})
    call_command("import_articles", path)
    assert "未知字段已忽略：colour" in capsys.readouterr().out
    assert ArticlePage.objects.filter(external_id="u-1").exists()


def test_html_body_becomes_blocks(tmp_path, portal):
    PILImage.new("RGB", (40, 30), "red").save(tmp_path / "photo.png")
    body = (
        "<div><p>导语段落。</p><h2>一级小标题</h2><h3>二级小标题</h3>"
        '<p><img src="photo.png" alt="活动现场">图后文字</p>'
        '<figure><img src="photo.png"><figcaption>图片说明</figcaption></figure>'
        '<img src="missing.png">'
        "<blockquote>引用的话</blockquote>"
        "<table><tr><th>项目</th><th>数量</th></tr><tr><td>活动</td><td>26</td></tr></table>"
        '<p onclick="evil()">尾段<script>alert(1)</script></p></div>'
    )
    report = import_file(
        write_jsonl(tmp_path / "h.jsonl", {"id": "h-1", "title": "图文", "body": body})
    )
    assert report.count("created") == 1
    assert any("missing.png" in w for w in report.outcomes[0].warnings)
    page = ArticlePage.objects.get(external_id="h-1")
    types = [block.block_type for block in page.body]
    assert types == [
        "paragraph", "heading", "heading", "image", "paragraph", "image", "quote", "table",
        "paragraph",
    ]  # fmt: skip
    assert page.body[1].value["level"] == "h2" and page.body[2].value["level"] == "h3"
    assert page.body[3].value["alt_text"] == "活动现场"
    assert page.body[5].value["caption"] == "图片说明"
    assert page.body[3].value["image"].pk == page.body[5].value["image"].pk  # same file, one image
    assert get_image_model().objects.count() == 1
    assert page.body[7].value["table"]["data"][1] == ["活动", "26"]
    last = page.body[8].value.source
    assert "尾段" in last and "script" not in last and "onclick" not in last


def test_images_come_only_from_the_files_folder_and_public_addresses(tmp_path, portal, settings):
    """Import files come from institutions' exports: an <img> must not read the server's files,
    probe the intranet or hang the import."""
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    PILImage.new("RGB", (8, 8), "blue").save(outside / "secret.png")
    folder = tmp_path / "export"
    folder.mkdir()
    sources = {
        "../elsewhere/secret.png": "不在导入文件所在目录之下",
        str(outside / "secret.png"): "不在导入文件所在目录之下",
        (outside / "secret.png").as_uri(): "不在导入文件所在目录之下",
        "/dev/zero": "不在导入文件所在目录之下",
        "http://127.0.0.1:9/x.png": "不从内部地址下载图片",
        "http://[::1]/x.png": "不从内部地址下载图片",
        "http://10.1.2.3/x.png": "不从内部地址下载图片",
        "//10.1.2.3/x.png": "不从内部地址下载图片",  # a web address (was read as a path)
    }
    body = "".join(f'<p><img src="{src}">文字</p>' for src in sources)
    line = {"id": "img-1", "title": "图片来源", "body": body}
    report = import_file(write_jsonl(folder / "a.jsonl", line))
    assert report.count("created") == 1  # the text is kept; the images are not
    warnings = report.outcomes[0].warnings
    for src, reason in sources.items():
        assert any(f"：{src}（" in w and reason in w for w in warnings), (src, warnings)
    assert get_image_model().objects.count() == 0
    os.mkfifo(folder / "pipe.png")  # inside the folder, but opening it would wait forever
    (folder / "dev").symlink_to("/dev")  # a link leading out of it
    body = '<img src="pipe.png"><img src="dev/zero">'
    warnings = import_file(write_jsonl(folder / "a.jsonl", {**line, "body": body})).outcomes[0]
    assert any("pipe.png" in w and "不是普通文件" in w for w in warnings.warnings)
    assert any("dev/zero" in w and "不在导入文件所在目录之下" in w for w in warnings.warnings)
    # An operator may allow another folder.
    settings.PORTAL_IMPORT_FILE_ROOTS = [str(outside)]
    body = f'<img src="{outside / "secret.png"}">'
    import_file(write_jsonl(folder / "a.jsonl", {**line, "body": body}))
    assert get_image_model().objects.count() == 1


class _SlowServer:
    """A real HTTP server on 127.0.0.1 that sends an image one byte at a time."""

    def __enter__(self):
        import http.server
        import threading
        import time

        class Slow(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Length", "1000")
                self.end_headers()
                for _ in range(1000):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.05)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Slow)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}/slow.png"

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def test_a_download_is_checked_where_it_connects_and_bounded_in_time(settings, monkeypatch):
    from articles import importer

    with _SlowServer() as url:
        # The name checked before connecting may point elsewhere when connecting (DNS
        # rebinding): the address connected to is checked again.
        monkeypatch.setattr(importer, "_check_fetchable", lambda url: None)
        with pytest.raises(OSError, match="不从内部地址下载图片"):
            importer._download(url, 10_000)
        monkeypatch.undo()
        # An intranet allowed, a server trickling bytes is given up on in time.
        settings.PORTAL_IMPORT_PRIVATE_URLS = True
        with pytest.raises(OSError, match="下载超过 1 秒"):
            importer._download(url, 10_000, seconds=1)
        assert importer._download(url, 30, seconds=10) == b"x" * 31  # the limit, and one more


def test_a_table_reaches_readers_as_a_table(tmp_path, portal, client):
    """Not the block's data printed as text ({'data': [['项目', …): 表格 blocks render."""
    table = (
        "<table><caption>2021年主要成绩</caption><tr><th>项目</th><th>数量</th></tr>"
        "<tr><td>活动</td><td>26</td></tr></table>"
    )
    page = import_one(tmp_path, {"id": "t-1", "title": "表格", "body": table})
    figure = render(client, page).select_one(".article-body figure.body-table")
    assert figure.select_one("table > caption").get_text(strip=True) == "2021年主要成绩"
    rows = [[c.get_text(strip=True) for c in row.select("th, td")] for row in figure.select("tr")]
    assert rows == [["项目", "数量"], ["活动", "26"]]
    assert "first_row_is_table_header" not in figure.get_text()


def test_what_a_browser_never_shows_is_dropped_at_any_depth(tmp_path, portal, client):
    """<script>, <style>, <title> inside <head> or <p> left their text in the article."""
    body = (
        "<html><head><title>页面标题</title><style>p{color:red}</style>"
        "<script>var tracker='UA-123';</script></head><body><p>正文内容。</p>"
        "<p>段落<script>alert(2)</script><noscript>请启用脚本</noscript></p></body></html>"
    )
    page = import_one(tmp_path, {"id": "s-1", "title": "网页", "body": body})
    text = page.body_text()
    assert "正文内容" in text and "段落" in text
    for hidden in ["页面标题", "color", "tracker", "alert", "请启用脚本"]:
        assert hidden not in text, hidden
    shown = render(client, page).select_one(".article-body").get_text()
    assert "tracker" not in shown and "color:red" not in shown


def test_entities_left_in_titles_and_plain_text_are_decoded(tmp_path, portal, client):
    line = {"id": "e-1", "title": "三雄&#8226;极光&nbsp;专题", "body": "AT&amp;T 与&nbsp;华为"}
    page = import_one(tmp_path, line)
    assert page.title == "三雄•极光 专题"
    paragraph = render(client, page).select_one(".article-body p").get_text()
    assert paragraph.replace("\xa0", " ") == "AT&T 与 华为"


def test_entities_in_the_byline_and_summary_are_decoded_too(tmp_path, portal, client):
    line = {
        "id": "e-2",
        "title": "署名实体",
        "summary": "摘要&nbsp;含有&middot;实体",
        "source": "人民网&middot;教育频道",
        "authors": ["张&nbsp;三", "&nbsp;"],
        "editor": "李&amp;四",
        "keywords": ["思政&amp;育人"],
    }
    page = import_one(tmp_path, line)
    assert (page.summary, page.source, page.editor) == (
        "摘要 含有·实体",
        "人民网·教育频道",
        "李&四",
    )
    assert [a.name for a in page.authors.all()] == ["张 三"]
    assert [t.name for t in page.tags.all()] == ["思政&育人"]
    text = render(client, page).get_text()
    assert "&middot;" not in text and "&nbsp;" not in text and "&amp;" not in text


def test_after_the_upgrade_only_lines_with_entities_are_imported_again(
    tmp_path, portal, django_user_model
):
    """Entities in 来源 … were stored as typed before December 2026. The next import re-saves
    those articles only: every other line stays unchanged, so editors' published corrections
    are kept (a new format version made every line changed once, replacing them all)."""
    import hashlib

    from articles.importer import IMPORT_FORMAT_VERSION, KNOWN_FIELDS

    def stored_before(line):  # the digest the importer gave a line before
        canonical = json.dumps(
            {k: line.get(k) for k in sorted(KNOWN_FIELDS)}, ensure_ascii=False, sort_keys=True
        )
        return hashlib.sha256(f"{IMPORT_FORMAT_VERSION}\n{canonical}".encode()).hexdigest()

    plain = {"id": "u-1", "title": "无实体", "source": "人民网"}
    coded = {"id": "u-2", "title": "有实体", "source": "人民网&middot;教育频道"}
    path = write_jsonl(tmp_path / "u.jsonl", plain, coded)
    import_file(path)
    for line in (plain, coded):
        ArticlePage.objects.filter(external_id=line["id"]).update(
            source=line["source"], import_digest=stored_before(line)
        )
    editor = django_user_model.objects.create_superuser("zhongshen", password="x" * 12)
    corrected = ArticlePage.objects.get(external_id="u-1")
    edit_as(editor, corrected, title="编辑更正的标题").publish(user=editor)

    report = import_file(path)
    assert (report.count("unchanged"), report.count("updated")) == (1, 1)
    assert ArticlePage.objects.get(external_id="u-1").title == "编辑更正的标题"
    assert ArticlePage.objects.get(external_id="u-2").source == "人民网·教育频道"


def test_names_given_as_one_string_are_decoded_before_they_are_split(tmp_path, portal):
    line = {
        "id": "e-4",
        "title": "姓名实体",
        "authors": "古丽&middot;艾力、张三&#12289;李四",
        "keywords": "红船精神&#65307;三全育人 AT&amp;T",
    }
    page = import_one(tmp_path, line)
    assert [a.name for a in page.authors.all()] == ["古丽·艾力", "张三", "李四"]
    assert sorted(t.name for t in page.tags.all()) == ["AT&T", "三全育人", "红船精神"]


def test_imported_articles_are_searchable_at_once_and_a_failed_line_is_not(
    tmp_path, portal, settings
):
    """The import indexes each batch's articles together (not on each of their three saves):
    every imported line is found right after the command, across batches; a line that failed
    (rolled back) leaves nothing in the index; a re-import with new text is found by it."""
    from modelsearch.backends import get_search_backend

    from articles import importer

    settings.WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "search.backends.database"}}
    lines = [
        {"id": f"b-{i}", "title": f"批量导入第{i}篇", "body": "红船精神代代传"} for i in range(5)
    ]
    lines.insert(2, {"id": "b-bad", "title": "坏行", "published_at": "2022年2月24日"})
    importer_batch = importer.COMMIT_EVERY
    importer.COMMIT_EVERY = 2  # three batches
    try:
        report = import_file(write_jsonl(tmp_path / "b.jsonl", *lines))
    finally:
        importer.COMMIT_EVERY = importer_batch
    assert report.count("created") == 5 and report.count("failed") == 1
    backend = get_search_backend()

    def found(query):
        return sorted(p.external_id for p in backend.search(query, ArticlePage))

    assert found("红船精神") == [f"b-{i}" for i in range(5)]
    assert found("坏行") == []
    lines[0] = {**lines[0], "body": "三全育人新篇章"}
    import_file(write_jsonl(tmp_path / "b2.jsonl", lines[0]))
    assert found("三全育人") == ["b-0"]
    assert "b-0" not in found("红船精神")


def test_an_import_into_a_database_just_migrated_needs_no_other_setup(tmp_path, portal):
    """After `migrate` alone the default site shows Wagtail's welcome page: every line failed
    (根页面不是首页). It becomes a portal site with its own 首页 and the lines import."""
    from wagtail.models import Page, Site

    from home.models import HomePage

    Site.objects.all().delete()
    for page in Page.objects.filter(depth=2):
        page.delete()
    welcome = Page.get_first_root_node().add_child(
        instance=Page(title="Welcome to your new Wagtail site!", slug="home")
    )
    Site.objects.create(hostname="localhost", port=80, root_page=welcome, is_default_site=True)
    report = import_file(
        write_jsonl(tmp_path / "f.jsonl", {"id": "f-1", "title": "新库第一篇", "section": "要闻"})
    )
    assert report.count("created") == 1, report.outcomes
    site = Site.objects.get()
    assert isinstance(site.root_page.specific, HomePage) and site.is_default_site
    assert not Page.objects.filter(pk=welcome.pk).exists()
    article = ArticlePage.objects.get(external_id="f-1")
    assert article.get_parent().title == "要闻" and article.get_site() == site


def test_plain_text_body_splits_on_blank_lines(tmp_path, portal, client):
    line = {"id": "p-1", "title": "纯文本", "body": "第一段<不是标签\n\n第二段\n续行"}
    page = import_one(tmp_path, line)
    soup = render(client, page)
    paragraphs = [p.get_text() for p in soup.select(".article-body p")]
    assert paragraphs == ["第一段<不是标签", "第二段续行"]


def test_article_without_byline_renders_no_empty_labels(tmp_path, portal, client):
    page = import_one(tmp_path, {"id": "n-1", "title": "无署名文章"})
    soup = render(client, page)
    text = soup.select_one("article.article").get_text()
    for label in ("来源:", "作者:", "责任编辑", "育人号:", "摘要"):
        assert label not in text
    # with no published_at the display time is the first publish time
    assert page.display_time == page.first_published_at
    assert soup.select_one(".meta-time") is not None


def test_a_site_without_a_directory_gets_one_with_its_first_account(tmp_path, portal, client):
    """A site set up by hand (or the first import into a migrated database) has no 育人号
    directory: an account imported there would have no page (/yurenhao/ was a 404)."""
    from home.services import ensure_site

    ensure_site(hostname="third.test", site_name="第三所大学", slug="third")
    line = {"id": "t-1", "title": "第三所大学的文章", "account": "第三大学号", "site": "third.test"}
    import_file(write_jsonl(tmp_path / "t.jsonl", line))
    account = PublishingAccount.objects.get(name="第三大学号")
    listing = client.get("/yurenhao/", HTTP_HOST="third.test")
    assert listing.status_code == 200 and "第三大学号" in listing.content.decode()
    page = client.get(f"/yurenhao/{account.slug}/", HTTP_HOST="third.test")
    assert "第三所大学的文章" in page.content.decode()
    import_file(write_jsonl(tmp_path / "t.jsonl", {**line, "id": "t-2"}))  # one directory
    home = Site.objects.get(hostname="third.test").root_page
    assert AccountIndexPage.objects.child_of(home).count() == 1


def test_accounts_are_created_once_and_list_their_articles(tmp_path, portal, client):
    import_file(
        write_jsonl(
            tmp_path / "acc.jsonl",
            {"id": "a-1", "title": "育人号文章一", "account": "某某大学", "section": "要闻"},
            {"id": "a-2", "title": "育人号文章二", "account": "某某大学", "section": "要闻"},
            {"id": "a-3", "title": "院校站文章", "account": "某某大学", "site": "school.test"},
        )
    )
    account = PublishingAccount.objects.get(name="某某大学")
    assert account.articles.count() == 3
    response = client.get(f"/yurenhao/{account.slug}/", HTTP_HOST="national.test")
    assert response.status_code == 200
    titles = [
        a.get_text()
        for a in BeautifulSoup(response.content, "html.parser").select(".article-list a")
    ]
    assert titles == ["育人号文章二", "育人号文章一"]  # newest first, this site's only


def reasons(err: str) -> dict[int, str]:
    """The command's error lines by line number."""
    return {
        int(line.split(".jsonl:")[1].split(":")[0]): line.split(".jsonl:")[1].split(": ", 1)[1]
        for line in err.splitlines()
        if ".jsonl:" in line
    }


# key of the line: (the model field it is stored in, its name in the message)
STORED_IN = {
    "source": (ArticlePage._meta.get_field("source"), "来源"),
    "editor": (ArticlePage._meta.get_field("editor"), "责任编辑"),
    "account": (PublishingAccount._meta.get_field("name"), "育人号"),
    "authors": (ArticleAuthor._meta.get_field("name"), "作者"),
    "keywords": (Tag._meta.get_field("name"), "关键词"),
}


@pytest.mark.parametrize("key", STORED_IN)
def test_values_longer_than_the_model_stores_are_refused_not_cut(tmp_path, portal, capsys, key):
    model_field, label = STORED_IN[key]
    limit = model_field.max_length
    at_limit = "长" * limit
    too_long = "长" * (limit + 1)
    as_list = key in ("authors", "keywords")
    path = write_jsonl(
        tmp_path / "len.jsonl",
        {"id": "fits", "title": "正好", key: [at_limit] if as_list else at_limit},
        {"id": "too-long", "title": "超长", key: ["张三", too_long] if as_list else too_long},
    )
    with pytest.raises(CommandError, match="1 行导入失败"):
        call_command("import_articles", path)
    reason = reasons(capsys.readouterr().err)[2]
    assert f"{label}（{key}）" in reason and f"{limit + 1} 个字符（最多 {limit} 个）" in reason
    assert not ArticlePage.objects.filter(external_id="too-long").exists()
    page = ArticlePage.objects.get(external_id="fits")
    stored = {
        "source": lambda: page.source,
        "editor": lambda: page.editor,
        "account": lambda: page.account.name,
        "authors": lambda: page.authors.get().name,
        "keywords": lambda: page.tags.get().name,
    }[key]()
    assert stored == at_limit


def test_control_characters_are_dropped_with_a_warning(tmp_path, portal, capsys):
    path = tmp_path / "ctl.jsonl"
    path.write_text(
        # a lone surrogate (\ud800) can only come as a JSON escape: UTF-8 cannot encode it
        '{"id": "c-1", "title": "标\\u0000题\\ud800", "source": "来\\u000b源", '
        '"authors": ["张\\u001f三"], "body": "<p>正\\u0000文&#11;内容</p>", "k\\u0001": 1}\n'
        '{"id": "c\\u0000-2", "title": "编号里有 NUL"}\n',
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="1 行导入失败"):
        call_command("import_articles", str(path))
    captured = capsys.readouterr()
    assert "U+0000" in reasons(captured.err)[2] and "id" in reasons(captured.err)[2]
    assert "字段 title 中的 2 个控制字符或无效字符（U+0000、U+D800）已删除" in captured.out
    assert "字段 source 中的 1 个控制字符或无效字符（U+000B）已删除" in captured.out
    assert "正文 HTML 中以字符引用写出的 1 个控制字符（U+000B）已删除" in captured.out
    assert "未知字段已忽略：kU+0001" in captured.out
    page = ArticlePage.objects.get(external_id="c-1")
    assert (page.title, page.source, page.author_names) == ("标题", "来源", ["张三"])
    assert page.body[0].value.source == "<p>正文内容</p>"
    assert not ArticlePage.objects.filter(title="编号里有 NUL").exists()


def test_deeply_nested_body_is_refused_with_a_reason(tmp_path, portal, capfd):
    path = write_jsonl(
        tmp_path / "deep.jsonl",
        {"id": "deep", "title": "层层嵌套", "body": "<div>" * 5000 + "正文" + "</div>" * 5000},
        "[" * 100_000 + "]" * 100_000,
    )
    with pytest.raises(CommandError, match="2 行导入失败"):
        call_command("import_articles", path)
    err = capfd.readouterr().err
    assert reasons(err) == {
        1: "正文 HTML 嵌套层数过多，无法转换（请去掉层层套叠的 <div> 等标签）",
        2: "JSON 嵌套层数过多",
    }
    assert "Traceback" not in err


def test_publication_times_out_of_range_are_refused_and_others_kept_in_utc(tmp_path, portal, capfd):
    path = write_jsonl(
        tmp_path / "when.jsonl",
        {"id": "w-1", "title": "公元元年", "published_at": "0001-01-01"},
        {"id": "w-2", "title": "万年历", "published_at": "9999-12-31T23:59:59-12:00"},
        {"id": "w-3", "title": "时区有误", "published_at": "2022-02-24T09:17:32-23:59"},
        {"id": "w-4", "title": "最早的时区", "published_at": "2022-02-24T09:17:32+14:00"},
        # The years are judged in Beijing time, as readers see them: in UTC the first was
        # refused (1899-12-31T15:54Z), the second taken (2099-12-31T16:00Z).
        {"id": "w-5", "title": "1900 年元旦", "published_at": "1900-01-01"},
        {"id": "w-6", "title": "2100 年元旦", "published_at": "2100-01-01T06:00:00+14:00"},
        {"id": "w-7", "title": "2099 年除夕", "published_at": "2099-12-31T23:59:59+08:00"},
    )
    with pytest.raises(CommandError, match="4 行导入失败"):
        call_command("import_articles", path)
    err = capfd.readouterr().err
    reported = reasons(err)
    assert reported[1].startswith("发布时间须在 1900 年至 2099 年之间")
    assert reported[2].startswith("发布时间须在 1900 年至 2099 年之间")
    assert reported[3].startswith("published_at 的时区偏移超出 ±14:00")
    assert reported[6].startswith("发布时间须在 1900 年至 2099 年之间")
    assert set(reported) == {1, 2, 3, 6}
    assert "Traceback" not in err
    page = ArticlePage.objects.get(external_id="w-4")
    assert page.display_time == datetime(2022, 2, 23, 19, 17, 32, tzinfo=ZoneInfo("UTC"))
    # Whatever offset the file used, the database is given UTC.
    assert parse_published_at("2022-02-24T09:17:32+08:00").utcoffset() == timedelta(0)
    assert parse_published_at("2022-02-24T09:17:32").utcoffset() == timedelta(0)


def test_a_title_of_zero_width_spaces_alone_is_refused(tmp_path, portal):
    report = import_file(write_jsonl(tmp_path / "z.jsonl", {"id": "z-1", "title": "\u200b\ufeff"}))
    assert report.count("failed") == 1
    assert report.outcomes[0].message == "标题只有看不见的字符"


def test_a_section_path_deeper_than_the_page_tree_allows_is_refused(tmp_path, portal, capsys):
    sections_before = SectionPage.objects.count()
    path = write_jsonl(
        tmp_path / "depth.jsonl",
        {"id": "d-1", "title": "七十层栏目", "section": "/".join(f"第{i}层" for i in range(70))},
    )
    with pytest.raises(CommandError):
        call_command("import_articles", path)
    assert reasons(capsys.readouterr().err) == {1: "栏目层级过多：70 级（最多 60 级）"}
    assert SectionPage.objects.count() == sections_before


def test_an_id_whose_earlier_line_failed_is_still_imported(tmp_path, portal, capsys):
    path = write_jsonl(
        tmp_path / "retry.jsonl",
        {"id": "r-1", "title": "站点写错了", "site": "nowhere.test"},
        {"id": "r-1", "title": "改正后的一行"},
        {"id": "r-1", "title": "真正重复的一行"},
    )
    with pytest.raises(CommandError, match="2 行导入失败"):
        call_command("import_articles", path)
    reported = reasons(capsys.readouterr().err)
    assert set(reported) == {1, 3} and "与第 2 行重复" in reported[3]
    assert ArticlePage.objects.get(external_id="r-1").title == "改正后的一行"


def test_progress_every_zero_prints_no_progress_and_negative_is_refused(tmp_path, portal, capsys):
    path = write_jsonl(
        tmp_path / "quiet.jsonl", {"id": "q-1", "title": "一"}, {"id": "q-2", "title": "二"}
    )
    call_command("import_articles", path, "--progress-every", "0")
    out = capsys.readouterr().out
    assert "进度" not in out and "新建 2" in out
    assert ArticlePage.objects.filter(external_id__in=["q-1", "q-2"]).count() == 2
    with pytest.raises(CommandError, match="应为不小于 0 的整数"):
        call_command("import_articles", path, "--progress-every", "-1")


def test_articles_the_editor_could_not_save_again_are_refused(tmp_path, portal, capsys, settings):
    # Django's limits on a request, which the editor's save posts the whole article in.
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS == 10_000
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
    many_blocks = "".join(f"<h2>第{i}节</h2><p>第{i}段</p>" for i in range(1200))
    big_body = "<p>" + "思想政治工作" * 500_000 + "</p>"  # 3 MB of UTF-8
    fine = "".join(f"<h2>第{i}节</h2><p>{'思政' * 100}</p>" for i in range(100))
    path = write_jsonl(
        tmp_path / "big.jsonl",
        {"id": "b-1", "title": "两千四百个块", "body": many_blocks},
        {"id": "b-2", "title": "三兆正文", "body": big_body},
        {"id": "b-3", "title": "两百个块", "body": fine},
        # What makes the form too big is named: it was always 正文块过多 / 正文过大.
        {
            "id": "b-4",
            "title": "三千作者",
            "body": fine,
            "authors": [f"作者{i}" for i in range(3000)],
        },
        # 30,000 keywords never finished (Wagtail's tag field adds each after comparing it with
        # all those added before).
        {
            "id": "b-5",
            "title": "三万关键词",
            "keywords": [f"关键词第{i:05}号" for i in range(30_000)],
        },
        {"id": "b-6", "title": "一百个关键词", "keywords": [f"关键词{i}" for i in range(100)]},
    )
    with pytest.raises(CommandError, match="4 行导入失败"):
        call_command("import_articles", path)
    reported = reasons(capsys.readouterr().err)
    assert reported[1].startswith("正文块过多（2400 个块）：")
    assert "上限 10000 个（DATA_UPLOAD_MAX_NUMBER_FIELDS" in reported[1]
    assert reported[1].endswith("请拆分为几篇文章")
    assert reported[2].startswith("正文过大")
    assert "上限 2.5 MB（DATA_UPLOAD_MAX_MEMORY_SIZE" in reported[2]
    assert reported[4].startswith("作者过多（3000 位）：") and "作者 12000 个" in reported[4]
    assert reported[4].endswith("请只列出主要作者")
    assert reported[5] == "关键词过多：30000 个（最多 100 个）"
    imported = ArticlePage.objects.filter(external_id__in=["b-3", "b-6"])
    assert sorted(page.tags.count() for page in imported) == [0, 100]
    assert set(ArticlePage.objects.values_list("external_id", flat=True)) == {"b-3", "b-6"}


def test_an_unreachable_search_engine_is_one_warning_not_tracebacks(
    tmp_path, portal, settings, capsys, caplog, django_capture_on_commit_callbacks
):
    from search.models import PendingIndexUpdate

    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "search.backends.opensearch",
            "URLS": ["http://127.0.0.1:9"],  # nothing listens there
            "INDEX_PREFIX": "portal_test_down_",
            "AUTO_UPDATE": True,
        },
        "database": {"BACKEND": "search.backends.database"},
    }
    path = write_jsonl(
        tmp_path / "down.jsonl", {"id": "s-1", "title": "一"}, {"id": "s-2", "title": "二"}
    )
    with django_capture_on_commit_callbacks(execute=True):  # the engine's write, on commit
        call_command("import_articles", path)
    out = capsys.readouterr().out
    assert [record for record in caplog.records if record.exc_info] == []
    warnings = [line for line in out.splitlines() if "搜索索引未能更新" in line]
    assert len(warnings) == 1 and "ConnectionError" in warnings[0]
    articles = ArticlePage.objects.filter(external_id__in=["s-1", "s-2"])
    assert articles.count() == 2
    recorded = set(PendingIndexUpdate.objects.values_list("object_pk", flat=True))
    assert {str(pk) for pk in articles.values_list("pk", flat=True)} <= recorded


def test_a_top_level_section_never_takes_a_path_the_site_serves_itself(tmp_path, portal, client):
    path = write_jsonl(
        tmp_path / "reserved.jsonl", {"id": "r-1", "title": "保留地址", "section": "search"}
    )
    call_command("import_articles", path)
    section = SectionPage.objects.get(title="search")
    assert section.slug not in ("search",) and section.slug.startswith("search")
    article = ArticlePage.objects.get(external_id="r-1")
    assert client.get(article.url, HTTP_HOST="national.test").status_code == 200


def test_a_top_level_section_is_never_healthz_which_the_health_check_answers(tmp_path, portal):
    import_file(
        write_jsonl(tmp_path / "h.jsonl", {"id": "h-1", "title": "体检", "section": "healthz"})
    )
    assert SectionPage.objects.get(title="healthz").slug != "healthz"


def test_an_article_an_editor_deleted_is_not_brought_back_unless_asked(tmp_path, portal, capsys):
    """A deletion may be a takedown: the next routine import of the same file published the
    article again, without a word."""
    line = {"id": "d-1", "title": "已删除的稿件", "section": "要闻"}
    section_line = {"id": "d-2", "title": "随栏目删除的稿件", "section": "待删栏目"}
    path = write_jsonl(tmp_path / "d.jsonl", line, section_line)
    import_file(path)
    ArticlePage.objects.get(external_id="d-1").delete()
    SectionPage.objects.get(title="待删栏目").delete()  # its articles with it

    call_command("import_articles", path)
    out = capsys.readouterr().out
    assert "新建 0" in out and "跳过 2" in out
    assert "《已删除的稿件》已于" in out and "--restore-deleted" in out
    assert not ArticlePage.objects.filter(external_id__in=["d-1", "d-2"]).exists()

    call_command("import_articles", path, "--restore-deleted")
    assert "新建 2" in capsys.readouterr().out
    assert ArticlePage.objects.get(external_id="d-1").live
    # Restored: an ordinary article again, found by the next import as such.
    assert import_file(path).count("unchanged") == 2


def test_an_article_imported_into_a_section_taken_offline_waits_as_a_draft(
    tmp_path, portal, client
):
    import_file(
        write_jsonl(tmp_path / "a.jsonl", {"id": "o-1", "title": "在线文章", "section": "甲栏目"})
    )
    section = SectionPage.objects.get(title="甲栏目")
    section.unpublish()  # the 栏目 alone: its live article stays as it was
    report = import_file(
        write_jsonl(
            tmp_path / "b.jsonl",
            {"id": "o-2", "title": "下线栏目新文章", "section": "甲栏目"},
            {"id": "o-1", "title": "在线文章改版", "section": "甲栏目"},
        )
    )
    assert (report.count("created"), report.count("updated")) == (1, 1)
    assert all("《甲栏目》已下线" in " ".join(o.warnings) for o in report.outcomes)
    new, old = (ArticlePage.objects.get(external_id=i) for i in ("o-2", "o-1"))
    assert not new.live  # it went live below the offline 栏目, and into search
    assert old.live and old.title == "在线文章"  # unchanged for readers; the line is a draft
    assert old.get_latest_revision_as_object().title == "在线文章改版"
    body = client.get("/search/api/", {"q": "下线栏目新文章"}, HTTP_HOST="national.test").json()
    assert "下线栏目新文章" not in [r["title"] for r in body["results"]]


def test_a_move_to_a_section_where_its_slug_is_taken_picks_a_free_one(tmp_path, portal, client):
    path = write_jsonl(
        tmp_path / "m.jsonl",
        {"id": "news 7", "title": "丙栏目的文章", "section": "丙栏目"},
        {"id": "news-7", "title": "丁栏目的文章", "section": "丁栏目"},
    )
    import_file(path)
    report = import_file(
        write_jsonl(
            tmp_path / "m2.jsonl", {"id": "news 7", "title": "移到丁栏目", "section": "丁栏目"}
        )
    )
    assert report.count("updated") == 1, report.failures  # a ValidationError, every time
    moved = ArticlePage.objects.get(external_id="news 7")
    assert moved.get_parent().title == "丁栏目" and moved.slug != "news-7"
    assert any("已被占用" in w for w in report.outcomes[0].warnings)
    assert client.get(moved.url, HTTP_HOST="national.test").status_code == 200


def test_an_editors_move_is_kept_by_the_next_import(tmp_path, portal, django_user_model):
    line = {"id": "mv-1", "title": "待移动", "section": "乙栏目", "body": "初稿"}
    page = import_one(tmp_path, line)
    editor = django_user_model.objects.create_superuser("bianji", password="x" * 12)
    target = SectionPage.objects.get(title="要闻")
    from wagtail.actions.move_page import MovePageAction

    MovePageAction(page, target, pos="last-child", user=editor).execute()
    report = import_file(write_jsonl(tmp_path / "mv.jsonl", {**line, "body": "更正的正文"}))
    assert report.count("updated") == 1
    assert any("已由 bianji 移到《要闻》" in w for w in report.outcomes[0].warnings)
    page = ArticlePage.objects.get(external_id="mv-1")
    assert page.get_parent().title == "要闻" and "更正的正文" in str(page.body)
    # The editor's account deleted since: their move is still a person's.
    editor_pk = editor.pk
    editor.delete()
    report = import_file(write_jsonl(tmp_path / "mv.jsonl", {**line, "body": "再次更正"}))
    assert any(f"已由 用户 {editor_pk} 移到《要闻》" in w for w in report.outcomes[0].warnings)
    assert ArticlePage.objects.get(external_id="mv-1").get_parent().title == "要闻"


@pytest.mark.parametrize(
    ("path", "moved", "expected"),
    [
        # 乙栏目 moved from the top to under 理论研究: the path leads nowhere from its start.
        ("乙栏目/子栏目", "乙栏目", ["理论研究", "乙栏目", "子栏目"]),
        # 丙栏目 moved from under 甲栏目 to under 理论研究: the path stops at 甲栏目.
        ("甲栏目/丙栏目", "丙栏目", ["理论研究", "丙栏目"]),
    ],
)
def test_a_section_an_editor_moved_is_still_the_lines_section(
    tmp_path, portal, admin_user, path, moved, expected
):
    """The import made the line's path again (a second 乙栏目 / 丙栏目) and moved the articles
    back into it."""
    from wagtail.actions.move_page import MovePageAction

    line = {"id": "ms-1", "title": "栏目被移动", "section": path, "body": "初稿"}
    import_one(tmp_path, line)
    theory = SectionPage(title="理论研究", slug="theory")
    portal.national.root_page.add_child(instance=theory)
    section = SectionPage.objects.get(title=moved)
    MovePageAction(section, theory, pos="last-child", user=admin_user).execute()
    report = import_file(
        write_jsonl(
            tmp_path / "ms.jsonl",
            {**line, "body": "更正"},
            {"id": "ms-2", "title": "同栏目新文章", "section": path},
        )
    )
    assert (report.count("updated"), report.count("created")) == (1, 1), report.failures
    assert SectionPage.objects.filter(title=moved).count() == 1
    assert all(
        f"《{moved}》已被编辑移到《理论研究》下" in " ".join(o.warnings) for o in report.outcomes
    )
    for external_id in ("ms-1", "ms-2"):
        article = ArticlePage.objects.get(external_id=external_id)
        titles = [p.title for p in article.get_ancestors()]
        assert titles[-len(expected) :] == expected, titles


def test_a_line_never_moves_a_live_article_into_a_section_taken_offline(
    tmp_path, portal, client, admin_user
):
    path = write_jsonl(
        tmp_path / "o.jsonl",
        {"id": "om-1", "title": "在线的文章", "section": "壬栏目"},
        {"id": "om-0", "title": "占位", "section": "癸栏目"},
    )
    import_file(path)
    from wagtail.actions.unpublish_page import UnpublishPageAction

    offline = SectionPage.objects.get(title="癸栏目")
    UnpublishPageAction(offline, user=admin_user, include_descendants=True).execute()
    moving = {"id": "om-1", "title": "在线的文章改版", "section": "癸栏目"}
    report = import_file(write_jsonl(tmp_path / "o2.jsonl", moving))
    warnings = " ".join(report.outcomes[0].warnings)
    assert "《癸栏目》已下线" in warnings and "留在《壬栏目》" in warnings
    article = ArticlePage.objects.get(external_id="om-1")
    assert article.get_parent().title == "壬栏目" and article.live and article.title == "在线的文章"
    assert client.get(article.url, HTTP_HOST="national.test").status_code == 200


def test_an_article_an_editor_moved_to_another_site_stays_there(
    tmp_path, portal, django_user_model
):
    """The line failed on every run, saying another site used the id."""
    from wagtail.actions.move_page import MovePageAction

    line = {"id": "xs-1", "title": "跨站移动", "section": "要闻", "body": "初稿"}
    page = import_one(tmp_path, line)
    editor = django_user_model.objects.create_superuser("bianji", password="x" * 12)
    MovePageAction(page, portal.institution_section, pos="last-child", user=editor).execute()
    report = import_file(write_jsonl(tmp_path / "xs.jsonl", {**line, "body": "更正"}))
    assert report.count("updated") == 1, report.failures
    assert any("已由 bianji 移到" in w for w in report.outcomes[0].warnings)
    moved = ArticlePage.objects.get(external_id="xs-1")
    assert moved.path.startswith(portal.institution.root_page.path) and "更正" in str(moved.body)


def test_long_headings_and_captions_are_kept_whole_with_a_warning(tmp_path, portal):
    PILImage.new("RGB", (40, 30), "blue").save(tmp_path / "p.png")
    heading, caption, table_caption = "长" * 201, "说" * 251, "表" * 201
    body = (
        f"<h2>{heading}</h2>"
        f'<figure><img src="p.png" alt="{"替" * 260}"><figcaption>{caption}</figcaption></figure>'
        f"<table><caption>{table_caption}</caption><tr><td>1</td></tr></table>"
    )
    report = import_file(
        write_jsonl(tmp_path / "long.jsonl", {"id": "long-1", "title": "长文本", "body": body})
    )
    assert report.count("created") == 1
    warnings = " ".join(report.outcomes[0].warnings)
    for what in (
        "小标题超过 200 字",
        "图片说明超过 250 字",
        "替代文字超过 250 字",
        "表格标题超过 200 字",
    ):
        assert what in warnings, what
    page = ArticlePage.objects.get(external_id="long-1")
    assert [b.block_type for b in page.body] == [
        "paragraph",
        "image",
        "paragraph",
        "paragraph",
        "table",
    ]
    text = " ".join(b.value.source for b in page.body if b.block_type == "paragraph")
    for whole in (heading, caption, table_caption):  # before: cut to 200 / 250, no warning
        assert whole in text
    page.full_clean()  # every block within its field's limits


def test_a_withdrawn_article_stays_offline_when_its_line_is_imported_again(
    tmp_path, portal, django_user_model
):
    line = {"id": "w-1", "title": "有误的稿件", "section": "要闻", "body": "原来的正文"}
    page = import_one(tmp_path, line)
    # An editor published a change (or it came through 三审), then it was withdrawn.
    editor = django_user_model.objects.create_superuser("zhongshen", password="x" * 12)
    edit_as(editor, page, title="改过的稿件").publish(user=editor)
    page.refresh_from_db()
    page.unpublish()  # 撤稿
    line["body"] = "更正后的正文"
    report = import_file(write_jsonl(tmp_path / "w.jsonl", line))
    assert report.count("updated") == 1
    assert any("已撤稿" in w for w in report.outcomes[0].warnings)
    page.refresh_from_db()
    assert not page.live  # it was published again before
    assert "更正后的正文" in str(page.get_latest_revision_as_object().body)
    # The line's text is kept as the draft, so the same line again is unchanged.
    assert import_file(write_jsonl(tmp_path / "w.jsonl", line)).count("unchanged") == 1
    # A draft an editor saves after the withdrawal is theirs: the next changed line waits.
    edit_as(editor, page, summary="编辑准备的更正说明")
    report = import_file(write_jsonl(tmp_path / "w.jsonl", {**line, "body": "第三版"}))
    assert "zhongshen 在发布后保存的修改" in report.failures[0].message


def test_an_article_an_editor_is_working_on_is_left_alone(tmp_path, portal, django_user_model):
    from wagtail.models import Task as WorkflowStep
    from wagtail.models import Workflow, WorkflowPage, WorkflowTask

    line = {"id": "e-1", "title": "导入的标题", "section": "要闻", "body": "导入的正文"}
    page = import_one(tmp_path, line)
    editor = django_user_model.objects.create_user("bianji", password="x" * 12)
    revision = edit_as(editor, page, title="编辑改的标题")
    changed = {**line, "summary": "来源系统改了摘要"}

    report = import_file(write_jsonl(tmp_path / "e.jsonl", changed))
    assert report.count("failed") == 1
    assert "有 bianji 在发布后保存的修改" in report.failures[0].message
    page.refresh_from_db()
    assert page.latest_revision_id == revision.pk and page.title == "导入的标题"

    workflow = Workflow.objects.create(name="三审（测试）")
    WorkflowTask.objects.create(
        workflow=workflow, task=WorkflowStep.objects.create(name="初审"), sort_order=0
    )
    WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": workflow})
    workflow.start(page, editor)
    report = import_file(write_jsonl(tmp_path / "e.jsonl", changed))
    assert "正在审核中" in report.failures[0].message
    page.refresh_from_db()
    assert page.workflow_in_progress and page.latest_revision_id == revision.pk


def test_reimport_over_an_editors_published_change_says_so(tmp_path, portal, django_user_model):
    line = {"id": "p-1", "title": "导入的标题", "section": "要闻", "body": "导入的正文"}
    page = import_one(tmp_path, line)
    editor = django_user_model.objects.create_superuser("zhongshen", password="x" * 12)
    edit_as(editor, page, title="编辑发布的标题").publish(user=editor)
    report = import_file(write_jsonl(tmp_path / "p.jsonl", {**line, "body": "新正文"}))
    assert report.count("updated") == 1
    assert any("由 zhongshen 修改并发布过" in w for w in report.outcomes[0].warnings)
    page.refresh_from_db()
    assert page.live and page.title == "导入的标题"


def test_why_an_image_could_not_be_read_is_said_in_chinese(tmp_path, portal, settings):
    """urllib's and Pillow's own words (HTTP Error 404: File not found, <urlopen error
    [Errno 111] Connection refused>) reached editors."""
    import http.server
    import socket
    import threading

    class Missing(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_error(404)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Missing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        free_port = closed.getsockname()[1]
    (tmp_path / "broken.png").write_bytes(b"not an image")
    settings.PORTAL_IMPORT_PRIVATE_URLS = True
    try:
        sources = {
            f"http://127.0.0.1:{server.server_address[1]}/x.png": "服务器回答 HTTP 404",
            f"http://127.0.0.1:{free_port}/x.png": "连接被拒绝",
            "broken.png": "不是可识别的图片",
        }
        body = "".join(f'<p><img src="{src}">文字</p>' for src in sources)
        report = import_file(
            write_jsonl(tmp_path / "i.jsonl", {"id": "i-1", "title": "图", "body": body})
        )
    finally:
        server.shutdown()
        server.server_close()
    warnings = report.outcomes[0].warnings
    for src, reason in sources.items():
        assert any(src in w and reason in w for w in warnings), (src, warnings)
    assert not any("Error" in w or "errno" in w.lower() for w in warnings), warnings


def test_imported_images_pass_the_admins_upload_checks(tmp_path, portal, settings):
    """An import took any file Willow could read, under its own name: an SVG with a script,
    or a PNG named .html, was served from /media/ on the portal's origin and ran there."""
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><script>1</script></svg>'
    (tmp_path / "evil.svg").write_text(svg)
    PILImage.new("RGB", (40, 40), "red").save(tmp_path / "poly.png")
    (tmp_path / "poly.png").rename(tmp_path / "poly.html")
    PILImage.new("RGB", (30, 30), "green").save(tmp_path / "640", format="JPEG")  # mmbiz-style
    PILImage.new("1", (400, 300)).save(tmp_path / "huge.png")
    settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS = 100_000  # huge.png has 120,000
    body = "".join(
        f'<p><img src="{name}" alt="图">文字</p>'
        for name in ["evil.svg", "poly.html", "640", "huge.png"]
    )
    report = import_file(
        write_jsonl(tmp_path / "i.jsonl", {"id": "v-1", "title": "图", "body": body})
    )
    warnings = report.outcomes[0].warnings
    assert report.count("created") == 1
    assert any("evil.svg" in w and "不支持的图片格式" in w for w in warnings), warnings
    assert any("huge.png" in w and "像素" in w for w in warnings), warnings
    names = sorted(Path(image.file.name).name for image in get_image_model().objects.all())
    assert [name.rsplit(".", 1)[-1] for name in names] == ["jpg", "png"], names
    assert all(Path(image.file.name).suffix != ".html" for image in get_image_model().objects.all())
    assert not any("Error" in w for w in warnings), warnings


def test_a_truncated_image_is_a_warning_and_the_article_is_imported(tmp_path, portal):
    """Pillow's error on a cut-off file (UnidentifiedImageError, "Truncated File Read")
    failed the whole line with an English message."""
    import io

    for name, fmt in (("cut.png", "PNG"), ("cut.jpg", "JPEG")):
        data = io.BytesIO()
        PILImage.new("RGB", (300, 200), "red").save(data, format=fmt)
        (tmp_path / name).write_bytes(data.getvalue()[: 40 if fmt == "PNG" else 200])
    body = '<p><img src="cut.png" alt="图一">文字</p><p><img src="cut.jpg" alt="图二">文字</p>'
    report = import_file(
        write_jsonl(tmp_path / "t.jsonl", {"id": "t-1", "title": "图坏了", "body": body})
    )
    warnings = report.outcomes[0].warnings
    assert report.count("created") == 1, report.outcomes
    for name in ("cut.png", "cut.jpg"):
        assert any(name in w and "有效的图片" in w for w in warnings), warnings
    assert not any("Error" in w for w in warnings), warnings
    assert not get_image_model().objects.exists()


def test_an_import_into_a_database_not_migrated_says_so_once(tmp_path, portal, monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    path = write_jsonl(tmp_path / "a.jsonl", {"id": "m-1", "title": "标题"})
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("x", False)])
    with pytest.raises(CommandError, match="数据库还有 1 个迁移未执行：请先运行 manage.py migrate"):
        call_command("import_articles", path)
    assert not ArticlePage.objects.filter(external_id="m-1").exists()


def test_a_centred_line_under_an_image_is_its_caption(tmp_path, portal):
    """The portal's pages write a caption as a short centred paragraph after the image: it
    came in as an indented body paragraph and the image had no caption."""
    colours = {"a.png": "red", "b.png": "green", "c.png": "blue", "d.png": "white"}
    for name, colour in colours.items():
        PILImage.new("RGB", (20, 20), colour).save(tmp_path / name)
    body = (
        '<p style="text-align: center;"><img src="a.png" alt="校园"></p>'
        '<p style="text-align: center;">学院举行党史学习教育动员大会</p>'
        '<p><img src="b.png"></p><p>图为学生在实训室操作设备</p>'
        '<p><img src="c.png" alt="实训"></p><p>这是正文的第一段，不是图片说明。</p>'
        '<p><img src="d.png" alt="&#8203;"></p><p>正文另起一段。</p>'  # a zero-width alt
    )
    report = import_file(
        write_jsonl(tmp_path / "c.jsonl", {"id": "c-1", "title": "图", "body": body})
    )
    page = ArticlePage.objects.get(external_id="c-1")
    shown = [
        (b.block_type, b.value.get("caption") if b.block_type == "image" else str(b.value))
        for b in page.body
    ]
    assert shown[0] == ("image", "学院举行党史学习教育动员大会")
    assert shown[1] == ("image", "图为学生在实训室操作设备")
    assert shown[2] == ("image", "") and "这是正文的第一段" in shown[3][1]
    assert shown[4] == ("image", "") and "正文另起一段" in shown[5][1]
    warnings = report.outcomes[0].warnings
    # Only d.png has neither words of its own nor a caption (its alt shows nothing).
    assert page.body[4].value["alt_text"] == ""
    assert [w for w in warnings if "替代文字" in w] == [
        "图片没有替代文字（alt）或图片说明，读屏软件只能读出图片标题：d.png（在编辑页补上替代文字后才能再保存）"
    ]


@pytest.mark.parametrize(
    "address, public",
    [
        ("64:ff9b::7f00:1", False),  # NAT64 of 127.0.0.1
        ("64:ff9b::a01:203", False),  # NAT64 of 10.1.2.3
        ("2002:7f00:1::", False),  # 6to4 of 127.0.0.1
        ("2002:a9fe:a9fe::", False),  # 6to4 of 169.254.169.254
        ("::ffff:127.0.0.1", False),
        ("64:ff9b::808:808", True),  # NAT64 of 8.8.8.8
        ("2002:808:808::", True),
        ("2606:4700::1111", True),
        ("8.8.8.8", True),
    ],
)
def test_ipv6_addresses_carrying_an_internal_ipv4_address_are_internal(address, public):
    """NAT64 and 6to4 addresses reach the IPv4 address they carry; Python counts them global."""
    from articles.importer import _check_address

    if public:
        _check_address("example.cn", address)
    else:
        with pytest.raises(OSError, match="不从内部地址下载图片"):
            _check_address("example.cn", address)


def test_a_byte_order_mark_opening_a_later_line_is_not_an_error(tmp_path, portal):
    """Files joined with `cat` carry the second file's BOM into the middle: that line failed
    with a JSON error the operator could not see."""
    path = tmp_path / "joined.jsonl"
    path.write_bytes(
        "\ufeff".encode()
        + json.dumps({"id": "bom-1", "title": "第一个文件"}, ensure_ascii=False).encode()
        + b"\n\xef\xbb\xbf"
        + json.dumps({"id": "bom-2", "title": "第二个文件"}, ensure_ascii=False).encode()
        + b"\n\xef\xbb\xbf\n"  # a third file, empty but for its BOM
    )
    report = import_file(path)
    assert [o.status for o in report.outcomes] == ["created", "created"]
    assert ArticlePage.objects.get(external_id="bom-2").title == "第二个文件"


def test_lines_ending_in_a_carriage_return_alone_are_lines(tmp_path, portal, capsys):
    """A file saved with old Mac line endings (CR only) was read as one line: the whole file
    failed as one bad JSON line. CRLF and LF files are read as before, numbered alike."""
    records = [{"id": f"cr-{n}", "title": f"第{n}篇"} for n in range(3)]
    lines = [json.dumps(r, ensure_ascii=False).encode() for r in records]
    path = tmp_path / "mac.jsonl"
    path.write_bytes(b"\r".join([lines[0], lines[1], b"", b'{"id": "cr-bad"', lines[2]]) + b"\r")
    with pytest.raises(CommandError, match="1 行导入失败"):
        call_command("import_articles", str(path))
    assert "mac.jsonl:4:" in capsys.readouterr().err  # the blank third line is counted
    assert set(ArticlePage.objects.values_list("external_id", flat=True)) == {
        "cr-0", "cr-1", "cr-2"
    }  # fmt: skip
    windows = tmp_path / "windows.jsonl"
    windows.write_bytes(b"\r\n".join(lines) + b"\r\n")
    assert [o.lineno for o in import_file(windows).outcomes] == [1, 2, 3]


def test_a_gbk_file_is_told_to_be_saved_as_utf8(tmp_path, portal, capsys):
    path = tmp_path / "gbk.jsonl"
    path.write_bytes(json.dumps({"id": "gbk-1", "title": "思想政治工作"}, ensure_ascii=False)
                     .encode("gbk") + b"\n" + b'{"id": "x", "title": "\xff\xfe"}\n')  # fmt: skip
    with pytest.raises(CommandError, match="2 行导入失败"):
        call_command("import_articles", str(path))
    err = capsys.readouterr().err.splitlines()
    assert "GBK" in err[0] and "另存为 UTF-8" in err[0], err
    assert "不是 UTF-8 编码的文本" in err[1] and "GBK" not in err[1], err  # not Chinese in GBK
    assert not ArticlePage.objects.filter(external_id="gbk-1").exists()


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_file_is_told_so_in_one_message(tmp_path, portal, capsys, encoding):
    """Windows Notepad's "Unicode": split at the LF byte, each line failed on its own with
    "看来是 GBK" or as junk JSON, and the command closed with "其余各行已导入"."""
    path = tmp_path / "notepad.jsonl"
    lines = [{"id": f"u16-{n}", "title": "思想政治工作"} for n in range(3)]
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\r\n" for line in lines),
                    encoding=encoding)  # fmt: skip
    with pytest.raises(CommandError) as refused:
        call_command("import_articles", str(path))
    assert str(refused.value) == (
        f"{path}：文件是 UTF-16 编码（Windows 记事本所说的“Unicode”），未导入任何行："
        "请将文件另存为 UTF-8 编码后再导入"
    )
    assert capsys.readouterr().err == ""  # no line by line errors before it
    path.write_text(path.read_text(encoding=encoding), encoding="utf-8")  # as advised
    call_command("import_articles", str(path))
    assert ArticlePage.objects.filter(external_id__startswith="u16-").count() == 3


def test_when_no_line_was_imported_the_closing_line_does_not_say_the_rest_were(tmp_path, portal):
    path = write_jsonl(tmp_path / "bad.jsonl", "{not json", "[]")
    with pytest.raises(CommandError, match="共有 2 行导入失败（.*），没有一行导入成功"):
        call_command("import_articles", path)


def test_slow_lines_commit_and_report_without_waiting_for_a_full_batch(
    tmp_path, portal, monkeypatch
):
    """A batch also ends after COMMIT_SECONDS: with lines that download images a 100-line
    batch held SQLite's write lock (every editor's save waiting) and the progress report for
    minutes. With no time at all each line is its own batch, reported once committed."""
    from articles import importer

    monkeypatch.setattr(importer, "COMMIT_SECONDS", 0)
    path = write_jsonl(
        tmp_path / "slow.jsonl", *({"id": f"s-{i}", "title": f"第{i}篇"} for i in range(3))
    )
    stored_when_reported = []
    import_file(
        path,
        progress=lambda done, total, outcome: stored_when_reported.append(
            ArticlePage.objects.filter(external_id__startswith="s-").count()
        ),
    )
    assert stored_when_reported == [1, 2, 3]  # it was [3, 3, 3]: one batch


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_interrupted_import_says_what_was_imported_and_can_be_run_again(
    tmp_path, portal, monkeypatch
):
    """Ctrl-C printed a traceback. Now: the lines committed are named, the batch under way is
    rolled back whole, and running the command again imports the rest."""
    import signal

    from articles import importer

    monkeypatch.setattr(importer, "COMMIT_EVERY", 20)
    monkeypatch.setattr(importer, "COMMIT_SECONDS", 60)
    lines = [{"id": f"i-{i}", "title": f"第{i}篇", "body": "<p>思政</p>" * 20} for i in range(150)]
    path = write_jsonl(tmp_path / "big.jsonl", *lines)

    def ctrl_c(signum, frame):
        raise KeyboardInterrupt

    class Terminal(io.StringIO):
        """The operator's terminal: Ctrl-C is pressed a moment after the first progress line."""

        def write(self, text):
            if "进度" in text and not signal.getitimer(signal.ITIMER_REAL)[0]:
                signal.setitimer(signal.ITIMER_REAL, 0.3)
            return super().write(text)

    previous = signal.signal(signal.SIGALRM, ctrl_c)
    try:
        with pytest.raises(CommandError) as stopped:
            call_command("import_articles", path, "--progress-every", "20", stdout=Terminal())
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert stopped.value.returncode == 130
    # Ctrl-C may land inside a query: the process would end here; the test goes on with a
    # new connection (PostgreSQL rolls back what the old one had not committed).
    from django.db import connection

    connection.close()
    message = str(stopped.value)
    assert message.startswith(f"已中断：{path} 第 ") and "之后的行未导入" in message, message
    processed = int(message.split("第 ")[1].split(" 行")[0])
    stored = ArticlePage.objects.filter(external_id__startswith="i-").count()
    assert 0 < processed < 150 and processed % 20 == 0  # whole batches only
    assert stored == processed
    call_command("import_articles", path)
    assert ArticlePage.objects.filter(external_id__startswith="i-").count() == 150


def _beijing(moment: datetime) -> str:
    return moment.astimezone(ZoneInfo("Asia/Shanghai")).isoformat(timespec="seconds")


def test_a_line_dated_ahead_is_scheduled_for_its_time_not_live_at_once(tmp_path, portal, client):
    from articles import scheduling

    soon = datetime.now(ZoneInfo("UTC")).replace(microsecond=0) + timedelta(seconds=2)
    line = {"id": "f-1", "title": "明日之文", "section": "要闻", "body": "正文",
            "published_at": _beijing(soon)}  # fmt: skip
    report = import_file(write_jsonl(tmp_path / "f.jsonl", line))
    assert report.count("created") == 1
    when = soon.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M:%S")
    warnings = report.outcomes[0].warnings
    assert any(f"发布时间 {when} 尚未到：已定时于该时刻发布" in w for w in warnings)
    page = ArticlePage.objects.get(external_id="f-1")
    assert not page.live
    assert page.scheduled_revision.approved_go_live_at == soon
    home = client.get("/", HTTP_HOST="national.test")
    assert "明日之文" not in home.content.decode()
    assert (
        client.get("/search/api/", {"q": "明日之文"}, HTTP_HOST="national.test").json()["total"]
        == 0
    )

    # Its time comes: the sweep (or its ETA task) publishes it.
    while datetime.now(ZoneInfo("UTC")) <= soon:
        time.sleep(0.2)
    scheduling.sweep()
    page.refresh_from_db()
    assert page.live and page.display_time == soon
    assert "明日之文" in client.get("/", HTTP_HOST="national.test").content.decode()


def test_a_scheduled_line_imported_again_is_rescheduled_or_published(tmp_path, portal):
    later = datetime(2030, 5, 1, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    line = {"id": "f-2", "title": "二〇三〇年", "section": "要闻", "body": "正文",
            "published_at": later.isoformat()}  # fmt: skip
    page = import_one(tmp_path, line)
    assert not page.live and page.scheduled_revision.approved_go_live_at == later
    assert page.first_published_at is None  # set when it goes live
    # Another date ahead: the import's own schedule is moved (not refused as an editor's).
    again = import_file(write_jsonl(tmp_path / "a.jsonl", {**line, "published_at": "2031-01-01"}))
    assert again.count("updated") == 1, again.outcomes[0].message
    page = ArticlePage.objects.get(pk=page.pk)  # scheduled_revision is cached
    assert not page.live
    assert page.scheduled_revision.approved_go_live_at == datetime(
        2031, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai")
    )
    # The date corrected to one past: live now, the schedule gone.
    fixed = import_file(write_jsonl(tmp_path / "b.jsonl", {**line, "published_at": "2022-02-24"}))
    assert fixed.count("updated") == 1
    assert not any("已撤稿" in w for w in fixed.outcomes[0].warnings)
    page = ArticlePage.objects.get(pk=page.pk)  # scheduled_revision is cached
    assert page.live and page.scheduled_revision is None and page.go_live_at is None
    assert page.first_published_at == datetime(2022, 2, 24, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_a_live_article_given_a_date_ahead_keeps_its_version_until_then(tmp_path, portal):
    line = {"id": "f-3", "title": "现行版本", "section": "要闻", "body": "正文",
            "published_at": "2022-02-24T09:17:32+08:00"}  # fmt: skip
    page = import_one(tmp_path, line)
    report = import_file(
        write_jsonl(tmp_path / "c.jsonl", {**line, "title": "新版本", "published_at": "2030-01-01"})
    )
    assert any("现在读者看到的仍是上一版" in w for w in report.outcomes[0].warnings)
    page = ArticlePage.objects.get(pk=page.pk)
    assert page.live and page.title == "现行版本"
    assert page.scheduled_revision.as_object().title == "新版本"
    # The same line again is 未变: not one more revision and schedule each run.
    revisions = page.revisions.count()
    report = import_file(
        write_jsonl(tmp_path / "d.jsonl", {**line, "title": "新版本", "published_at": "2030-01-01"})
    )
    assert report.count("unchanged") == 1 and page.revisions.count() == revisions


def test_a_schedule_an_editor_moved_or_cancelled_is_theirs(tmp_path, portal):
    from articles import scheduling

    line = {"id": "f-4", "title": "待发", "section": "要闻", "body": "正文",
            "published_at": "2030-01-01T08:00:00+08:00"}  # fmt: skip
    page = import_one(tmp_path, line)
    moved = datetime(2030, 2, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
    scheduling.reschedule_publish(page.scheduled_revision.pk, moved)
    report = import_file(write_jsonl(tmp_path / "e.jsonl", {**line, "body": "改过的正文"}))
    assert report.count("failed") == 1
    assert "有已安排定时发布的修改" in report.outcomes[0].message
    page = ArticlePage.objects.get(pk=page.pk)
    assert page.scheduled_revision.approved_go_live_at == moved
    # Cancelled: a never-published article, not a withdrawn one; a corrected line publishes it.
    scheduling.cancel_publish(page.scheduled_revision.pk)
    report = import_file(write_jsonl(tmp_path / "g.jsonl", {**line, "published_at": "2022-02-24"}))
    assert report.count("updated") == 1, report.outcomes[0].message
    assert not any("已撤稿" in w for w in report.outcomes[0].warnings)
    assert ArticlePage.objects.get(pk=page.pk).live


def test_a_waiting_article_whose_section_went_offline_is_not_published_at_its_time(
    tmp_path, portal
):
    line = {"id": "f-5", "title": "等待中", "section": "要闻", "body": "正文",
            "published_at": "2030-01-01T08:00:00+08:00"}  # fmt: skip
    page = import_one(tmp_path, line)
    portal.national_section.unpublish()
    report = import_file(write_jsonl(tmp_path / "h.jsonl", {**line, "body": "新正文"}))
    assert any("已存为草稿" in w for w in report.outcomes[0].warnings)
    page = ArticlePage.objects.get(pk=page.pk)
    assert not page.live and page.scheduled_revision is None and page.go_live_at is None
    # A live article with a new version waiting: that version is not published there either.
    live = {**line, "id": "f-6", "title": "已上线", "section": "专题",
            "published_at": "2022-02-24"}  # fmt: skip
    page = import_one(tmp_path, live)
    import_file(write_jsonl(tmp_path / "i.jsonl", {**live, "published_at": "2030-01-01"}))
    assert ArticlePage.objects.get(pk=page.pk).scheduled_revision is not None
    page.get_parent().specific.unpublish()
    import_file(write_jsonl(tmp_path / "j.jsonl", {**live, "body": "又一版"}))
    page = ArticlePage.objects.get(pk=page.pk)
    assert page.scheduled_revision is None and page.go_live_at is None
