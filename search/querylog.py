"""Readers' queries, counted in memory and written to the database in batches.

Counts land in Wagtail's search-promotions tables (Query / QueryDailyHits), so the admin's
搜索词报告 and the 热搜 list read the same numbers; no request writes a row of its own.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone
from wagtail.contrib.search_promotions.models import Query, QueryDailyHits, SearchPromotion
from wagtail.models import Page, Site
from wagtail.search.utils import normalise_query_string

from articles.feeds import generation
from home.pages import public
from portal.batching import BatchCounter
from portal.client_ip import repeated_today

from .models import SiteQueryDailyHits
from .query_parser import TOKEN, is_operator, parse_query
from .text import normalize

FLUSH_EVERY_SECONDS = 30.0
UPSERT_ROWS = 500  # rows per INSERT (SQLite takes at most 32,766 parameters a statement)
FLUSH_AT_QUERIES = 200
HOT_SEARCHES_CACHE_KEY = "portal:search:hot"
HOT_SEARCHES_TTL = 300
HOT_SEARCHES_MAX = 50
HOT_SEARCHES_DAYS = 7
# Whether a popular query finds an article is checked by a search, remembered for an hour
# (the list itself is recomputed after every flush of the counts, up to every 30 s).
HOT_FOUND_CACHE_PREFIX = "portal:search:hot-found:"
HOT_FOUND_TTL = 3600


# Marks around a word that do not change what a reader looks for: "红船精神", “红船精神”,
# 红船精神！ are counted and promoted as 红船精神 (a leading - excludes a word, so it stays).
EDGE_MARKS = "\"'“”‘’「」『』《》〈〉()[]【】!?。.,、;:~…· "
# A + run ending a word after a letter is part of it (c++); anywhere else it is syntax.
_WORD_PLUS = re.compile(r"[a-z]\++$")


def query_key(query_string: str) -> str:
    """The form queries are counted and promoted under: the words looked for, normalised (黨建
    and 党建 are one query), without the syntax typed around them. +科比, 科比*, "科比" and
    《科比》 are 科比; "科比" 湖人 and 科比 OR 湖人 are 科比 湖人; 科比 NOT 湖人 is 科比 -湖人.
    Marks inside a word stay (c++, 5g·at&t, 1.2), and so do exclusions (-红船).

    The search itself looks for these words (segmentation drops a leading +, a * and a lone
    mark): 科比, +科比 and 科比* found the same articles, yet one search of each put three
    entries on every reader's 热搜. Idempotent: Wagtail's Query normalises with it
    (search.apps) whatever it is given, keys included: applied again until it changes nothing
    (x and not 湖人 is x and -湖人 at first, whose and then reads as an operator).
    """
    key = _key_once(query_string)
    for _ in range(5):  # settles in a pass or two (a pass drops words or marks one excluded)
        again = _key_once(key)
        if again == key:
            break
        key = again
    return key


def _key_once(query_string: str) -> str:
    text = normalise_query_string(normalize(query_string))
    typed = []  # (excluded, words of one word or phrase)
    for match in TOKEN.finditer(text):
        phrase = next((g for g in match.group(2, 3, 4) if g is not None), None)
        if phrase is not None:
            # Inside quotes a - excludes nothing: "-科比" is a phrase the search requires.
            words = [w for w in (_bare_word(p.lstrip("-－")) for p in phrase.split()) if w]
        else:
            word = _bare_word(match.group(5).lstrip("-"))
            words = [word] if word else []
        if words:
            typed.append((bool(match.group(1)), words))
    key: list[str] = []
    negate_next = False
    for i, (excluded, words) in enumerate(typed):
        if not excluded and _operator(typed, i):
            negate_next = words[0] == "not"
            continue
        if excluded or negate_next:
            key.append("-" + words[0] if len(words) == 1 else '-"' + " ".join(words) + '"')
        else:
            key.extend(words)
        negate_next = False
    return " ".join(key)


def _bare_word(word: str) -> str:
    """A word without the syntax typed on it: a leading + (required), * wildcards, quotes and
    marks at its edges; "" for a lone mark (+, *, &&), which no search looks for."""
    word = word.replace("*", "").lstrip("+").strip(EDGE_MARKS).lstrip("+")
    if word.endswith("+") and not _WORD_PLUS.search(word):
        word = word.rstrip("+")  # 科比+ (c++ keeps its plus signs)
    return word if any(ch.isalnum() for ch in word) else ""


def _operator(typed: list[tuple[bool, list[str]]], i: int) -> bool:
    """Whether the word at position i is an operator the search reads as one (and/or/not
    typed between words: search.query_parser.is_operator)."""
    _, words = typed[i]
    before = typed[i - 1][1][-1] if i > 0 else ""
    after = typed[i + 1][1][0] if i + 1 < len(typed) else ""
    return len(words) == 1 and is_operator(words[0], before, after)


def _write_counts(pending: Counter) -> None:
    """pending: {(site id or None, query key): hits}. The portal's counts (搜索词报告) and
    each site's (its 热搜) in one transaction: a few statements whatever the batch (a row
    at a time, 200 queries took 379 ms on SQLite, the writer thread holding the GIL and
    the database meanwhile: the API's p95 on OpenSearch went from 39 to 52–64 ms)."""
    today = connection.ops.adapt_datefield_value(timezone.localdate())  # a raw SQL parameter
    portal: Counter = Counter()
    for (_, key), hits in pending.items():
        portal[key] += hits
    site_ids = {site_id for site_id, _ in pending if site_id is not None}
    existing = set(Site.objects.filter(pk__in=site_ids).values_list("pk", flat=True))
    with transaction.atomic():
        Query.objects.bulk_create(
            [Query(query_string=key) for key in portal], ignore_conflicts=True
        )
        ids = dict(
            Query.objects.filter(query_string__in=list(portal)).values_list("query_string", "pk")
        )
        _add_hits(QueryDailyHits, ["query_id", "date"],
                  [(ids[key], today, hits) for key, hits in portal.items()])  # fmt: skip
        # A site deleted since the search: the portal count only.
        _add_hits(SiteQueryDailyHits, ["site_id", "query_id", "date"], [
            (site_id, ids[key], today, hits)
            for (site_id, key), hits in pending.items() if site_id in existing
        ])  # fmt: skip
    cache.delete_many([_hot_cache_key(None), *(_hot_cache_key(pk) for pk in site_ids)])


def _add_hits(model, keys: list[str], rows: list[tuple]) -> None:
    """Add each row's hits to its (keys) row, made if missing: one INSERT … ON CONFLICT DO
    UPDATE (SQLite and PostgreSQL alike). Django's bulk_create(update_conflicts=True) can
    only set the new value, which would lose the counts of another process's write."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(
        connection.ops.quote_name(model._meta.get_field(k.removesuffix("_id")).column) for k in keys
    )
    hits = connection.ops.quote_name(model._meta.get_field("hits").column)
    add = f"{hits} = {table}.{hits} + excluded.{hits}"
    row = "(" + ", ".join(["%s"] * (len(keys) + 1)) + ")"
    for start in range(0, len(rows), UPSERT_ROWS):
        chunk = rows[start : start + UPSERT_ROWS]
        sql = (
            f"INSERT INTO {table} ({columns}, {hits}) VALUES {', '.join([row] * len(chunk))} "
            f"ON CONFLICT ({columns}) DO UPDATE SET {add}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [value for r in chunk for value in r])


class QueryLog(BatchCounter):
    def __init__(self):
        super().__init__(_write_counts, FLUSH_EVERY_SECONDS, FLUSH_AT_QUERIES)

    def record(self, query_string: str, site: Site | None = None, reader: str = "") -> None:
        """Count a reader's search on `site` (the site they searched from). With `reader`
        (their address), a reader's repeats of one query within a day count once: anyone
        could otherwise put a query of their choice on every reader's 热搜 by repeating it."""
        key = query_key(query_string)
        if parse_query(key) is None:  # nothing left to look for (only exclusions: NOT 湖人)
            return
        scope = site.pk if site else None
        if reader and repeated_today("search", reader, scope, key):
            return
        self.add((scope, key))


query_log = QueryLog()


def finds_articles(key: str, site: Site | None) -> bool:
    """Whether a published article of the site (None: the portal) has the query's words
    (cached: checked by a search)."""
    from .services import SearchInputError, parse_params, search_articles

    def check() -> bool:
        try:
            params = parse_params({"q": key, "size": "1", "site": "" if site else "all"})
            outcome = search_articles(params, site)
        except SearchInputError:
            return False
        return outcome.exact_total > 0  # the words themselves, not only their parts

    digest = hashlib.sha1(key.encode()).hexdigest()
    scope = site.pk if site else "all"
    # Found: remembered under the feeds' generation, as an article leaving the public may
    # take the words with it. Not found: remembered as such (a withdrawal finds no more),
    # so after one only the words found before are searched again, not all 150 candidates.
    missing = f"{HOT_FOUND_CACHE_PREFIX}missing:{scope}:{digest}"
    found = f"{HOT_FOUND_CACHE_PREFIX}{generation()}:{scope}:{digest}"
    if cache.get(missing):
        return False
    if cache.get(found):
        return True
    answer = check()
    cache.set(found if answer else missing, True, HOT_FOUND_TTL)
    return answer


def fit_to_show(key: str, site: Site | None = None) -> bool:
    """Whether a logged query may be shown to every reader of the site as a 热搜.

    Anyone can make a query popular by repeating it, so the list shows only queries with
    letters or digits, containing no 敏感词 (either tier, checked every time), whose words a
    published article of the site has. A query with a -exclusion is not offered as words to
    search (nor one with a quote inside a word). The search-terms report still lists every query.
    """
    from articles.sensitive import find_sensitive

    if not written_in_words(key):
        return False
    if find_sensitive(key):
        return False
    if '"' in key or any(word.startswith("-") for word in key.split()):
        return False
    return finds_articles(key, site)


# What a 热搜 may hold beside letters, digits and spaces: the marks words are written with
# (c++, c#, 5g·at&t, 《红楼梦》研究, 2.0, 一带一路), not emoji, symbols, or private-use and control
# characters ("党建💩", searched once, was on every reader's 热搜 and in the suggestions), nor
# combining marks (the keycap of #️⃣, its emoji selector, the strokes stacked on 党̷̢建).
SHOWN_SYMBOLS = frozenset("+")


def written_in_words(text: str) -> bool:
    """Letters or digits, and nothing but the marks words are written with (no emoji,
    symbols such as < >, or control characters): fit to offer a reader as words to search."""
    return any(ch.isalnum() for ch in text) and all(map(_shown_in_words, text))


def _shown_in_words(ch: str) -> bool:
    category = unicodedata.category(ch)
    return ch in SHOWN_SYMBOLS or not (category[0] in "SCM" or category in ("Zl", "Zp"))


def _hot_cache_key(site_id: int | None) -> str:
    # Under the feeds' generation: an article leaving the public (unpublished, its 栏目 taken
    # offline) drops the lists at once, as it does the suggestions; a word that found only
    # it was a 热搜 for 5 more minutes, and 您是不是要找 for an hour.
    scope = site_id if site_id is not None else "all"
    return f"{HOT_SEARCHES_CACHE_KEY}:{generation()}:{scope}"


def hot_searches(site: Site | None = None, limit: int = 10) -> list[str]:
    """热搜 of a site: what its readers searched most in the last week, fit to show (cached
    a few minutes). Each 院校 site has its own; None: the whole portal's.

    One cached list of up to HOT_SEARCHES_MAX per site serves every caller (the search page
    shows 10, suggestions weigh 50); it is recomputed after each flush of the counts.
    """

    def compute() -> list[str]:
        since = timezone.localdate() - timedelta(days=HOT_SEARCHES_DAYS)
        if site is None:
            popular = Query.get_most_popular(date_since=since)[: HOT_SEARCHES_MAX * 3]
            counted = [(q.query_string, q._hits) for q in popular]
        else:
            counts = (
                SiteQueryDailyHits.objects.filter(site=site, date__gte=since)
                .values("query__query_string")
                .annotate(total=Sum("hits"))
                .order_by("-total", "query__query_string")[: HOT_SEARCHES_MAX * 3]
            )
            counted = [(row["query__query_string"], row["total"]) for row in counts]
        # Counted under an older form of the key (+科比 and 科比* before they were 科比): the
        # counts go to the query they are now, for the week those rows are read.
        totals: Counter = Counter()
        for logged, hits in counted:
            if key := query_key(logged):
                totals[key] += hits
        candidates = sorted(totals, key=lambda key: (-totals[key], key))
        # Each check may be a search: stop at the list's length (150 searches in one reader's
        # request took 1.3 s).
        shown: list[str] = []
        for key in candidates:
            if len(shown) == HOT_SEARCHES_MAX:
                break
            if fit_to_show(key, site):
                shown.append(key)
        return shown

    return cache.get_or_set(_hot_cache_key(site.pk if site else None), compute, HOT_SEARCHES_TTL)[
        :limit
    ]


def prune_query_log(days: int | None = None) -> int:
    """Forget daily counts older than WAGTAILSEARCH_HITS_MAX_AGE days, then the queries left
    with no count and no promotion (Wagtail's searchpromotions_garbage_collect, plus each
    site's counts). Returns how many daily rows went."""
    days = settings.WAGTAILSEARCH_HITS_MAX_AGE if days is None else days
    before = timezone.localdate() - timedelta(days=days)
    with transaction.atomic():
        removed, _ = SiteQueryDailyHits.objects.filter(date__lt=before).delete()
        portal, _ = QueryDailyHits.objects.filter(date__lt=before).delete()
        Query.garbage_collect()
    return removed + portal


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
    if not promos:
        return []  # the common case: no page query at all
    pages = public(Page.objects.live()).filter(pk__in={p.page_id for p in promos if p.page_id})
    if within is not None:
        pages = pages.descendant_of(within, inclusive=True)
    shown = set(pages.values_list("pk", flat=True))
    # The same page or link promoted more than once for one query (entered as 紅船學院 and as
    # 红船学院, say, which are one query here) is offered once, where it ranks first.
    offered: dict[tuple, SearchPromotion] = {}
    for promo in promos:
        if promo.page_id is None or promo.page_id in shown:
            target = ("page", promo.page_id) if promo.page_id else ("link", promo.external_link_url)
            offered.setdefault(target, promo)
    return list(offered.values())
