"""Guards in front of Wagtail admin views that trust their query string.

Wagtail's bulk actions (delete, publish, move, our 评论审核 …) pass `?id=` and `?childOf=`
straight to the database: a hand-typed `?id=abc` is a ValueError and an id past 2^63 an
OverflowError on SQLite — a 500 either way. Such ids name no object, so they get the admin's
404 page instead. Listing checkboxes only ever send real ids, so editors never see a change.
"""

import re

from django.http import Http404
from django.views.decorators.cache import never_cache
from django.views.defaults import page_not_found
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.bulk_action import index as wagtail_bulk_action
from wagtail.models import Page

from portal.converters import MAX_ID

_ID = re.compile(r"[0-9]{1,10}")


def _is_id(value: str) -> bool:
    return bool(_ID.fullmatch(value)) and int(value) <= MAX_ID


@never_cache
@require_admin_access
def bulk_action(request, app_label, model_name, action):
    try:
        return _bulk_action(request, app_label, model_name, action)
    except Http404:
        return page_not_found(request, "", template_name="wagtailadmin/404.html")


def _bulk_action(request, app_label, model_name, action):
    ids = request.GET.getlist("id")
    if any(i != "all" and not _is_id(i) for i in ids):
        raise Http404
    parent = request.GET.get("childOf")
    if parent is not None and "all" in ids:
        if not _is_id(parent):
            raise Http404
        if (app_label, model_name) == ("wagtailcore", "page") and not Page.objects.filter(
            pk=int(parent)
        ).exists():
            raise Http404  # Wagtail would `get()` the missing parent page (DoesNotExist: 500)
    return wagtail_bulk_action(request, app_label, model_name, action)


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
