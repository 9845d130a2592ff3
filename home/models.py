from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.models.audit_log import BaseLogEntry, ModelLogEntryManager

from portal.page_forms import PortalModelForm, PortalPageForm
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

    base_form_class = PortalModelForm  # its text without invisible characters

    @classmethod
    def get_permission_policy(cls):
        from home.permissions import OwnSitesSettingsPolicy

        return OwnSitesSettingsPolicy(cls)

    @property
    def owning_site_id(self) -> int:  # its history: SiteLogEntry
        return self.site_id

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


class SiteLogEntryManager(ModelLogEntryManager):
    def log_action(self, instance, action, **kwargs):
        kwargs.setdefault("site_id", instance.owning_site_id)
        return super().log_action(instance, action, **kwargs)

    def viewable_by_user(self, user):
        """Entries of the models the user holds a permission of (as Wagtail's), of the sites
        they edit. Wagtail caches the first log model's content types on the user and reuses
        them for every other log model: this one's would never be among them."""
        from django.contrib.auth.models import Permission

        from home.permissions import sites_of

        if user.is_active and user.is_superuser:
            return self.all()
        if not hasattr(user, "_portal_site_log_scope"):  # asked once per filter and model
            used = self.values_list("content_type_id", flat=True).distinct()
            permissions = Permission.objects.filter(content_type_id__in=used).select_related(
                "content_type"
            )
            allowed = {
                p.content_type_id
                for p in permissions
                if user.has_perm(f"{p.content_type.app_label}.{p.codename}")
            }
            user._portal_site_log_scope = (allowed, sites_of(user))
        allowed, sites = user._portal_site_log_scope
        entries = self.filter(content_type_id__in=allowed)
        return entries if sites is None else entries.filter(site__in=sites)


class SiteLogEntry(BaseLogEntry):
    """The history of what belongs to one site (站点设置, 育人号, 评论, 推荐位): 站点历史 and
    its 用户 filter show an editor the entries of the sites they edit (home.permissions
    .sites_of), as the page entries beside them are of their pages. Wagtail's ModelLogEntry
    shows every site's to whoever holds the model's permission. Models registered for it
    (register_log_actions hooks) give `owning_site_id`; what belongs to no site, or to a
    site since deleted, is the portal's: superusers and the portal's own groups."""

    # A table of its own, as Wagtail's PageLogEntry: a subclass of ModelLogEntry would put
    # each entry in that table too, where the report reads it unfiltered.
    object_id = models.CharField(max_length=255, db_index=True)
    site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name=_("站点"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = SiteLogEntryManager()

    class Meta(BaseLogEntry.Meta):
        ordering = ["-timestamp", "-id"]
        verbose_name = _("站点内容日志")
        verbose_name_plural = _("站点内容日志")
