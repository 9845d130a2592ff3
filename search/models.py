import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

from .text import LONGEST_WORD, normalize

WORD_SEPARATORS = re.compile(r"[\s,，、;；]+")
WORD_MAX_LENGTH = LONGEST_WORD  # search.text's segmenter looks for no longer word


def _is_one_word(text: str) -> bool:
    """Letters (汉字 included) and digits only: what search keeps together as one word; a
    space, a punctuation mark or a symbol would split it anyway."""
    return all(ch.isalnum() for ch in text)


def _check_word(word: str, field: str) -> None:
    if len(word) < 2:  # a single character is a word of its own already
        raise ValidationError({field: _("词语至少要有两个字：%(w)s") % {"w": word}})
    if len(word) > WORD_MAX_LENGTH:  # normalising can lengthen it (㍿ → 株式会社)
        raise ValidationError(
            {field: _("词语不能超过 %(n)s 个字：%(w)s") % {"n": WORD_MAX_LENGTH, "w": word}}
        )


class DictionaryWord(models.Model):
    """A word the segmenter must keep whole (红船精神, 三全育人, 立德树人 …)."""

    word = models.CharField(
        _("词语"),
        max_length=WORD_MAX_LENGTH,
        unique=True,
        help_text=_("搜索时作为一个整词切分，例如：红船精神"),
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    panels = [FieldPanel("word"), FieldPanel("note")]

    class Meta:
        verbose_name = _("搜索词典词语")
        verbose_name_plural = _("搜索词典词语")
        ordering = ["word"]

    def __str__(self):
        return self.word

    def clean(self):
        if not self.word:  # the field's own check (required, too long) has said why
            return
        self.word = normalize(self.word.strip())
        if not self.word:
            raise ValidationError({"word": _("请填写词语")})
        if not _is_one_word(self.word):
            raise ValidationError(
                {"word": _("一个词语中不能含有空格或标点，只能由汉字、字母和数字组成")}
            )
        _check_word(self.word, "word")
        if DictionaryWord.objects.exclude(pk=self.pk).filter(word=self.word).exists():
            raise ValidationError(
                {
                    "word": _("词典中已有“%(w)s”（繁体与简体、全角与半角、大小写视为同一个词）")
                    % {"w": self.word}
                }
            )


class SynonymGroup(models.Model):
    """Words that mean the same for search (思政 ↔ 思想政治)."""

    words = models.CharField(
        _("同义词"),
        max_length=400,
        help_text=_("用逗号或空格分隔，至少两个，例如：思政，思想政治"),
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    panels = [FieldPanel("words")]

    class Meta:
        verbose_name = _("同义词组")
        verbose_name_plural = _("同义词组")
        ordering = ["pk"]

    def __str__(self):
        return " ↔ ".join(self.normalized_words())

    def normalized_words(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for word in WORD_SEPARATORS.split(self.words):
            word = normalize(word)
            if word:
                seen.setdefault(word)
        return tuple(seen)

    def clean(self):
        if not self.words:  # the field's own check (required, too long) has said why
            return
        words = self.normalized_words()
        if len(words) < 2:
            raise ValidationError({"words": _("同义词组至少需要两个不同的词语")})
        odd = [w for w in words if not _is_one_word(w)]
        if odd:
            raise ValidationError(
                {"words": _("同义词只能由汉字、字母和数字组成：%(w)s") % {"w": "、".join(odd)}}
            )
        for word in words:
            _check_word(word, "words")
        # A word in two groups would take the meanings of only one of them (the segmenter
        # keeps one group per word): the editor extends the existing group instead.
        for other in SynonymGroup.objects.exclude(pk=self.pk):
            shared = [w for w in words if w in other.normalized_words()]
            if shared:
                raise ValidationError(
                    {
                        "words": _("“%(w)s”已在同义词组“%(g)s”中，请编辑那一组")
                        % {"w": "、".join(shared), "g": other}
                    }
                )
        self.words = "，".join(words)
        if len(self.words) > self._meta.get_field("words").max_length:
            raise ValidationError({"words": _("同义词组太长，请拆成几组")})


class PendingIndexUpdate(models.Model):
    """An index update the search engine missed while unreachable; replayed when it returns."""

    ACTIONS = [("update", _("更新")), ("delete", _("删除"))]

    app_label = models.CharField(max_length=100)
    model_name = models.CharField(max_length=100)
    object_pk = models.CharField(max_length=64)
    action = models.CharField(max_length=10, choices=ACTIONS, default="update")
    backend_name = models.CharField(max_length=64, default="default")
    created_at = models.DateTimeField(auto_now_add=True)
    # Changes with every update recorded for the object: a replay removes only the row as it
    # read it (search.outbox.replay_missed).
    updated_at = models.DateTimeField(auto_now=True)
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("待补索引更新")
        verbose_name_plural = _("待补索引更新")
        constraints = [
            models.UniqueConstraint(
                fields=["backend_name", "app_label", "model_name", "object_pk"],
                name="one_pending_update_per_object",
            )
        ]

    def __str__(self):
        return f"{self.action} {self.app_label}.{self.model_name}:{self.object_pk}"


class PendingDictionaryReindex(models.Model):
    """Words of a dictionary change whose re-index task could not be sent (Redis down); the
    beat's replay runs it once Redis answers (search.tasks.replay_missed_index_updates). A
    scan of every indexed object is too long to run in the editor's request."""

    words = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("待补词典重建索引")
        verbose_name_plural = _("待补词典重建索引")

    def __str__(self):
        return "、".join(self.words)


class SiteQueryDailyHits(models.Model):
    """How often readers of one site searched a query on one day: that site's 热搜.

    Wagtail's QueryDailyHits, which the 搜索词报告 reads, counts the whole portal and has no
    site; both are written from the same batch (search.querylog).
    """

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, related_name="+")
    query = models.ForeignKey(
        "wagtailsearchpromotions.Query", on_delete=models.CASCADE, related_name="+"
    )
    date = models.DateField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("站点搜索词日统计")
        verbose_name_plural = _("站点搜索词日统计")
        constraints = [
            models.UniqueConstraint(fields=["site", "query", "date"], name="site_query_date")
        ]
        indexes = [models.Index(fields=["site", "date"], name="site_query_hits_by_date")]

    def __str__(self):
        return f"{self.query} @ {self.site} {self.date}: {self.hits}"
