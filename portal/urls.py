import posixpath

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path, register_converter
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from articles import api as feed_api
from articles import syndication
from home import sitemaps
from home import views as home_views
from portal import admin_guards
from portal.converters import IdConverter, NameConverter
from search import views as search_views

register_converter(IdConverter, "id")
register_converter(NameConverter, "name")

urlpatterns = [
    path("django-admin/", admin.site.urls),
    # Same path as Wagtail's own bulk-action URL, matched first: hand-typed ids are a 404.
    path(
        "admin/bulk/<str:app_label>/<str:model_name>/<str:action>/",
        admin_guards.bulk_action,
    ),
    # Before Wagtail's own: another site's draft is not opened in the page chooser by its id.
    path("admin/choose-page/<int:parent_page_id>/", admin_guards.choose_page_child),
    path(
        "admin/pages/workflow/preview/<int:page_id>/<int:task_id>/",
        admin_guards.workflow_preview,
    ),
    # Before Wagtail's own: a review step someone else has already taken is said so.
    path(
        "admin/pages/workflow/action/<int:page_id>/<slug:action_name>/<int:task_state_id>/",
        admin_guards.workflow_action,
        {"view": "workflow_action"},
    ),
    path(
        "admin/pages/workflow/collect_action_data/<int:page_id>/<slug:action_name>/"
        "<int:task_state_id>/",
        admin_guards.workflow_action,
        {"view": "collect_workflow_action_data"},
    ),
    # Before Wagtail's own: report filters name only the people of the user's own sites.
    path("admin/reports/site-history/", admin_guards.site_history),
    path("admin/reports/site-history/results/", admin_guards.site_history_results),
    path("admin/reports/workflow/", admin_guards.workflow_report),
    path("admin/reports/workflow/results/", admin_guards.workflow_report_results),
    # Before Wagtail's own: counts and last edited pages of the user's own sites only.
    path("admin/reports/page-types-usage/", admin_guards.page_types_usage),
    path("admin/reports/page-types-usage/results/", admin_guards.page_types_usage_results),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("search/", search_views.search, name="search"),
    path("search/api/", search_views.search_api, name="search_api"),
    path("search/suggest/", search_views.suggest_api, name="search_suggest"),
    path("api/feeds/recommended/", feed_api.recommended, name="feed_recommended"),
    path("api/feeds/hot/", feed_api.hot, name="feed_hot"),
    path("api/feeds/related/<id:article_id>/", feed_api.related, name="feed_related"),
    path("api/feeds/accounts/<name:slug>/", feed_api.account, name="feed_account"),
    path("api/feeds/slots/<id:page_id>/", feed_api.slots, name="feed_slots"),
    # Anything else under the feed API (an id no page can have: abc, 10**20) is a JSON 404,
    # not the HTML page.
    re_path(r"^api/feeds/.*/$", feed_api.not_found),  # (without a slash: redirected first)
    path("feeds/section/<id:section_id>/rss/", syndication.SectionFeed(), name="section_rss"),
    path("feeds/section/<id:section_id>/atom/", syndication.SectionAtomFeed(), name="section_atom"),
    path("feeds/account/<name:slug>/rss/", syndication.AccountFeed(), name="account_rss"),
    path("feeds/account/<name:slug>/atom/", syndication.AccountAtomFeed(), name="account_atom"),
    path("sitemap.xml", sitemaps.index, name="sitemap"),
    path("sitemap-<name:section>.xml", sitemaps.section, name="sitemap_section"),
    path("robots.txt", home_views.robots_txt, name="robots_txt"),
    # Before Wagtail's own: a return_url that is no path on this site leads to the page.
    path(
        "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/",
        home_views.authenticate_with_password,
    ),
]


def media_patterns() -> list:
    """MEDIA_ROOT served by Django, for the embedded set-up, which has no web server in front
    (Django's static() serves nothing without DEBUG, and the demo runs without). Document
    files stay behind Wagtail's /documents/ view and its privacy check, as nginx keeps them."""
    if not (settings.DEBUG or settings.PORTAL_SERVE_MEDIA):
        return []
    prefix = settings.MEDIA_URL.lstrip("/")
    return [re_path(rf"^{prefix}(?P<path>.*)$", serve_media)]


def serve_media(request, path: str):
    from django.http import Http404
    from django.views.static import serve

    # Judged on the path serve() will open: //documents/… and x/../documents/… are documents.
    if posixpath.normpath(path).lstrip("/").split("/")[0] == "documents":
        raise Http404
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns += media_patterns()

# Wagtail serves everything else from the page tree of the request's site.
urlpatterns += [path("", include(wagtail_urls))]

# The 400 page says which limit a form went over (portal.methods.bad_request).
handler400 = "portal.methods.bad_request"
