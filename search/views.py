from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from wagtail.models import Site

from articles.models import ArticlePage

MAX_QUERY_LENGTH = 200


def search(request):
    """Site-scoped article search on the configured Wagtail backend."""
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    site = Site.find_for_request(request)
    results = ArticlePage.objects.none()
    if query and site is not None:
        results = (
            ArticlePage.objects.live()
            .public()
            .descendant_of(site.root_page, inclusive=True)
            .search(query)
        )
    page = Paginator(results, 20).get_page(request.GET.get("page"))
    return TemplateResponse(
        request, "search/search.html", {"search_query": query, "search_results": page}
    )
