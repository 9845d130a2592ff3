"""What the feeds are computed from: daily view counts and editors' 推荐位 slots."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, PageChooserPanel

from articles.site_scope import SlotForm
from portal.validators import plausible_time


class ArticleViewCount(models.Model):
    """Page views of one article on one day, written in batches (articles.views_counter)."""

    article = models.ForeignKey(
        "articles.ArticlePage", on_delete=models.CASCADE, related_name="view_counts"
    )
    day = models.DateField(_("日期"))
    views = models.PositiveIntegerField(_("浏览量"), default=0)

    class Meta:
        verbose_name = _("浏览量")
        verbose_name_plural = _("浏览量")
        constraints = [
            models.UniqueConstraint(fields=["article", "day"], name="one_count_per_article_day")
        ]
        indexes = [models.Index(fields=["day"], name="view_count_day_idx")]

    def __str__(self):
        return f"{self.article_id} {self.day}: {self.views}"


def site_root_path(page) -> str:
    """The url_path of the root of the site a page is on ("/" if none: the whole tree)."""
    from home.pages import site_root_of

    root = site_root_of(page)
    return root.root_path if root else "/"


class FeaturedSlotQuerySet(models.QuerySet):
    def active(self, now=None):
        """Slots showing now: the article live and public (under no view restriction, its
        栏目's included), on the site of the page it is shown on."""
        from home.pages import public

        from .article import ArticlePage

        now = now or timezone.now()
        shown = public(ArticlePage.objects.live())
        return (
            self.filter(article__in=shown.values("pk"))
            .filter(models.Q(starts_at__isnull=True) | models.Q(starts_at__lte=now))
            .filter(models.Q(ends_at__isnull=True) | models.Q(ends_at__gt=now))
            .order_by("sort_order", "-pk")
        )


class FeaturedSlot(models.Model):  # a snippet: articles/wagtail_hooks.py
    """推荐位: an editor's pick shown on a home or section page ahead of the algorithm."""

    HEADLINE = "headline"
    CAROUSEL = "carousel"
    POSITIONS = [(HEADLINE, _("头条")), (CAROUSEL, _("焦点图"))]

    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("显示在"),
        on_delete=models.CASCADE,
        related_name="featured_slots",
        help_text=_("首页或栏目页"),
    )
    position = models.CharField(_("推荐位"), max_length=20, choices=POSITIONS, default=HEADLINE)
    article = models.ForeignKey(
        "articles.ArticlePage", verbose_name=_("文章"), on_delete=models.CASCADE, related_name="+"
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0, help_text=_("数字小的在前"))
    starts_at = models.DateTimeField(
        _("开始时间"), null=True, blank=True, validators=[plausible_time]
    )
    ends_at = models.DateTimeField(
        _("结束时间"), null=True, blank=True, validators=[plausible_time]
    )

    objects = FeaturedSlotQuerySet.as_manager()
    base_form_class = SlotForm  # 显示在: a page of the editor's own sites

    panels = [
        PageChooserPanel("page", ["home.HomePage", "articles.SectionPage"]),
        FieldPanel("position"),
        PageChooserPanel("article", "articles.ArticlePage"),
        FieldPanel("sort_order"),
        FieldPanel("starts_at"),
        FieldPanel("ends_at"),
    ]

    class Meta:
        verbose_name = _("推荐位")
        verbose_name_plural = _("推荐位")
        ordering = ["page", "position", "sort_order"]

    def __str__(self):
        return f"{self.get_position_display()}：{self.article.title}"

    @property
    def owning_site_id(self) -> int | None:  # its history: home.models.SiteLogEntry
        site = self.page.get_site()
        return site.pk if site else None

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("结束时间必须晚于开始时间。")})
        if self.page_id and self.page.specific_class.__name__ not in ("HomePage", "SectionPage"):
            raise ValidationError({"page": _("推荐位只能设在首页或栏目页。")})
        if self.page_id and self.article_id:
            root = site_root_path(self.page)
            if not self.article.url_path.startswith(root):
                raise ValidationError(
                    {"article": _("只能推荐本站的文章：这篇文章属于另一个站点。")}
                )
