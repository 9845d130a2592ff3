"""Readers' queries, counted in memory and written to the database in batches.

Counts land in Wagtail's search-promotions tables (Query / QueryDailyHits), so the admin's
搜索词报告 and the 热搜 list read the same numbers; no request writes a row of its own.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from wagtail.contrib.search_promotions.models import Query, QueryDailyHits, SearchPromotion
from wagtail.models import Page
from wagtail.search.utils import normalise_query_string

from portal.batching import BatchCounter

from .text import normalize

FLUSH_EVERY_SECONDS = 30.0
FLUSH_AT_QUERIES = 200
HOT_SEARCHES_CACHE_KEY = "portal:search:hot"
HOT_SEARCHES_TTL = 300
HOT_SEARCHES_MAX = 50
HOT_SEARCHES_DAYS = 7
# Whether a popular query finds an article is checked by a search, remembered for an hour
# (the list itself is recomputed after every flush of the counts, up to every 30 s).
HOT_FOUND_CACHE_PREFIX = "portal:search:hot-found:"
HOT_FOUND_TTL = 3600


def query_key(query_string: str) -> str:
    """The form queries are counted and promoted under (黨建 and 党建 are one query)."""
    return normalise_query_string(normalize(query_string))


def _write_counts(pending: Counter) -> None:
    today = timezone.localdate()
    with transaction.atomic():
        for key, hits in pending.items():
            query, _ = Query.objects.get_or_create(query_string=key)
            daily, _ = QueryDailyHits.objects.get_or_create(query=query, date=today)
            QueryDailyHits.objects.filter(pk=daily.pk).update(hits=F("hits") + hits)
    cache.delete(HOT_SEARCHES_CACHE_KEY)


class QueryLog(BatchCounter):
    def __init__(self):
        super().__init__(_write_counts, FLUSH_EVERY_SECONDS, FLUSH_AT_QUERIES)

    def record(self, query_string: str) -> None:
        key = query_key(query_string)
        if key:
            self.add(key)


query_log = QueryLog()


def _found(key: str) -> bool:
    """Whether a published article has the query's words (cached: checked by a search)."""
    from .services import SearchInputError, parse_params, search_articles

    def check() -> bool:
        try:
            outcome = search_articles(parse_params({"q": key, "size": "1", "site": "all"}), None)
        except SearchInputError:
            return False
        return outcome.exact_total > 0  # the words themselves, not only their parts

    digest = hashlib.sha1(key.encode()).hexdigest()
    return cache.get_or_set(f"{HOT_FOUND_CACHE_PREFIX}{digest}", check, HOT_FOUND_TTL)


def fit_to_show(key: str) -> bool:
    """Whether a logged query may be shown to every reader as a 热搜.

    Anyone can make a query popular by repeating it, so the list shows only queries with
    letters or digits, containing no 敏感词 (either tier, checked every time), whose words a
    published article has. The search-terms report still lists every query for editors.
    """
    from articles.sensitive import find_sensitive

    if not any(ch.isalnum() for ch in key) or find_sensitive(key):
        return False
    return _found(key)


def hot_searches(limit: int = 10) -> list[str]:
    """热搜: the most searched queries of the last week fit to show (cached a few minutes).

    One cached list of up to HOT_SEARCHES_MAX serves every caller (the search page shows
    10, suggestions weigh 50); it is recomputed after each flush of the counts.
    """

    def compute() -> list[str]:
        since = timezone.localdate() - timedelta(days=HOT_SEARCHES_DAYS)
        candidates = Query.get_most_popular(date_since=since)[: HOT_SEARCHES_MAX * 3]
        return [q.query_string for q in candidates if fit_to_show(q.query_string)][
            :HOT_SEARCHES_MAX
        ]

    return cache.get_or_set(HOT_SEARCHES_CACHE_KEY, compute, HOT_SEARCHES_TTL)[:limit]


def promotions_for(query_string: str, within: Page | None = None) -> list[SearchPromotion]:
    """Editors' promoted results for this query.

    A promoted page shows where its article would: live, public, and on the site searched
    (`within`, that site's root page; None when the reader searches the whole portal). An
    editor of one 院校 promoting its page does not put it on every other site's search.
    Wagtail's promotions carry no site, so an external link shows on every site.
    """
    key = query_key(query_string)
    if not key:
        return []
    # Editors type a promotion's query as they like (紅船學院, ＸＹＺ); Wagtail stores it only
    # lowercased, so it is compared in our normalised form. Promotions are a short list.
    promos = [
        promo
        for promo in SearchPromotion.objects.select_related("page", "query").order_by("sort_order")
        if query_key(promo.query.query_string) == key
    ]
    pages = Page.objects.live().public().filter(pk__in={p.page_id for p in promos if p.page_id})
    if within is not None:
        pages = pages.descendant_of(within, inclusive=True)
    shown = set(pages.values_list("pk", flat=True))
    return [promo for promo in promos if promo.page_id is None or promo.page_id in shown]
