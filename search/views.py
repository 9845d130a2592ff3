import re

from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.utils.timezone import localtime
from django.views.decorators.http import require_GET
from wagtail.models import Site

from .query_parser import clean_query
from .querylog import finds_articles, hot_searches, promotions_for, query_log
from .services import SearchInputError, SearchParams, parse_params, search_articles
from .suggest import pinyin_forms, suggest
from .text import normalize

MAX_SUGGEST_QUERY = 40

JSON_OPTIONS = {"ensure_ascii": False}


@require_GET
def search(request):
    """The reader's search page: this site by default, the whole portal on request."""
    site = Site.find_for_request(request)
    params, outcome, error = SearchParams(q=request.GET.get("q", "")[:200]), None, ""
    try:
        params = parse_params(request.GET)
        outcome = search_articles(params, site)
    except SearchInputError as exc:
        error = str(exc)
    if outcome and outcome.terms:
        query_log.record(params.q, site)
    did_you_mean = []
    if outcome and outcome.terms and not outcome.total:
        did_you_mean = did_you_mean_for(params.q, site)
    return TemplateResponse(
        request,
        "search/search.html",
        {
            "search_query": params.q,
            "params": params,
            "outcome": outcome,
            "error": error,
            "promotions": (
                promotions_for(params.q, outcome.within) if outcome and outcome.terms else []
            ),
            "hot_searches": hot_searches(site),
            "did_you_mean": did_you_mean,
        },
    )


DID_YOU_MEAN = 3
DID_YOU_MEAN_CHECKS = 8
HAN_WORD = re.compile(r"[\u3400-\u9fff]{2,8}")


def did_you_mean_for(query: str, site: Site | None) -> list[str]:
    """您是不是要找: for a query that found nothing, the site's words its pinyin or its start
    spells (dangjian, djyl → 党建引领; 党建引 → 党建引领) and, for a Chinese word, those
    sounding the same (党见 → 党建: the wrong candidate picked in a pinyin input method);
    only words that find an article."""
    text = clean_query(query)[:MAX_SUGGEST_QUERY]
    candidates = []
    word = normalize(text).replace(" ", "")
    if HAN_WORD.fullmatch(word):
        _, spelled = pinyin_forms(word)
        sounding = suggest(spelled, site, limit=50)
        candidates += [c for c in sounding if len(c) == len(word) and c != word]
    candidates += suggest(text, site)
    found = []
    # Each check is a search (remembered an hour): a few, on a page that found nothing.
    for candidate in list(dict.fromkeys(candidates))[:DID_YOU_MEAN_CHECKS]:
        if finds_articles(candidate, site):
            found.append(candidate)
            if len(found) == DID_YOU_MEAN:
                break
    return found


@require_GET
def search_api(request):
    """GET /search/api/?q=&page=&size=&site=&section=&account=&from=&to=&sort="""
    try:
        outcome = search_articles(parse_params(request.GET), Site.find_for_request(request))
    except SearchInputError as exc:
        return JsonResponse({"error": str(exc)}, status=400, json_dumps_params=JSON_OPTIONS)
    results = [
        {
            "external_id": hit.page.external_id,
            "title": hit.page.title,
            "url": hit.page.get_full_url(request),
            "highlight": hit.highlight,
            "published_at": (
                localtime(hit.page.published_time).isoformat() if hit.page.published_time else None
            ),
            "section": hit.section.title if hit.section else None,
            "site": hit.site.hostname if hit.site else None,
            "account": hit.page.account.name if hit.page.account else None,
        }
        for hit in outcome.hits
    ]
    body = {
        "total": outcome.total,
        "exact_total": outcome.exact_total,
        "took_ms": outcome.took_ms,
        "results": results,
    }
    if outcome.notice or outcome.warning:
        body["notice"] = outcome.notice or outcome.warning
    return JsonResponse(body, json_dumps_params=JSON_OPTIONS)


@require_GET
def suggest_api(request):
    """GET /search/suggest/?q=djyl → {"suggestions": ["党建引领", …]}"""
    query = clean_query(request.GET.get("q", ""))[:MAX_SUGGEST_QUERY]
    suggestions = suggest(query, Site.find_for_request(request)) if query else []
    return JsonResponse({"suggestions": suggestions}, json_dumps_params=JSON_OPTIONS)
