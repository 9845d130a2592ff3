"""Which site a request is for, without a database query per request.

Wagtail's `Site.find_for_request` runs one query per request (sites by hostname, with the root
page): 3.3 ms here, most of it building the query and the page object, on every page of the
portal (a search API request takes 25-30 ms on OpenSearch). Wagtail keeps the
answer on the request (`request._wagtail_site`, its documented place); `SiteMiddleware` puts it
there from this process's table, which holds Wagtail's own answer for each hostname and port
seen.

The table is kept while the sites are as they were: a change (a Site saved or deleted, a site's
root page saved, moved or deleted) writes a new generation into the shared cache once
committed, and each process compares it with its table's before use, so every process of the
portal (Redis in production; the file cache of the embedded set-up) sees the change on its
next request (and every process reads its sites anew each minute, should a generation have
been lost). A table is filled only outside a transaction: what a transaction reads may yet
be rolled back. Without the cache (Redis unreachable) every request asks the database, as
Wagtail does. Wagtail tried such a cache itself (wagtail/wagtail#4142) and did not merge it.
"""

from __future__ import annotations

import copy
import threading
import time
import uuid

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http.request import split_domain_port
from wagtail.models import Page, Site
from wagtail.models.sites import get_site_for_hostname
from wagtail.signals import post_page_move

GENERATION_KEY = "portal:sites:generation"
# Hostnames a table holds at most (a Host header is the client's to choose; past
# ALLOWED_HOSTS Django refuses the request, but a development set-up allows any).
MAX_HOSTS = 256
ROOTS_RECHECK_SECONDS = 1.0
# A table is read anew after this long whatever the generation says: a new generation the
# cache failed to take (Redis unreachable as a site changed) leaves processes behind a
# minute at most. One site query a hostname a minute.
TABLE_MAX_AGE_SECONDS = 60.0


class _Table:
    def __init__(self, generation: str):
        self.generation = generation
        self.made_at = time.monotonic()
        self.checked_at = time.monotonic()  # when the generation was last compared
        self.sites: dict[tuple[str, int], Site | None] = {}
        self.root_page_ids: set[int] | None = None


_table: _Table | None = None
_UNKNOWN = object()
_lock = threading.Lock()


def _generation() -> str | None:
    """The sites' current generation in the shared cache (a first one is written if there is
    none), or None when the cache cannot say."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def _current_table(in_transaction: bool = False) -> _Table | None:
    """This process's table if it holds the current generation (a new, empty one if not), or
    None without the cache, or in a transaction unless `in_transaction`."""
    global _table
    if connection.in_atomic_block and not in_transaction:
        return None
    generation = _generation()
    if generation is None:
        return None
    with _lock:
        if (
            _table is None
            or _table.generation != generation
            or time.monotonic() - _table.made_at > TABLE_MAX_AGE_SECONDS
        ):
            _table = _Table(generation)
        _table.checked_at = time.monotonic()
        return _table


def site_for_hostname(hostname: str, port: int) -> Site | None:
    """Wagtail's site for this hostname and port (its rules: hostname and port, the hostname
    of the default site, the default site), from this process's table when it can."""
    table = _current_table()
    key = (hostname, port)
    if table is not None:
        known = table.sites.get(key, _UNKNOWN)  # one read: another thread may clear them
        if known is not _UNKNOWN:
            return _own_copy(known)
    try:
        site = get_site_for_hostname(hostname, port)
    except Site.DoesNotExist:
        site = None
    if table is not None:
        with _lock:
            if len(table.sites) >= MAX_HOSTS:
                table.sites.clear()
            table.sites[key] = site
    return _own_copy(site)


def _own_copy(site: Site | None) -> Site | None:
    """A copy of the table's site and root page for one request (34 µs), as Wagtail gives
    each request objects of its own: what a request caches on them (the root page's
    `specific`, the page served for "/") or sets on them stays in that request and thread."""
    if site is None:
        return None
    own = copy.copy(site)
    root = site._state.fields_cache.get("root_page")
    if root is not None:
        own.root_page = copy.copy(root)
    return own


def sites_changed() -> None:
    """Every process reads the sites anew, once the current transaction (if any) commits.

    Wagtail's cached site root paths (what a page's full URL is built from) are dropped too:
    its own receiver clears them on a Site's save, but a QuerySet.update() sends no signal,
    and `load_demo --port` moving the demo sites left every canonical, sitemap and feed link
    on the old port for the cache's hour. Now, and again at the commit (another process may
    have read the old rows meanwhile)."""
    Site.clear_site_root_paths_cache()
    transaction.on_commit(_new_generation, robust=True)  # the commit is done: never fail it


def _new_generation() -> None:
    global _table
    Site.clear_site_root_paths_cache()
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    with _lock:
        _table = None  # this process's too, whatever the cache (and _is_site_root) says


def _is_site_root(page_id: int) -> bool:
    # The root pages' ids may be read in a transaction (an import's batch saves pages in
    # one): a site it adds, uncommitted or rolled back, only makes a needless change. The
    # generation is compared once a second at most here (56 µs a save with the file cache,
    # and an import saves an article three times).
    table = _table
    if table is None or time.monotonic() - table.checked_at > ROOTS_RECHECK_SECONDS:
        table = _current_table(in_transaction=True)
    if table is None:
        return Site.objects.filter(root_page_id=page_id).exists()
    if table.root_page_ids is None:
        table.root_page_ids = set(Site.objects.values_list("root_page_id", flat=True))
    return page_id in table.root_page_ids


@receiver(post_save, sender=Site)
@receiver(post_delete, sender=Site)
def _site_saved_or_deleted(sender, **kwargs):
    sites_changed()


# post_save from any model (a page's own class sends it), post_delete from Page only (deleting
# a page deletes its Page row too): a post_delete receiver for every model would make Django
# load every row a QuerySet.delete() removes, to send it the signal.
@receiver(post_save)
@receiver(post_delete, sender=Page)
@receiver(post_page_move)
def _page_saved_moved_or_deleted(sender, instance, **kwargs):
    # A table's sites hold their root pages (title, path, url_path): a root page changed is a
    # site changed. Other pages cost a set lookup.
    if isinstance(instance, Page) and _is_site_root(instance.pk):
        sites_changed()


class SiteMiddleware:
    """Sets the request's site (Site.find_for_request's answer) from the process's table, so
    neither Wagtail's middleware and views nor ours query for it. Before every middleware that
    asks for the site (Wagtail's redirects)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not hasattr(request, "_wagtail_site"):
            # As Wagtail's Site._find_for_request reads them (the raw host: Django's
            # ALLOWED_HOSTS check is not this middleware's to make).
            hostname = split_domain_port(request._get_raw_host())[0]
            request._wagtail_site = site_for_hostname(hostname, request.get_port())
        return self.get_response(request)
