"""JSON of the feeds under /api/feeds/: what article, section and home pages show."""

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from wagtail.models import Page, Site

from home.pages import public
from portal.methods import safe_methods_only

from . import feeds
from .models import ArticlePage


def _site(request) -> Site | None:
    return Site.find_for_request(request)


def _error(message: str, status: int = 404) -> JsonResponse:
    return JsonResponse(
        {"error": message}, status=status, json_dumps_params={"ensure_ascii": False}
    )


def _json(body) -> JsonResponse:
    return JsonResponse(body, safe=False, json_dumps_params={"ensure_ascii": False})


@csrf_exempt  # read-only: a POST is a 405, not the CSRF failure page
@safe_methods_only(json=True)
def recommended(request):
    site = _site(request)
    return _json({"results": feeds.recommended(site) if site else []})


@csrf_exempt
@safe_methods_only(json=True)
def hot(request):
    site = _site(request)
    return _json({"results": feeds.hot(site) if site else []})


@csrf_exempt
@safe_methods_only(json=True)
def related(request, article_id: int):
    site = _site(request)
    article = ArticlePage.objects.live().public().filter(pk=article_id).first()
    if site is None or article is None or not article.path.startswith(site.root_page.path):
        return _error("文章不存在或未发布。")
    return _json({"results": feeds.related(article, site)})


@csrf_exempt
@safe_methods_only(json=True)
def account(request, slug: str):
    site = _site(request)
    feed = feeds.account_feed(slug, site) if site else None
    if feed is None:
        return _error("育人号不存在。")
    return _json(feed)


@csrf_exempt
@safe_methods_only(json=True)
def slots(request, page_id: int):
    site = _site(request)
    page = public(Page.objects.live()).filter(pk=page_id).first()
    if site is None or page is None or not page.path.startswith(site.root_page.path):
        return _error("页面不存在或未发布。")
    by_position = feeds.slots_for(page)
    return _json(
        {
            position: [feeds.article_item(a, site) for a in articles]
            for position, articles in by_position.items()
        }
    )


@csrf_exempt
def not_found(request):
    return JsonResponse(
        {"error": "没有这个接口或对象（地址中的编号须为页面编号）"},
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )
