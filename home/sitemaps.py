"""sitemap.xml: an index of numbered sitemap pages, per site.

One sitemap of every page stops at 50,000 URLs (the protocol's limit): Django cut the rest and
nothing pointed crawlers to them. The index lists a page for each `limit` URLs.
"""

from __future__ import annotations

import dataclasses
import functools

from django.db.models import Max
from django.views.decorators.cache import cache_page
from wagtail.contrib.sitemaps import views as wagtail_views
from wagtail.contrib.sitemaps.sitemap_generator import Sitemap
from wagtail.models import Site

from home.pages import public

# Built from the page tree on every request (13,000 pages: 2 s), so kept a few minutes; the
# cache key holds the host, so each site has its own.
CACHE_SECONDS = 600


def cached(view):
    """Django's cache_page, under the feeds' generation: a page leaving the public
    (unpublished, its 栏目 taken offline) leaves the sitemap at once, as it leaves the feeds;
    crawlers were sent to its 404 for up to ten minutes. New pages wait for the ten minutes."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        from articles.feeds import generation

        keyed = cache_page(CACHE_SECONDS, key_prefix=f"sitemap:{generation()}")(view)
        return keyed(request, *args, **kwargs)

    return wrapped


class PortalSitemap(Sitemap):
    limit = 10_000  # URLs a sitemap page (about 1.2 MB and 1.5 s to build)

    def items(self):
        # Wagtail's, with the portal's public(): nothing below a 栏目 taken offline, whose
        # pages are a 404 (Wagtail's .public() knows view restrictions only).
        pages = self.get_wagtail_site().root_page.get_descendants(inclusive=True).live()
        return public(pages).order_by("path").defer_streamfields().specific()

    def get_latest_lastmod(self):
        # Django's reads every page for this (for the index's <lastmod>).
        return self.items().aggregate(latest=Max("last_published_at"))["latest"]


SITEMAPS = {"pages": PortalSitemap}


@cached
def index(request):
    """The index of the site's sitemap pages, at the site's own address (设置 → 站点), as the
    pages list their URLs: Django wrote the address the request came by, so at
    http://127.0.0.1:8000/sitemap.xml it pointed to pages there listing http://localhost/…,
    another host (a sitemap may list only URLs of its own host)."""
    response = wagtail_views.index(request, SITEMAPS, sitemap_url_name="sitemap_section")
    root = site_root_url(request)
    here = f"{request.scheme}://{request.get_host()}"
    if root and root != here:
        response.context_data["sitemaps"] = [
            dataclasses.replace(item, location=root + item.location.removeprefix(here))
            for item in response.context_data["sitemaps"]
        ]
    return response


def site_root_url(request) -> str | None:
    """The request's site's address (http://school.test, https://x.edu.cn:8443), from its
    Site record; None for a request no site answers."""
    site = Site.find_for_request(request)
    return site.root_url if site is not None else None


@cached
def section(request, section: str):
    return wagtail_views.sitemap(request, SITEMAPS, section=section)
