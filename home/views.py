from django.http import HttpResponse

from portal.methods import safe_methods_only


@safe_methods_only(json=False)
def robots_txt(request):
    """robots.txt of the request's site, pointing at its sitemap."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /django-admin/",
        "Disallow: /search/api/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
