"""import_articles: the seed article renders like the reference page; bad lines lose nothing."""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.core.management import CommandError, call_command
from PIL import Image as PILImage
from wagtail.images import get_image_model

from articles.importer import import_file
from articles.models import ArticlePage, PublishingAccount, SectionPage

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
    assert crumbs[4].startswith("坚持党建引领 培养红船工匠")
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
    )
    with pytest.raises(CommandError, match="8 行导入失败"):
        call_command("import_articles", path)
    err = capsys.readouterr().err
    expected = {
        2: "缺少必填字段 title",
        3: "published_at 无法解析",
        4: "字段 authors 应为字符串列表，实际是整数",
        5: "不是有效的 JSON",
        6: "每行应为一个 JSON 对象",
        8: "与第 1 行重复",
        9: "未知站点：nowhere.test",
        10: "缺少必填字段 id",
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


def test_plain_text_body_splits_on_blank_lines(tmp_path, portal, client):
    import_file(
        write_jsonl(
            tmp_path / "p.jsonl",
            {"id": "p-1", "title": "纯文本", "body": "第一段<不是标签\n\n第二段\n续行"},
        )
    )
    page = ArticlePage.objects.get(external_id="p-1")
    soup = render(client, page)
    paragraphs = [p.get_text() for p in soup.select(".article-body p")]
    assert paragraphs == ["第一段<不是标签", "第二段续行"]


def test_article_without_byline_renders_no_empty_labels(tmp_path, portal, client):
    import_file(write_jsonl(tmp_path / "n.jsonl", {"id": "n-1", "title": "无署名文章"}))
    page = ArticlePage.objects.get(external_id="n-1")
    soup = render(client, page)
    text = soup.select_one("article.article").get_text()
    for label in ("来源:", "作者:", "责任编辑", "育人号:", "摘要"):
        assert label not in text
    # with no published_at the display time is the first publish time
    assert page.display_time == page.first_published_at
    assert soup.select_one(".meta-time") is not None


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
