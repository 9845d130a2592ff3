"""Readers' comments on articles, and the 敏感词 list they are checked against."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

COMMENT_MAX_LENGTH = 500
NICKNAME_MAX_LENGTH = 20


class SensitiveWord(models.Model):
    """敏感词: `block` refuses a comment; `review` holds it for an editor whatever the site does."""

    BLOCK = "block"
    REVIEW = "review"
    TIERS = [(BLOCK, _("禁止发布")), (REVIEW, _("须人工审核"))]

    word = models.CharField(_("词语"), max_length=50, unique=True)
    tier = models.CharField(_("处理方式"), max_length=10, choices=TIERS, default=REVIEW)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    panels = [FieldPanel("word"), FieldPanel("tier"), FieldPanel("note")]

    class Meta:
        verbose_name = _("敏感词")
        verbose_name_plural = _("敏感词")
        ordering = ["word"]

    def __str__(self):
        return f"{self.word}（{self.get_tier_display()}）"

    def clean(self):
        from articles.sensitive import normalize_for_matching

        if not self.word:
            # Left empty, or over 50 characters: the form then leaves the field unset and has
            # said so (必需字段, 不超过 50 字符); 须包含文字 was a second, wrong message.
            return
        key = normalize_for_matching(self.word)
        if not key:
            raise ValidationError({"word": _("敏感词须包含文字，不能只有空格或标点。")})
        if len(key) == 1 and key.isascii():
            # Matching ignores spaces and punctuation (so f a l u n is falun): one letter or
            # digit would be found in nearly every comment that has Latin text or a number.
            message = _("单个字母或数字会出现在大量正常评论中，不能作为敏感词，请填写完整的词。")
            raise ValidationError({"word": message})
        # Matching ignores script, width, case and punctuation, so 坏词 and 壞詞 are one word:
        # a second entry would only duplicate (or contradict the tier of) the first.
        others = SensitiveWord.objects.exclude(pk=self.pk).values_list("word", flat=True)
        same = next((w for w in others.iterator() if normalize_for_matching(w) == key), None)
        if same is not None:
            raise ValidationError(
                {
                    "word": _(
                        "与已有敏感词「%(w)s」相同（繁简、全半角、大小写和标点不同视为同一词）"
                    )
                    % {"w": same}
                }
            )


class Comment(models.Model):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    STATUSES = [(PENDING, _("待审核")), (APPROVED, _("已通过")), (REJECTED, _("未通过"))]

    article = models.ForeignKey(
        "articles.ArticlePage",
        verbose_name=_("文章"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    nickname = models.CharField(_("昵称"), max_length=NICKNAME_MAX_LENGTH, blank=True)
    content = models.TextField(_("内容"), max_length=COMMENT_MAX_LENGTH)
    status = models.CharField(_("状态"), max_length=10, choices=STATUSES, default=PENDING)
    needs_review = models.BooleanField(
        _("待复核"), default=False, help_text=_("先发后审的站点：已显示、尚未经编辑复核")
    )
    flagged_words = models.CharField(_("命中敏感词"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True, db_index=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("评论")
        verbose_name_plural = _("评论")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["article", "status", "-created_at"], name="comment_list_idx")
        ]

    def __str__(self):
        return self.content[:30]

    @property
    def owning_site_id(self) -> int | None:  # its history: home.models.SiteLogEntry
        site = self.article.get_site()
        return site.pk if site else None
