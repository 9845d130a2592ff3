from django.http import HttpResponse

from portal.methods import safe_methods_only


@safe_methods_only(json=False)
def robots_txt(request):
    """robots.txt of the request's site, pointing at its sitemap at the site's own address
    (its Site record, as the sitemap's URLs are), not the one the request came by."""
    from home.sitemaps import site_root_url

    root = site_root_url(request) or request.build_absolute_uri("/").rstrip("/")
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /django-admin/",
        "Disallow: /search/api/",
        f"Sitemap: {root}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
