"""Guards in front of Wagtail admin views that trust their query string.

Wagtail's bulk actions (delete, publish, move, our 评论审核 …) pass `?id=` and `?childOf=`
straight to the database: a hand-typed `?id=abc` is a ValueError and an id past 2^63 an
OverflowError on SQLite — a 500 either way. Such ids name no object, so they get the admin's
404 page instead. Listing checkboxes only ever send real ids, so editors never see a change.

They also keep a university's editor to their own sites where Wagtail shows what it is given
(articles.site_scope): bulk actions' ids and 全选, the review preview, the page chooser, the
snippet choosers, and the 站点历史 / 工作流 reports' filters (routed here before Wagtail's admin
URLs, so guarded as Wagtail guards its own). A review step already taken is said so.
"""

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.views.decorators.cache import never_cache
from django.views.defaults import page_not_found
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.bulk_action import index as wagtail_bulk_action
from wagtail.models import Page
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry
from wagtail.snippets.views import chooser as snippet_chooser

from portal.converters import is_id


@never_cache
@require_admin_access
def bulk_action(request, app_label, model_name, action):
    try:
        return _bulk_action(request, app_label, model_name, action)
    except Http404:
        return page_not_found(request, "", template_name="wagtailadmin/404.html")


def _bulk_action(request, app_label, model_name, action):
    ids = request.GET.getlist("id")
    if any(i != "all" and not is_id(i) for i in ids):
        raise Http404
    parent = request.GET.get("childOf")
    if parent is not None and "all" in ids:
        if not is_id(parent):
            raise Http404
        if (app_label, model_name) == ("wagtailcore", "page") and not Page.objects.filter(
            pk=int(parent)
        ).exists():
            raise Http404  # Wagtail would `get()` the missing parent page (DoesNotExist: 500)
    from articles.site_scope import may_select_all, visible_ids

    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        raise Http404 from None
    # Wagtail lists every object given, those the user may not act on by their titles
    # (another site's draft, another site's held comments): only the user's own go through.
    if "all" in ids and not may_select_all(request.user, model, int(parent) if parent else None):
        raise Http404
    explicit = [int(i) for i in ids if i != "all"]
    if explicit:
        kept = visible_ids(request.user, model, explicit)
        if not kept:
            raise Http404
        query = request.GET.copy()
        query.setlist("id", [str(pk) for pk in kept] + (["all"] if "all" in ids else []))
        request.GET = query
    return wagtail_bulk_action(request, app_label, model_name, action)


@never_cache
@require_admin_access
def workflow_preview(request, page_id: int, task_id: int):
    """A page's revision in a review task: Wagtail's message named another site's page
    ("页面 '…' 目前不在任务 '…' 中等待审核") to someone who may not see it."""
    from wagtail.admin.viewsets.pages import page_viewset_registry

    from articles.site_scope import may_work_on

    page = Page.objects.filter(pk=page_id).first()
    if page is not None and not may_work_on(request.user, page):
        return page_not_found(request, "", template_name="wagtailadmin/404.html")
    view = page_viewset_registry.as_view("workflow_preview", page_id_kwarg="page_id")
    return view(request, page_id=page_id, task_id=task_id)


@never_cache
@require_admin_access
def workflow_action(request, page_id: int, action_name: str, task_state_id: int, view: str):
    """A review action (批准 / 请求修改, with or without a comment) on a task that is no longer
    waiting: a second reviewer of the same stage, the page open since before the first one
    acted, got Wagtail's 403 "没有权限". They are told who did what when, and sent back to the
    page (the modal's JSON for the dialog's requests, as Wagtail answers them)."""
    from django.contrib import messages
    from django.http import JsonResponse
    from django.shortcuts import redirect
    from django.urls import reverse
    from django.utils import timezone
    from wagtail.admin.utils import get_valid_next_url_from_request
    from wagtail.admin.viewsets.pages import page_viewset_registry
    from wagtail.models import TaskState

    from articles.site_scope import may_work_on
    from articles.workflow import display_name

    page = Page.objects.filter(pk=page_id).first()
    if page is not None and not may_work_on(request.user, page):
        return page_not_found(request, "", template_name="wagtailadmin/404.html")
    state = (
        TaskState.objects.filter(pk=task_state_id, revision__object_id=str(page_id))
        .select_related("task", "finished_by")
        .first()
    )
    if state is None or state.status == TaskState.STATUS_IN_PROGRESS:
        handler = page_viewset_registry.as_view(view, page_id_kwarg="page_id")
        return handler(
            request, page_id=page_id, action_name=action_name, task_state_id=task_state_id
        )
    when = (
        "于 " + timezone.localtime(state.finished_at).strftime("%Y-%m-%d %H:%M:%S") + " "
        if state.finished_at
        else ""
    )
    who = display_name(state.finished_by) or "系统"
    outcome = state.get_status_display()  # 已批准, 已拒绝 …, as the admin's review pages say
    messages.warning(
        request, f"审核步骤“{state.task.name}”已由{who}{when}处理（{outcome}），无需再操作。"
    )
    target = get_valid_next_url_from_request(request) or reverse(
        "wagtailadmin_pages:edit", args=[page_id]
    )
    if request.headers.get("x-requested-with") == "XMLHttpRequest":
        return JsonResponse({"step": "success", "redirect": target})
    return redirect(target)


@never_cache
@require_admin_access
def choose_page_child(request, parent_page_id: int):
    """The page chooser opened at a page (/admin/choose-page/<id>/): a university's editor
    may open their own sites, the pages above them, and other sites' pages the chooser lists
    to them; another site's draft or private page was opened by its id, its draft title shown."""
    from wagtail.admin.views.chooser import BrowseView

    from articles.site_scope import may_open_in_chooser

    parent = Page.objects.filter(pk=parent_page_id).first()
    if parent is not None and not may_open_in_chooser(request.user, parent):
        return page_not_found(request, "", template_name="wagtailadmin/404.html")
    return BrowseView.as_view()(request, parent_page_id=parent_page_id)


def _admin_view(view):
    """A view routed before Wagtail's admin URLs, guarded as Wagtail guards its own."""
    return never_cache(require_admin_access(view))


def _report(name: str, results_only: bool):
    def view(request, *args, **kwargs):
        from articles import admin_views

        report = getattr(admin_views, name).as_view(results_only=results_only)
        return report(request, *args, **kwargs)

    return _admin_view(view)


# 站点历史 and 工作流 reports whose filters name only the people of the user's own sites.
site_history = _report("SiteHistoryView", results_only=False)
site_history_results = _report("SiteHistoryView", results_only=True)
workflow_report = _report("WorkflowReportView", results_only=False)
workflow_report_results = _report("WorkflowReportView", results_only=True)
# 页面类型使用情况 over the user's own pages.
page_types_usage = _report("PageTypesUsageView", results_only=False)
page_types_usage_results = _report("PageTypesUsageView", results_only=True)


class PermittedObjects:
    """A snippet chooser's objects: those the user may view, change or delete (the model's
    permission policy's: a university's editor, their own sites' objects). Wagtail's snippet
    chooser (/admin/snippets/choose/…) lists, searches and returns every object of the model
    to anyone with admin access, whatever their permissions: another site's held comments,
    推荐位 naming unpublished titles, the 敏感词 list. A view mixin; `permitted` is the rule."""

    def permitted(self, objects):
        policy = policy_registry.get_by_type(self.model_class) or ModelPermissionPolicy(
            self.model_class
        )
        allowed = policy.instances_user_has_any_permission_for(
            self.request.user, ["change", "delete", "view"]
        )
        return objects.filter(pk__in=allowed.values("pk"))


class _PermittedList(PermittedObjects):
    def get_object_list(self):
        return self.permitted(super().get_object_list())


class _PermittedChosen(PermittedObjects):
    def get_object(self, pk):
        if not is_id(str(pk)):  # a hand-typed id: nothing, not a ValueError's 500
            raise ObjectDoesNotExist
        return self.permitted(self.model_class.objects.all()).get(pk=pk)


class _PermittedChosenMultiple(PermittedObjects):
    def get_objects(self, pks):
        return self.permitted(super().get_objects([pk for pk in pks if is_id(pk)]))


def permitted_chooser(rule: type = PermittedObjects) -> type:
    """A snippet chooser viewset (SnippetViewSet.chooser_viewset_class) whose views offer and
    return only the objects `rule` (a PermittedObjects) permits."""

    def view(base, mixin):
        return type(f"Permitted{base.__name__}", (mixin, rule, base), {})

    return type(
        f"Permitted{rule.__name__}ChooserViewSet",
        (snippet_chooser.SnippetChooserViewSet,),
        {
            "choose_view_class": view(snippet_chooser.ChooseView, _PermittedList),
            "choose_results_view_class": view(snippet_chooser.ChooseResultsView, _PermittedList),
            "chosen_view_class": view(snippet_chooser.SnippetChosenView, _PermittedChosen),
            "chosen_multiple_view_class": view(
                snippet_chooser.SnippetChosenMultipleView, _PermittedChosenMultiple
            ),
        },
    )


PermittedChooserViewSet = permitted_chooser()
