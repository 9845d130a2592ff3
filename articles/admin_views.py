"""定时发布: the operators' view of every upcoming publication and expiry across sites."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.admin.views.reports import audit_logging, page_types_usage, workflows
from wagtail.models import Page, Revision, Site

from home.pages import site_root_of
from portal.validators import MAX_UTC_OFFSET

from . import scheduling

# How far ahead a publication or expiry may be scheduled, in years (a year 9999 time with a
# negative UTC offset cannot even be stored).
MAX_YEARS_AHEAD = 10


def _years_ahead(now: datetime, years: int) -> datetime:
    """The same moment `years` calendar years on (29 February → 28 February). 10 × 366 days
    let a week past ten years through, as the message says 十年."""
    try:
        return now.replace(year=now.year + years)
    except ValueError:
        return now.replace(year=now.year + years, day=28)


def _parse_local(value: str) -> datetime:
    """A datetime-local value ("2026-11-24T18:30", Beijing time) → an aware datetime."""
    try:
        when = datetime.fromisoformat((value or "").strip())
    except ValueError:
        raise scheduling.ScheduleError(
            "时间格式不正确，请按 2026-11-24 18:30 的格式填写。"
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
    elif abs(when.utcoffset()) > MAX_UTC_OFFSET:  # as the importer refuses them: a typo
        raise scheduling.ScheduleError(
            "时区偏移超出 ±14:00，请检查后重新填写（不写偏移即为北京时间）。"
        )
    if when > _years_ahead(timezone.localtime(), MAX_YEARS_AHEAD):
        raise scheduling.ScheduleError("定时时间不能晚于十年之后。")
    # In UTC: PostgreSQL refuses offsets past ±15:59 (-23:59 was a 500).
    try:
        return when.astimezone(UTC)
    except OverflowError:  # e.g. 0001-01-01T00:00+14:00 is before year 1 in UTC
        raise scheduling.ScheduleError("时间超出范围，请检查后重新填写。") from None


SCHEDULE_PAGE_SIZE = 100
OVERDUE_AFTER = timedelta(minutes=1)


def schedule_index(request):
    """Upcoming publications and expiries of the pages the user may edit: an embargoed title
    is not shown to another site's editors."""
    sites = Site.objects.in_bulk()
    roots = Site.get_site_root_paths()
    try:
        number = max(1, int(request.GET.get("p", "1")))
    except ValueError:
        number = 1
    number = min(number, 10_000)
    items, total = scheduling.upcoming(request.user, number * SCHEDULE_PAGE_SIZE)
    pages = max(1, -(-total // SCHEDULE_PAGE_SIZE))
    if number > pages:
        number = pages
        items, total = scheduling.upcoming(request.user, number * SCHEDULE_PAGE_SIZE)
    items = items[(number - 1) * SCHEDULE_PAGE_SIZE :]
    # Past its time and not done: the worker or beat is not running (the sweep runs every
    # 10 s and publishes anything overdue), which nothing else would show an operator.
    now = timezone.now()
    late = now - OVERDUE_AFTER
    # Why an item's last try failed (its slug taken meanwhile …): the sweep tries it again
    # every 10 s, but only an editor can put it right.
    failures = {
        "publish": scheduling.failures(
            "publish", [i["revision"].pk for i in items if i["kind"] == "publish"]
        ),
        "expire": scheduling.failures(
            "expire", [i["page"].pk for i in items if i["kind"] == "expire"]
        ),
    }
    for item in items:
        root = site_root_of(item["page"], roots)
        item["site"] = sites.get(root.site_id) if root else None
        key = item["revision"].pk if item["kind"] == "publish" else item["page"].pk
        # Only while it is due: rescheduled since, it has not failed at its new time.
        item["failure"] = failures[item["kind"]].get(key) if item["at"] <= now else None
        item["overdue"] = item["at"] < late and not item["failure"]
    title = _("定时发布")
    return TemplateResponse(
        request,
        "articles/admin/schedule.html",
        # Beijing time, whatever an editor's profile holds: the form's values are read so.
        {
            "page_title": title,  # the heading
            "header_title": title,  # the browser tab's (wagtailadmin/generic/base.html)
            "header_icon": "time",
            "items": items,
            "total": total,
            "overdue": sum(item["overdue"] for item in items),
            "failed": sum(bool(item["failure"]) for item in items),
            "number": number,
            "pages": pages,
            "time_zone": settings.TIME_ZONE,
        },
    )


def _page_for(request, kind: str, object_id: int) -> Page | None:
    if kind == "publish":
        revision = Revision.page_revisions.filter(pk=object_id).first()
        page = revision.content_object if revision else None
    else:
        page = Page.objects.filter(pk=object_id).first()
    if page is None:
        messages.error(request, "该定时任务已不存在（可能已经执行或被取消）。")
        return None
    permissions = page.permissions_for_user(request.user)
    if not permissions.can_publish():
        # The title only to whoever may see the page: another site's embargoed title is not
        # read out to someone trying ids.
        shown = f"“{page.title}”" if permissions.can_edit() else "该页面"
        messages.error(request, f"你没有发布{shown}的权限。")
        return None
    return page


@require_POST
def schedule_change(request, kind: str, object_id: int):
    """Reschedule (field `when`) or cancel (`cancel`) one publication or expiry."""
    if kind not in ("publish", "expire"):
        raise Http404
    page = _page_for(request, kind, object_id)
    if page is None:
        return redirect("portal_schedule")
    try:
        if "cancel" in request.POST:
            if kind == "publish":
                scheduling.cancel_publish(object_id)
            else:
                scheduling.reschedule_expiry(object_id, None)
            messages.success(request, f"已取消“{page.title}”的定时{_label(kind)}。")
        else:
            when = _parse_local(request.POST.get("when", ""))
            if kind == "publish":
                scheduling.reschedule_publish(object_id, when, user=request.user)
            else:
                scheduling.reschedule_expiry(object_id, when)
            shown = when.astimezone(ZoneInfo(settings.TIME_ZONE)).strftime("%Y-%m-%d %H:%M:%S")
            messages.success(request, f"“{page.title}”将于 {shown} {_label(kind)}。")
    except scheduling.ScheduleError as error:
        messages.error(request, f"“{page.title}”：{error}")
    return redirect("portal_schedule")


def _label(kind: str) -> str:
    return "发布" if kind == "publish" else "下线"


# --- Reports: filters that name only the people of the user's sites ------------------------
# Wagtail 8 fills 站点历史's 用户 filter with everyone who has a page log entry (the report's
# own get_user_choices, which went through what the user may see, is no longer called), and
# 工作流's 请求人 filter with everyone who ever started a review: a university's editor saw
# the national site's editors by name. Routed before Wagtail's own (portal/urls.py).


class _SiteHistoryFilterSet(audit_logging.SiteHistoryReportFilterSet):
    def get_users_queryset(self):
        return audit_logging.get_users_for_filter(self.request.user)


class SiteHistoryView(audit_logging.LogEntriesView):
    filterset_class = _SiteHistoryFilterSet


class _WorkflowFilterSet(workflows.WorkflowReportFilterSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Those who started the reviews the report lists to this user (its queryset).
        requesters = self.queryset.values("requested_by")
        self.filters["requested_by"].queryset = lambda request: workflows.get_requested_by_queryset(
            request
        ).filter(pk__in=requesters)


class WorkflowReportView(workflows.WorkflowView):
    filterset_class = _WorkflowFilterSet

    def get_filterset_kwargs(self):
        # Wagtail builds the filters on every review (the model's); these, on the report's.
        return {**super().get_filterset_kwargs(), "queryset": self.get_queryset()}


class PageTypesUsageView(page_types_usage.PageTypesUsageReportView):
    """页面类型使用情况 over the pages the user may work on. Wagtail counts every site's pages
    and names the last edited page of each type wherever it is: a university's editor read
    another site's draft title there (its 站点 filter only narrows, never restricts)."""

    def get_queryset(self):
        queryset = super().get_queryset()
        user = self.request.user
        if user.is_superuser:
            return queryset
        pages = self.permission_policy.instances_user_has_any_permission_for(
            user, self.any_permission_required
        ).filter(depth__gt=1)
        chosen = self.filters.form.cleaned_data
        if chosen.get("page_locale"):
            pages = pages.filter(locale__language_code=chosen["page_locale"])
        if chosen.get("site"):
            pages = pages.filter(path__startswith=chosen["site"])
        of_type = pages.filter(content_type=OuterRef("pk"))
        counted = of_type.order_by().values("content_type").annotate(n=Count("pk")).values("n")
        latest = of_type.order_by(
            F("latest_revision_created_at").desc(nulls_last=True), "title", "-pk"
        )
        # Wagtail's two annotations, replaced by the same over the permitted pages.
        return queryset.annotate(
            count=Coalesce(Subquery(counted), 0),
            last_edited_page_id=Subquery(latest.values("pk")[:1]),
        ).order_by("-count", "app_label", "model")
