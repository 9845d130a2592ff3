from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.utils.timezone import localtime
from django.views.decorators.csrf import csrf_exempt
from wagtail.models import Site

from portal.client_ip import client_key
from portal.methods import safe_methods_only

from .query_parser import clean_query
from .querylog import hot_searches, promotions_for, query_log
from .services import (
    SearchInputError,
    for_readers,
    form_params,
    named_site,
    parse_params,
    search_articles,
    section_choices,
)
from .suggest import MAX_SUGGEST_QUERY, did_you_mean_for, suggest

JSON_OPTIONS = {"ensure_ascii": False}


@safe_methods_only(json=False)
def search(request):
    """The reader's search page: this site by default, the whole portal on request."""
    site = Site.find_for_request(request)
    outcome, error = None, ""
    try:
        params = parse_params(request.GET)
    except SearchInputError as exc:
        params, error = form_params(request.GET), for_readers(str(exc))
    else:
        try:
            outcome = search_articles(params, site)
        except SearchInputError as exc:
            error = for_readers(str(exc))
    if outcome and outcome.terms and request.method == "GET":  # not a HEAD probe
        query_log.record(params.q, site, reader=client_key(request))
    did_you_mean = []
    if outcome and outcome.terms and not outcome.total:
        did_you_mean = did_you_mean_for(params.q[:MAX_SUGGEST_QUERY], site)
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
            "section_groups": section_choices(params, site),
            "named_site": named_site(params),
        },
    )


def _absolute_url(page, request) -> str | None:
    """On the request's own site, the address as the client reached it (scheme, host and
    port: http://127.0.0.1:8000/… for the run command's server, where the Site record says
    port 80); another site's page, from that Site record."""
    url = page.get_url(request)
    return request.build_absolute_uri(url) if url and url.startswith("/") else url


@csrf_exempt  # a POST is a 405 for API clients, not the CSRF failure page
@safe_methods_only(json=True)
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
            "url": _absolute_url(hit.page, request),
            # Where the text does not hold the words, the title does (or a byline, a tag):
            # the words are shown where they are, as the search page shows them in its title.
            "highlight": hit.highlight
            if "<mark>" in hit.highlight or "<mark>" not in hit.title
            else hit.title,
            "published_at": (
                localtime(hit.page.published_time).isoformat() if hit.page.published_time else None
            ),
            "section": hit.section.title if hit.section else None,
            "site": hit.site,
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


@csrf_exempt
@safe_methods_only(json=True)
def suggest_api(request):
    """GET /search/suggest/?q=djyl → {"suggestions": ["党建引领", …]}"""
    query = clean_query(request.GET.get("q", ""))[:MAX_SUGGEST_QUERY]
    suggestions = suggest(query, Site.find_for_request(request)) if query else []
    return JsonResponse({"suggestions": suggestions}, json_dumps_params=JSON_OPTIONS)
