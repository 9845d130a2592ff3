"""Which pages readers may see: not under a view restriction, nor below a 栏目 taken offline.

Wagtail's `.public()` reads the restrictions joined to their pages. SQLite plans that join
as a scan of every page while the restrictions table is empty (an empty table has no planner
statistics, and ANALYZE writes none for it): about 5 ms a call on the benchmark's 13,032
pages, and the home page made two such calls per 栏目. Here the restricted pages are read by
id, which both databases answer from their indexes.

Wagtail serves a live page below a page that is not live, and lists it wherever a queryset
asks for live pages: a 栏目 taken offline (取消发布 without its subpages, the dialog's
default) left its articles served and listed everywhere. Readers see nothing below it: the
栏目 taken offline are read with the restricted pages, in the same query (by their content
type's index: a few rows), and what lies below them is excluded as below the restricted
pages; articles.models.SectionPage.route answers 404 for it.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from wagtail.models import Page, PageQuerySet, PageViewRestriction, Site


def hiding_pages_query():
    """Pages readers see nothing of, themselves included: those under a view restriction
    and the 栏目 taken offline. One query; the content type is cached by Django. An empty
    栏目 not published yet hides nothing (and would cost every listing a condition).

    Unordered: in Wagtail's tree order (Page's default) SQLite read every page along the
    path index to sort a handful of rows, 6.6 ms a call on the benchmark's 13,032 pages (every
    search, listing and page); without it, it reads both parts by index, 0.4 ms."""
    section = ContentType.objects.get_for_model(apps.get_model("articles", "SectionPage"))
    return (
        Page.objects.filter(
            Q(id__in=PageViewRestriction.objects.values("page_id"))
            | Q(content_type=section, live=False, numchild__gt=0)
        )
        .only("path", "depth")
        .order_by()
    )


def _hiding_pages() -> list[Page]:
    return list(hiding_pages_query())


def hidden_q(pages: PageQuerySet) -> Q:
    """Pages readers may not see, live as they may be: those under a view restriction (as
    Wagtail's private_q) and those below a 栏目 taken offline (the 栏目 included)."""
    hidden = Q()
    for page in _hiding_pages():
        hidden |= pages.descendant_of_q(page, inclusive=True)
    return hidden if hidden else Q(pk__in=[])


def public(pages: PageQuerySet) -> PageQuerySet:
    """`pages.public()` for any page queryset (Wagtail's Page, 栏目, articles), also leaving
    out what lies below a 栏目 taken offline: what readers may see of `pages.live()`."""
    return pages.exclude(hidden_q(pages))  # excluding pk__in=[] adds no condition


class PublicPageQuerySet(PageQuerySet):
    """A page queryset whose `.public()` is `public()` above."""

    def private_q(self) -> Q:
        return hidden_q(self)


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
