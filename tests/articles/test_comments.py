"""Readers' comments: posting, moderation, 敏感词, abuse and bad input."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.utils import timezone
from wagtail.models import PageViewRestriction

from articles.comments import moderate
from articles.models import Comment, SensitiveWord
from articles.sensitive import Matcher, invalidate
from home.models import PortalSiteSettings
from tests.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db

XSS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">点我</a>',
    '"><svg onload=alert(1)>',
    "<iframe src=//evil.example></iframe>",
]


@pytest.fixture(autouse=True)
def _fresh():
    cache.clear()  # rate-limit counters
    invalidate()
    yield
    invalidate()


@pytest.fixture
def article(portal):
    return ArticlePageFactory(parent=portal.national_section, title="评论测试文章")


def post(client, article, content, nickname="", **extra):
    return client.post(
        article.url,
        {"content": content, "nickname": nickname, **extra},
        HTTP_HOST="national.test",
    )


def page_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def test_sensitive_matching_survives_disguises():
    matcher = Matcher([("法轮功", "block"), ("代考", "review"), ("ABC", "review")])
    assert matcher.find("宣传 法 轮·功 的内容").block == ["法轮功"]
    assert matcher.find("宣傳法輪功").block == ["法轮功"]  # Traditional characters
    assert matcher.find("专业代—考，包过").review == ["代考"]
    assert matcher.find("ａｂｃ 全角字母").review == ["abc"]  # full-width, case
    assert not matcher.find("正常的评论内容")
    # Letters that show as nothing or as a mark, typed between the word's characters.
    for filler in ["\u3164", "\u115f", "\uffa0", "ー", "〇", "ㆍ", "々", "\u200b", "\u2800"]:
        assert matcher.find(f"法{filler}轮{filler}功好").block == ["法轮功"], repr(filler)
    assert not matcher.find("二〇二二年的考试代表")
    # Numbers written as circled or superscript digits are still those digits.
    digits = Matcher([("8964", "block")])
    for written in ["8964", "⑧⑨⑥④", "⁸⁹⁶⁴", "８ ９ ６ ４"]:
        assert digits.find(f"纪念{written}").block == ["8964"], written
    # Letters of other scripts drawn like Latin ones: Cyrillic а and р, Greek ο, Cherokee Ꭺ.
    latin = Matcher([("falun", "block"), ("paopao", "review")])
    assert latin.find("fаlun dafa").block == ["falun"]
    assert latin.find("рaοpaο 网").review == ["paopao"]
    assert latin.find("FᎪLUN").block == ["falun"]
    assert not latin.find("Привет, мир")  # Russian text as such is not a Latin word
    assert Matcher([("正常", "block")]).find("正常").block == ["正常"]  # Han untouched


def test_pre_moderated_comment_waits_then_counts_once_approved(client, article):
    response = post(client, article, "写得很好，受益匪浅！", nickname="读者甲")
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.status == Comment.PENDING
    page = page_of(client.get(article.url, HTTP_HOST="national.test"))
    assert page.select_one(".comment-count").get_text() == "已有 0 条评论"
    assert not page.select(".comment-list .comment")

    moderate([comment.pk], Comment.APPROVED)
    page = page_of(client.get(article.url, HTTP_HOST="national.test"))
    assert page.select_one(".comment-count").get_text() == "已有 1 条评论"
    assert page.select_one(".comment-nickname").get_text() == "读者甲"


def test_post_then_review_site_shows_at_once_but_review_words_still_wait(client, article, portal):
    settings = PortalSiteSettings.for_site(portal.national)
    settings.comments_premoderated = False
    settings.save()
    SensitiveWord.objects.create(word="代考", tier="review")
    post(client, article, "支持学校的做法")
    post(client, article, "有需要代 考的联系我")
    shown, held = Comment.objects.order_by("created_at")
    assert (shown.status, shown.needs_review) == (Comment.APPROVED, True)
    assert (held.status, held.flagged_words) == (Comment.PENDING, "代考")


@pytest.mark.parametrize(
    "content, message",
    [
        ("", "评论内容不能为空"),
        ("   \n  ", "评论内容不能为空"),
        ("！！！……。。。", "评论内容不能只有标点或符号"),
        ("长" * 501, "评论内容不能超过 500 字"),
        ("长" * 2001, "评论内容不能超过 500 字"),  # was refused with no message shown
        ("宣传 法 輪 功", "评论含有不允许发布的内容"),
    ],
)
def test_bad_comments_get_a_clear_message_and_keep_the_text(client, article, content, message):
    SensitiveWord.objects.create(word="法轮功", tier="block")
    response = post(client, article, content, nickname="读者乙")
    assert response.status_code == 200
    page = page_of(response)
    assert message in page.select_one(".form-errors").get_text()
    # (a textarea's first newline is not part of its value)
    assert page.select_one("textarea[name=content]").get_text().removeprefix("\n") == content
    assert page.select_one("input[name=nickname]")["value"] == "读者乙"
    assert not Comment.objects.exists()
    # The field is marked invalid and described by the reason, for screen readers.
    textarea = page.select_one("textarea[name=content]")
    assert textarea["aria-invalid"] == "true"
    assert (
        page.select_one(f"#{textarea['aria-describedby']}").get_text()
        == page.select_one(".form-errors").get_text()
    )


def test_long_nicknames_and_nul_characters_get_a_message_or_are_dropped(client, article):
    response = post(client, article, "写得好", nickname="名" * 81)
    page = page_of(response)
    assert "昵称不能超过 20 字" in page.select_one(".form-errors").get_text()
    assert not Comment.objects.exists()
    assert page.select_one("textarea[name=content]")["maxlength"] == "500"
    post(client, article, "写得\x00好", nickname="读\x00者")
    assert Comment.objects.get().content == "写得好"
    # Control characters only: refused as empty, and not sent back raw in the form.
    response = post(client, article, "\x01\x02\x1b", nickname="读\x7f者")
    assert "评论内容不能为空" in page_of(response).select_one(".form-errors").get_text()
    html = response.content.decode()
    assert not any(ch in html for ch in "\x01\x02\x1b\x7f") and 'value="读者"' in html
    # Bytes that are not UTF-8 (a broken form encoding): refused, not stored as ��.
    response = client.post(
        article.url,
        b"content=%FF%FE%E5%A5%BD&nickname=",
        content_type="application/x-www-form-urlencoded",
        HTTP_HOST="national.test",
    )
    assert "无法识别的字符" in page_of(response).select_one(".form-errors").get_text()
    assert Comment.objects.count() == 1


def test_a_stale_form_or_a_broken_request_gets_a_chinese_page(article):
    from django.test import Client

    stale = Client(enforce_csrf_checks=True).post(
        article.url, {"content": "写得好"}, HTTP_HOST="national.test"
    )
    assert stale.status_code == 403
    assert "表单已过期" in stale.content.decode() and 'lang="zh-CN"' in stale.content.decode()
    broken = Client().post(
        article.url,
        data=b"--x\r\nbroken",
        content_type="multipart/form-data",  # no boundary
        HTTP_HOST="national.test",
    )
    assert broken.status_code == 400
    assert "无法处理这个请求" in broken.content.decode()
    assert not Comment.objects.exists()


def test_closed_and_unpublished_articles_refuse_comments(client, article, portal):
    article.comments_open = False
    article.save()
    response = post(client, article, "还能评论吗")
    assert "该文章的评论已关闭" in page_of(response).select_one(".form-errors").get_text()
    assert (
        "本文评论已关闭" in page_of(client.get(article.url, HTTP_HOST="national.test")).get_text()
    )
    private = ArticlePageFactory(parent=portal.national_section, title="内部文章")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    response = client.post(private.url, {"content": "试试"}, HTTP_HOST="national.test")
    assert response.status_code != 500
    assert not Comment.objects.exists()


def test_a_reader_let_in_by_the_password_can_comment(client, portal):
    """A password-protected article showed its comment form to the reader who had entered
    the password, then refused the comment: 该文章未发布，不能评论。"""
    from django.urls import reverse

    locked = ArticlePageFactory(parent=portal.national_section, title="凭密码阅读")
    restriction = PageViewRestriction.objects.create(
        page=locked, restriction_type="password", password="jx2026"
    )
    assert post(client, locked, "没输密码").status_code == 200  # the password form
    assert not Comment.objects.exists()
    unlock = reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, locked.pk])
    client.post(unlock, {"password": "jx2026", "return_url": locked.url}, HTTP_HOST="national.test")
    assert post(client, locked, "输了密码的评论").status_code == 302
    assert list(Comment.objects.values_list("content", flat=True)) == ["输了密码的评论"]


def test_a_nul_character_in_the_password_gets_a_message_that_says_so(client, portal):
    """Django's zh_Hans catalogue says 不允许是用空字符串。 ("no empty strings", with a typo)
    for a NUL character; the portal's catalogue corrects it."""
    from django.urls import reverse

    locked = ArticlePageFactory(parent=portal.national_section, title="凭密码阅读")
    restriction = PageViewRestriction.objects.create(
        page=locked, restriction_type="password", password="jx2026"
    )
    unlock = reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, locked.pk])
    page = client.post(
        unlock, {"password": "jx\x002026", "return_url": locked.url}, HTTP_HOST="national.test"
    )
    text = page.content.decode()
    assert page.status_code == 200 and "不能包含空字符" in text and "空字符串" not in text


def test_refused_attempts_do_not_use_up_the_rate_limit(client, article, settings):
    """Five refused attempts (empty, only punctuation, too long) in a minute, then a real
    comment: it was refused as 评论过于频繁 though nothing had been posted."""
    cache.clear()
    settings.PORTAL_COMMENT_RATE = "2/h"  # (a minute's window may turn between posts)
    for refused in ["", "   ", "！！！", "长" * 501, "？"]:
        assert post(client, article, refused).status_code == 200
    assert post(client, article, "改好的评论").status_code == 302
    assert post(client, article, "第二条").status_code == 302
    assert post(client, article, "第三条").status_code == 429
    assert Comment.objects.count() == 2


def test_comment_text_never_runs_as_html(client, article):
    for payload in XSS:
        cache.clear()
        post(client, article, payload, nickname=payload[:20])
    moderate(Comment.objects.values_list("pk", flat=True), Comment.APPROVED)
    page = page_of(client.get(article.url, HTTP_HOST="national.test"))
    comments = page.select(".comment-list")[0]
    assert not comments.select("script, img, iframe, svg, a[href^=javascript]")
    assert {c.get_text() for c in comments.select(".comment-content")} == set(XSS)


def test_honeypot_and_rate_limit(client, article, settings):
    response = post(client, article, "机器人留言", website="http://spam.example")
    assert response.status_code == 302 and not Comment.objects.exists()  # quietly dropped
    cache.clear()
    settings.PORTAL_COMMENT_RATE = "2/h"  # (a minute's window may turn between posts)
    assert post(client, article, "第一条").status_code == 302
    assert post(client, article, "第二条").status_code == 302
    third = post(client, article, "第三条")
    assert third.status_code == 429
    assert "评论过于频繁" in page_of(third).select_one(".form-errors").get_text()
    kept = page_of(third).select_one("textarea[name=content]").get_text()
    assert kept.removeprefix("\n") == "第三条"
    assert Comment.objects.count() == 2


def test_behind_the_proxy_each_reader_has_a_limit_of_their_own(client, article, settings):
    """Behind a reverse proxy REMOTE_ADDR is the proxy's: every reader shared one limit."""
    cache.clear()
    settings.PORTAL_COMMENT_RATE = "1/h"  # (a minute's window may turn between posts)
    settings.PORTAL_TRUSTED_PROXY_COUNT = 1

    def from_reader(address, claimed=""):
        forwarded = f"{claimed}, {address}" if claimed else address
        return client.post(
            article.url,
            {"content": f"来自 {address} 的评论", "nickname": ""},
            HTTP_HOST="national.test",
            REMOTE_ADDR="10.0.0.2",  # the proxy
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    assert from_reader("203.0.113.7").status_code == 302
    assert from_reader("203.0.113.8").status_code == 302  # another reader
    assert from_reader("203.0.113.7").status_code == 429  # the first one again
    # What a client writes into the header itself does not make it someone else.
    assert from_reader("203.0.113.7", claimed="198.51.100.1").status_code == 429
    assert set(Comment.objects.values_list("ip_address", flat=True)) == {
        "203.0.113.7",
        "203.0.113.8",
    }


def test_all_comments_are_paginated(client, article, settings):
    settings.PORTAL_COMMENTS_PAGE_SIZE = 2
    for i in range(5):
        Comment.objects.create(article=article, content=f"评论{i}", status=Comment.APPROVED)
    page = page_of(client.get(article.url, {"cpage": 3}, HTTP_HOST="national.test"))
    assert [c.get_text() for c in page.select(".comment-content")] == ["评论0"]
    assert "第 3 / 3 页" in page.select_one(".comments .pagination").get_text()
    assert client.get(article.url, {"cpage": "x"}, HTTP_HOST="national.test").status_code == 200
    # 0 or below is the first page, the newest comments (Django's get_page gave the last)
    for number in ("0", "-1"):
        page = page_of(client.get(article.url, {"cpage": number}, HTTP_HOST="national.test"))
        assert [c.get_text() for c in page.select(".comment-content")] == ["评论4", "评论3"]


@pytest.mark.parametrize("group", ["编辑", "审核员"])
def test_editors_and_moderators_moderate_comments(client, article, group):
    """Not only superusers: the groups 编辑 and 审核员 open 评论审核 and approve."""
    user = get_user_model().objects.create_user(username="xiaoli", password="x")
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    comment = Comment.objects.create(article=article, content="待审的评论")
    queue = client.get("/admin/snippets/articles/comment/")
    assert queue.status_code == 200 and "待审的评论" in queue.content.decode()
    assert "/admin/snippets/articles/comment/" in client.get("/admin/").content.decode()  # menu
    assert client.get("/admin/snippets/articles/sensitiveword/add/").status_code == 200
    response = client.post(f"/admin/bulk/articles/comment/approve/?id={comment.pk}")
    assert response.status_code == 302
    assert Comment.objects.get(pk=comment.pk).status == Comment.APPROVED


def test_the_admin_queue_shows_times_as_the_portal_writes_them(admin_client, article):
    """2022-02-24 09:17:32, Beijing time: not Django's zh_Hans 2022年2月24日 09:17."""
    comment = Comment.objects.create(article=article, content="写得好")
    Comment.objects.filter(pk=comment.pk).update(
        created_at=datetime(2022, 2, 24, 1, 17, 32, tzinfo=UTC)
    )
    queue = admin_client.get("/admin/snippets/articles/comment/").content.decode()
    assert "2022-02-24 09:17:32" in queue
    assert "2022年2月24日" not in queue


def test_editors_bulk_approve_in_the_admin_queue(client, article):
    editor = get_user_model().objects.create_superuser(username="mod", password="x")
    client.force_login(editor)
    comments = [Comment.objects.create(article=article, content=f"待审{i}") for i in range(3)]
    queue = client.get("/admin/snippets/articles/comment/?status=pending")
    assert queue.status_code == 200 and "待审0" in queue.content.decode()
    url = "/admin/bulk/articles/comment/approve/"
    ids = "&".join(f"id={c.pk}" for c in comments[:2])
    assert client.get(f"{url}?{ids}").status_code == 200  # the confirmation page
    response = client.post(f"{url}?{ids}")
    assert response.status_code == 302
    assert sorted(Comment.objects.values_list("status", flat=True)) == [
        Comment.APPROVED,
        Comment.APPROVED,
        Comment.PENDING,
    ]
    assert Comment.objects.filter(moderated_by=editor).count() == 2
    # Approving them again changes nothing: the first approval's who and when stay.
    first = list(Comment.objects.filter(moderated_by=editor).values_list("moderated_at", flat=True))
    other = get_user_model().objects.create_superuser(username="mod2", password="x")
    client.force_login(other)
    assert client.post(f"{url}?{ids}").status_code == 302
    queue = client.get("/admin/snippets/articles/comment/").content.decode()
    assert "另有 2 条原已是“通过”，未改动" in queue
    assert (
        list(Comment.objects.filter(moderated_by=editor).values_list("moderated_at", flat=True))
        == first
    )
    # A confirmation opened before another moderator rejected the comment is refused.
    third = comments[2]
    url_reject = "/admin/bulk/articles/comment/reject/"
    page = client.get(f"{url}?id={third.pk}")
    shown = re.search(r'name="shown" value="([^"]*)"', page.content.decode()).group(1)
    assert shown == f"{third.pk}:{Comment.PENDING}"
    client.force_login(editor)
    client.post(f"{url_reject}?id={third.pk}", {"shown": f"{third.pk}:{Comment.PENDING}"})
    client.force_login(other)
    assert client.post(f"{url}?id={third.pk}", {"shown": shown}).status_code == 302
    queue = client.get("/admin/snippets/articles/comment/").content.decode()
    assert "已被他人审核，本次未作改动" in queue
    third.refresh_from_db()
    assert third.status == Comment.REJECTED and third.moderated_by == editor
    # Ids typed by hand select nothing (were 500s).
    for bad in ["abc", "1.5", "", str(2**64)]:
        assert client.get(f"{url}?id={bad}").status_code == 404, bad


def test_editors_are_warned_of_sensitive_words_in_a_draft(client, portal):
    from tests.articles.test_page_rules import article_form_data

    SensitiveWord.objects.create(word="代考", tier="review")
    client.force_login(get_user_model().objects.create_superuser(username="ed", password="x"))
    section = portal.national_section
    data = article_form_data("招聘代考枪手", "draft-check")
    response = client.post(
        f"/admin/pages/add/articles/articlepage/{section.pk}/", data, follow=True
    )
    assert "敏感词检查" in response.content.decode() and "代考" in response.content.decode()
    assert "请在发布前确认" in response.content.decode()  # a draft
    # Published with the word: now is the time to check, not "before publishing".
    data = {**article_form_data("招聘代考枪手", "live-check"), "action-publish": "1"}
    response = client.post(
        f"/admin/pages/add/articles/articlepage/{section.pk}/", data, follow=True
    )
    page = response.content.decode()
    assert "已发布的文章含有“代考”，请立即核查" in page and "请在发布前确认" not in page
    # In any field readers see: 引题, 副题, 来源, 作者, 责任编辑, 关键词, SEO 标题.
    for field, value in [("kicker", "代考专题"), ("subtitle", "代考"), ("source", "代考网"),
                         ("editor", "代考"), ("tags", "代考"), ("seo_title", "代考"),
                         ("authors-0-name", "代考")]:  # fmt: skip
        data = {**article_form_data("无关的标题", f"field-{field}"), field: value}
        response = client.post(
            f"/admin/pages/add/articles/articlepage/{section.pk}/", data, follow=True
        )
        assert "敏感词检查" in response.content.decode(), field
    # And in a body image's 替代文字, which screen readers read aloud.
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file
    from wagtail.test.utils.form_data import nested_form_data, streamfield

    image = Image.objects.create(title="现场", file=get_test_image_file())
    body = streamfield([("image", {"image": image.pk, "caption": "", "alt_text": "代考资料"})])
    data = {**article_form_data("无关的标题", "field-alt"), **nested_form_data({"body": body})}
    response = client.post(f"/admin/pages/add/articles/articlepage/{section.pk}/", data)
    assert response.status_code == 302  # (the edit page would render the image's thumbnail)
    from django.contrib.messages import get_messages

    assert any("敏感词检查" in str(m) for m in get_messages(response.wsgi_request))


def test_a_sensitive_word_differing_only_in_script_width_or_case_is_refused():
    from django.core.exceptions import ValidationError

    SensitiveWord.objects.create(word="坏词", tier=SensitiveWord.BLOCK)
    for same in ["壞詞", "坏 词", "坏·词"]:
        with pytest.raises(ValidationError) as refused:
            SensitiveWord(word=same).full_clean()
        assert "坏词" in refused.value.message_dict["word"][0], same
    SensitiveWord(word="坏词语").full_clean()  # a different word is fine
    existing = SensitiveWord.objects.get()
    existing.tier = SensitiveWord.REVIEW
    existing.full_clean()  # editing the word itself is not a duplicate
    SensitiveWord.objects.create(word="ＡＢＣ")
    with pytest.raises(ValidationError):
        SensitiveWord(word="abc").full_clean()


def test_a_single_latin_letter_or_digit_is_refused_as_a_sensitive_word(admin_client):
    """Spaces and punctuation are ignored in matching, so "x" would hold every comment with an
    x in it (the admin review's finding). A single Han character is a word and stays allowed."""
    from django.core.exceptions import ValidationError

    for word in ["x", "Ｘ", " 8 ", "х"]:  # the last is Cyrillic, read as Latin x
        with pytest.raises(ValidationError) as refused:
            SensitiveWord(word=word).full_clean()
        assert "单个字母或数字" in refused.value.message_dict["word"][0], word
    SensitiveWord(word="赌").full_clean()
    SensitiveWord(word="sb").full_clean()
    response = admin_client.post(
        "/admin/snippets/articles/sensitiveword/add/", {"word": "x", "tier": "block", "note": ""}
    )
    assert response.status_code == 200
    assert "单个字母或数字" in response.content.decode()
    assert not SensitiveWord.objects.exists()
    # A word too long, or none, gets that one message (须包含文字 came with it, wrongly).
    for word, message in [("甲" * 200, "不超过 50 字符"), ("", "必需字段")]:
        response = admin_client.post(
            "/admin/snippets/articles/sensitiveword/add/",
            {"word": word, "tier": "block", "note": ""},
        )
        html = response.content.decode()
        assert message in html and "须包含文字" not in html, word


def test_one_comment_moderated_on_its_form_is_recorded_and_the_queue_has_no_add(
    admin_client, article
):
    comment = Comment.objects.create(
        article=article, content="先发后审的评论", status=Comment.APPROVED, needs_review=True
    )
    response = admin_client.post(
        f"/admin/snippets/articles/comment/edit/{comment.pk}/", {"status": Comment.REJECTED}
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Comment.REJECTED and not comment.needs_review
    assert comment.moderated_by.username == "admin" and comment.moderated_at is not None
    # Comments come from readers: adding or copying one in the queue (was a 500) is refused.
    queue = admin_client.get("/admin/snippets/articles/comment/").content.decode()
    assert "/admin/snippets/articles/comment/add/" not in queue
    for url in ["/admin/snippets/articles/comment/add/",
                f"/admin/snippets/articles/comment/copy/{comment.pk}/"]:  # fmt: skip
        assert admin_client.post(url, {"status": "approved"}).status_code in (302, 403), url
    assert Comment.objects.count() == 1
    from wagtail.permissions import policy_registry

    assert not policy_registry.get_by_type(Comment).users_with_any_permission(["add"]).exists()


def test_the_same_comment_sent_again_is_taken_once(client, article, portal):
    first = post(client, article, "写得很好！", nickname="读者丙")
    assert first.status_code == 302
    again = post(client, article, "  写得很好！\n", nickname="读者丙")  # a double click
    assert again.status_code == 200
    assert "已经提交过，正在等待审核" in page_of(again).select_one(".form-errors").get_text()
    assert Comment.objects.count() == 1
    # Once shown, sending it again says so.
    moderate(list(Comment.objects.values_list("pk", flat=True)), Comment.APPROVED)
    shown = post(client, article, "写得很好！", nickname="读者丙")
    assert "已经发表过" in page_of(shown).select_one(".form-errors").get_text()
    # Another reader's identical words are theirs: another address, or the same address
    # (a campus network) under another nickname, or the same one later on.
    other = client.post(
        article.url,
        {"content": "写得很好！", "nickname": "读者丙"},
        HTTP_HOST="national.test",
        REMOTE_ADDR="203.0.113.9",
    )
    assert other.status_code == 302
    assert post(client, article, "写得很好！", nickname="读者丁").status_code == 302
    Comment.objects.update(created_at=timezone.now() - timedelta(minutes=11))
    assert post(client, article, "写得很好！", nickname="读者丙").status_code == 302
    # A comment editors rejected may be sent again, to be reviewed again.
    rejected = Comment.objects.create(article=article, content="再想想", ip_address="127.0.0.1")
    moderate([rejected.pk], Comment.REJECTED)
    assert post(client, article, "再想想").status_code == 302
    assert Comment.objects.count() == 6
