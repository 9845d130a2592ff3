from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Page

from portal.page_forms import PortalPageForm
from portal.validators import plausible_time

from .blocks import FooterLinkBlock


class HomePage(Page):
    """首页: the root of one site's tree (one per site)."""

    base_form_class = PortalPageForm

    intro = models.TextField(_("站点简介"), blank=True, help_text=_("显示在首页顶部的一句话介绍"))

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["articles.SectionPage", "articles.AccountIndexPage"]

    class Meta:
        verbose_name = _("首页")
        verbose_name_plural = _("首页")

    def get_context(self, request, *args, **kwargs):
        # Imported here: articles builds on home, never the reverse at import time.
        from articles.feeds import feed_context, section_blocks_for_home

        context = super().get_context(request, *args, **kwargs)
        context["section_blocks"] = section_blocks_for_home(
            self, per_section=settings.PORTAL_HOME_ARTICLES_PER_SECTION
        )
        context.update(feed_context(self, request))
        return context


@register_setting(icon="site")
class PortalSiteSettings(BaseSiteSetting):
    """Per-site look and text: every template reads these, never `if site == ...`."""

    @classmethod
    def get_permission_policy(cls):
        from home.permissions import OwnSitesSettingsPolicy

        return OwnSitesSettingsPolicy(cls)

    site_name = models.CharField(_("站点名称"), max_length=100)
    slogan = models.CharField(_("标语"), max_length=200, blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("站点标志"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    footer_text = models.TextField(
        _("页脚文字"), blank=True, help_text=_("主办单位、联系方式等，每行一条")
    )
    footer_links = StreamField(
        [("link", FooterLinkBlock())], verbose_name=_("页脚链接"), blank=True
    )
    icp_number = models.CharField(
        _("ICP 备案号"), max_length=60, blank=True, help_text=_("例如：京ICP备05000000号")
    )
    police_number = models.CharField(
        _("公安备案号"), max_length=60, blank=True, help_text=_("例如：京公网安备11010802000000号")
    )

    comments_premoderated = models.BooleanField(
        _("评论先审后发"),
        default=True,
        help_text=_(
            "勾选：读者评论经编辑审核后才显示；不勾选：先显示、后审核（含待审敏感词的评论仍须先审）"
        ),
    )

    mourning = models.BooleanField(
        _("哀悼模式"), default=False, help_text=_("开启后全站页面显示为灰色，可设定开始与结束时间")
    )
    mourning_starts_at = models.DateTimeField(
        _("哀悼开始时间"),
        null=True,
        blank=True,
        validators=[plausible_time],
        help_text=_("留空则立即开始"),
    )
    mourning_ends_at = models.DateTimeField(
        _("哀悼结束时间"),
        null=True,
        blank=True,
        validators=[plausible_time],
        help_text=_("留空则一直持续，直到关闭"),
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("site_name"), FieldPanel("slogan"), FieldPanel("logo")], heading=_("站点")
        ),
        MultiFieldPanel(
            [
                FieldPanel("mourning"),
                FieldPanel("mourning_starts_at"),
                FieldPanel("mourning_ends_at"),
            ],
            heading=_("哀悼"),
        ),
        FieldPanel("comments_premoderated", heading=_("评论")),
        MultiFieldPanel(
            [
                FieldPanel("footer_text"),
                FieldPanel("footer_links"),
                FieldPanel("icp_number"),
                FieldPanel("police_number"),
            ],
            heading=_("页脚"),
        ),
    ]

    class Meta:
        verbose_name = _("站点设置")
        verbose_name_plural = _("站点设置")

    def __str__(self):
        return self.site_name or str(self.site)

    def clean(self):
        super().clean()
        if (
            self.mourning_starts_at
            and self.mourning_ends_at
            and self.mourning_ends_at <= self.mourning_starts_at
        ):
            raise ValidationError({"mourning_ends_at": _("结束时间必须晚于开始时间。")})

    @property
    def footer_lines(self) -> list[str]:
        return [line.strip() for line in self.footer_text.splitlines() if line.strip()]
