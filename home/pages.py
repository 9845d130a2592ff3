"""Which pages readers may see: Wagtail's view restrictions, read without its slow join.

Wagtail's `.public()` reads the restrictions joined to their pages. SQLite plans that join
as a scan of every page while the restrictions table is empty (an empty table has no planner
statistics, and ANALYZE writes none for it): about 5 ms a call on the benchmark's 13,032
pages, and the home page made two such calls per 栏目. Here the restricted pages are read by
id, which both databases answer from their indexes.
"""

from __future__ import annotations

from django.db.models import Q
from wagtail.models import Page, PageQuerySet, PageViewRestriction, Site


def private_q(pages: PageQuerySet) -> Q:
    """Pages under a view restriction (the restricted page included); Wagtail's private_q."""
    restricted = Page.objects.filter(id__in=PageViewRestriction.objects.values("page_id")).only(
        "path", "depth"
    )
    private = Q()
    for page in restricted:
        private |= pages.descendant_of_q(page, inclusive=True)
    return private if private else Q(pk__in=[])


def public(pages: PageQuerySet) -> PageQuerySet:
    """`pages.public()` for any page queryset (Wagtail's Page, 栏目, articles)."""
    return pages.exclude(private_q(pages))  # excluding pk__in=[] adds no condition


class PublicPageQuerySet(PageQuerySet):
    """A page queryset whose `.public()` is `public()` above."""

    def private_q(self) -> Q:
        return private_q(self)


def site_root_of(page: Page, site_roots=None):
    """The root (Wagtail's SiteRootPath: root_path, root_url …) of the site a page is on: the
    deepest site root above it, or None. `site_roots`: Site.get_site_root_paths(), cached by
    Wagtail (no query); pass it in when asking for many pages."""
    roots = [
        root
        for root in (site_roots if site_roots is not None else Site.get_site_root_paths())
        if page.url_path.startswith(root.root_path)
    ]
    return max(roots, key=lambda root: len(root.root_path), default=None)
