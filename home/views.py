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


def authenticate_with_password(request, page_view_restriction_id: int, page_id: int):
    """Wagtail's view for a password-protected page's form, which redirects to the form's
    return_url: one that is no path on this site (abc) was a 500 (NoReverseMatch), another
    host's went to LOGIN_REDIRECT_URL (/accounts/profile/, a 404 here), an empty one showed
    the form again to a reader who gave the right password. Such a return_url becomes the
    page's own address; an address on this site is kept, as Wagtail keeps it."""
    from urllib.parse import urlsplit

    from django.shortcuts import get_object_or_404
    from django.utils.http import url_has_allowed_host_and_scheme
    from wagtail import views as wagtail_views
    from wagtail.models import Page

    if request.method == "POST":
        return_url = request.POST.get("return_url", "")
        if not (
            (return_url.startswith("/") or urlsplit(return_url).netloc)  # not a view's name
            and url_has_allowed_host_and_scheme(
                return_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            )
        ):
            page = get_object_or_404(Page, id=page_id)
            posted = request.POST.copy()
            posted["return_url"] = page.get_url(request) or "/"
            request.POST = posted
    return wagtail_views.authenticate_with_password(request, page_view_restriction_id, page_id)
