from datetime import datetime

from django.db import models
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.compare import FieldComparison, TextDiff, register_comparison_class

from .models import PortalSiteSettings, SiteLogEntry


@hooks.register("register_log_actions")
def site_settings_history(actions):
    # A site's 站点设置 changes are shown to that site's editors only.
    actions.register_model(PortalSiteSettings, SiteLogEntry)


class TimeComparison(FieldComparison):
    """Times in the revision comparison (历史 → 比较) as everywhere else: Beijing time,
    2022-02-24 09:17:32; a time not set is shown empty. Wagtail showed the value as Python
    prints it: "None" and 2026-12-02 23:05:49+08:00."""

    @staticmethod
    def shown(value) -> str:
        if value is None:
            return ""
        if isinstance(value, datetime):
            if timezone.is_aware(value):
                value = timezone.localtime(value)
            return date_format(value, "Y-m-d H:i:s")
        return date_format(value, "Y-m-d")

    def htmldiff(self):
        a, b = self.shown(self.val_a), self.shown(self.val_b)
        if a != b:
            return TextDiff([("deletion", a), ("addition", b)]).to_html()
        return escape(a)


register_comparison_class(models.DateTimeField, comparison_class=TimeComparison)
register_comparison_class(models.DateField, comparison_class=TimeComparison)


def _name_site_columns_in_chinese() -> None:
    """设置 → 站点 lists its columns under their model fields' names (端口号, 站点名称, 根页面):
    Wagtail 8.0 gives three of them no label, so they were headed Port, Site name and Root
    page, the field names in English, and sorted "按“Port”升序排列"."""
    from django.utils.text import capfirst
    from wagtail.models import Site
    from wagtail.sites.views import IndexView

    for column in IndexView.columns:
        if column.label == capfirst(column.name.replace("_", " ")):  # no label given
            column.label = capfirst(Site._meta.get_field(column.name).verbose_name)


_name_site_columns_in_chinese()


def _name_pages_in_the_page_search_count() -> None:
    """The admin's page search (搜索 in 页面) counts its results "共 5 个None": its view gives
    the title column no model name (the explorer gives one). They are pages."""
    from wagtail.admin.ui.tables.pages import PageTitleColumn
    from wagtail.models import Page

    header_context = PageTitleColumn.get_header_context_data

    def get_header_context_data(self, parent_context):
        context = header_context(self, parent_context)
        if not context.get("model_name"):
            context["model_name"] = Page._meta.verbose_name_plural
        return context

    PageTitleColumn.get_header_context_data = get_header_context_data


_name_pages_in_the_page_search_count()


def _label_the_promotions_link_text_in_chinese() -> None:
    """搜索推荐's form labels 外部链接文本 "External link text": Wagtail gives that model field no
    verbose_name, so Django labels it with the field's name, a string no catalogue can
    translate (the form's other labels are Wagtail's gettext strings, translated in locale/).
    Named as the form's own message calls it: 必须同时填写外部链接文本."""
    from wagtail.contrib.search_promotions.forms import SearchPromotionsFormSet

    SearchPromotionsFormSet.form.base_fields["external_link_text"].label = _("外部链接文本")


_label_the_promotions_link_text_in_chinese()


def _sites_within(pages) -> list:
    """The sites whose root page is one of `pages` or below one of them."""
    from django.db.models import Q
    from wagtail.models import Page, Site

    pages = [page for page in pages if isinstance(page, Page)]
    if not pages:
        return []
    within = Q()
    for page in pages:
        within |= Q(root_page__path__startswith=page.path)
    return list(Site.objects.filter(within).order_by("hostname"))


def _refused_because_of(request, sites, back: str):
    from django.contrib import messages
    from django.shortcuts import redirect

    names = "、".join(site.site_name or site.hostname for site in sites)
    messages.error(
        request,
        f"不能删除：所选页面是站点“{names}”的首页（或含有其首页），删除它会连同站点及其站点设置"
        "一并删除。请先在 设置 → 站点 中删除该站点，或把它的根页面改为别的页面。",
    )
    return redirect(back)


@hooks.register("before_delete_page")
def keep_site_roots(request, page):
    """Deleting a school's 首页 deleted its Site (a cascade) and 站点设置, left its 育人号
    without a site, and its hostname then served the national portal: refused, saying why."""
    from django.urls import reverse

    sites = _sites_within([page])
    if sites:
        parent = page.get_parent()
        return _refused_because_of(
            request, sites, reverse("wagtailadmin_explore", args=[parent.pk])
        )
    return None


@hooks.register("before_bulk_action")
def keep_site_roots_in_bulk(request, action_type, objects, action_class_instance):
    if action_type != "delete":
        return None
    sites = _sites_within(objects)
    if sites:
        return _refused_because_of(request, sites, action_class_instance.next_url)
    return None
