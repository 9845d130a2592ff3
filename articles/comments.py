"""Posting and moderating readers' comments (the article page and the admin call these)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

from .models import ArticlePage, Comment
from .models.comments import COMMENT_MAX_LENGTH, NICKNAME_MAX_LENGTH
from .sensitive import find_sensitive, normalize_for_matching

REPEAT_WINDOW = timedelta(minutes=10)


class CommentRefused(ValueError):
    """The comment cannot be taken; the message is shown to the reader as is."""


@dataclass
class Posted:
    comment: Comment
    visible: bool  # shown at once (post-then-review site, nothing to review)


def _clean(text: str) -> str:
    text = "".join(ch for ch in (text or "") if ch.isprintable() or ch in "\n")
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def post_comment(
    article: ArticlePage, content: str, nickname: str = "", ip: str | None = None, site=None
) -> Posted:
    """Validate and store a reader's comment; raise CommentRefused with the reason."""
    from home.models import PortalSiteSettings

    # A page behind a view restriction (密码, 登录, 用户组) is only served, its comments shown
    # and posted, to the readers its restriction lets in (Wagtail's before_serve_page check):
    # one who entered the password was refused as if the article were not published.
    if not article.live:
        raise CommentRefused("该文章未发布，不能评论。")
    if not article.comments_open:
        raise CommentRefused("该文章的评论已关闭。")
    content, nickname = _clean(content), _clean(nickname).replace("\n", " ")
    if not content:
        raise CommentRefused("评论内容不能为空。")
    if len(content) > COMMENT_MAX_LENGTH:
        raise CommentRefused(
            f"评论内容不能超过 {COMMENT_MAX_LENGTH} 字（当前 {len(content)} 字）。"
        )
    if len(nickname) > NICKNAME_MAX_LENGTH:
        raise CommentRefused(f"昵称不能超过 {NICKNAME_MAX_LENGTH} 字。")
    if not normalize_for_matching(content):
        raise CommentRefused("评论内容不能只有标点或符号。")
    if "\ufffd" in content or "\ufffd" in nickname:
        # What Django made of bytes that were not UTF-8: the reader's text is not in it.
        raise CommentRefused("评论含有无法识别的字符（编码有误），请检查后重新提交。")
    findings = find_sensitive(f"{nickname}\n{content}")
    if findings.block:
        raise CommentRefused("评论含有不允许发布的内容，请修改后再提交。")
    premoderated = True
    if site is not None:
        premoderated = PortalSiteSettings.for_site(site).comments_premoderated
    held = premoderated or bool(findings.review)
    with transaction.atomic():
        # The article's row locked (PostgreSQL), so a double click's two requests cannot
        # both find no earlier copy and both be stored.
        Page.objects.select_for_update().filter(pk=article.pk).exists()
        _refuse_repeat(article, content, nickname, ip)
        comment = Comment.objects.create(
            article=article,
            nickname=nickname,
            content=content,
            status=Comment.PENDING if held else Comment.APPROVED,
            needs_review=not held,
            flagged_words="、".join(findings.review)[:200],
            ip_address=ip,
        )
    return Posted(comment=comment, visible=not held)


def _refuse_repeat(article: ArticlePage, content: str, nickname: str, ip: str | None) -> None:
    """The same text under the same nickname from the same address on the same article,
    within REPEAT_WINDOW, is taken once: a double click, a reload re-sending the form, a
    flood within the rate limit. A campus or a carrier shares one address among many
    readers: another nickname, or the same words later on (支持！), is another comment. A
    comment editors rejected may be sent again (it is reviewed again)."""
    earlier = Comment.objects.filter(
        article=article,
        content=content,
        nickname=nickname,
        created_at__gte=timezone.now() - REPEAT_WINDOW,
    ).exclude(status=Comment.REJECTED)
    earlier = earlier.filter(ip_address=ip) if ip else earlier.filter(ip_address__isnull=True)
    status = earlier.order_by("-created_at").values_list("status", flat=True).first()
    if status == Comment.PENDING:
        raise CommentRefused("这条评论刚刚已经提交过，正在等待审核，请勿重复提交。")
    if status is not None:
        raise CommentRefused("这条评论刚刚已经发表过，请勿重复提交。")


@transaction.atomic
def moderate(comment_ids, status: str, user=None, restamp: bool = False) -> int:
    """Approve or reject comments (the admin's bulk actions); returns how many changed.

    A comment already in that status is left as it is: approving an approved comment again
    recorded the second moderator and time over the first. `restamp`: record who and when
    on comments whose status was just saved (a comment's own edit form)."""
    if status not in (Comment.APPROVED, Comment.REJECTED):
        raise ValueError(status)
    comments = Comment.objects.filter(pk__in=list(comment_ids))
    if not restamp:
        comments = comments.exclude(status=status, needs_review=False)
    return comments.update(
        status=status, needs_review=False, moderated_by=user, moderated_at=timezone.now()
    )


def approved_comments(article: ArticlePage):
    if article.pk is None:  # the preview of an article not saved yet
        return Comment.objects.none()
    return article.comments.filter(status=Comment.APPROVED).order_by("-created_at")
