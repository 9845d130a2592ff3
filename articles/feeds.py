"""Feeds: 育人号推荐, 相关阅读, 热门文章 and editors' 推荐位, plus the home page's section lists.

Each feed is computed by a function here, cached, and recomputed by Celery tasks after a
publish or unpublish and every few minutes (articles.tasks). Reading a feed whose cache
entry is missing computes it on the spot, so a page never shows an empty block for want
of a worker. Only live, public articles of the reader's site appear.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.cache import cache
from django.db.models import F, Sum, Window
from django.db.models.functions import RowNumber, Substr
from django.utils import timezone
from wagtail.models import Page, Site

from home.pages import public
from portal import broker

from .models import ArticlePage, ArticleViewCount, FeaturedSlot, PublishingAccount, SectionPage
from .models.article import LISTING_ORDER
from .models.feeds import site_root_path

logger = logging.getLogger(__name__)
FEED_TTL = 15 * 60  # seconds; tasks refresh sooner
# Publications within this many seconds share one refresh (a burst of 100 scheduled
# articles costs one recomputation, not 100 that would hold up the publishing tasks).
REFRESH_DEBOUNCE_SECONDS = 1.0
REFRESH_QUEUED_KEY = "portal:feed:refresh-queued"
RECOMMENDED_SIZE = 6
HOT_SIZE = 10
RELATED_SIZE = 5
# 相关阅读 that could not be searched (the section's latest articles instead) is kept this
# long only, so the real list is back soon after the search engine.
RELATED_STOPGAP_TTL = 60  # seconds
ACCOUNT_FEED_SIZE = 10
# Ranking constants (time decay): a view counts half after VIEW_HALF_LIFE_DAYS; freshness
# halves every FRESHNESS_HALF_LIFE_HOURS; WINDOW_DAYS bounds what is considered at all.
VIEW_HALF_LIFE_DAYS = 3.0
FRESHNESS_HALF_LIFE_HOURS = 48.0
FRESHNESS_WEIGHT = 10.0
WINDOW_DAYS = 30


@dataclass
class SectionBlock:
    section: SectionPage
    featured: ArticlePage | None
    latest: list[ArticlePage] = field(default_factory=list)


def section_blocks_for_home(home: Page, per_section: int, now=None) -> list[SectionBlock]:
    """For each top-level 栏目 of a site shown in its menu: its featured article and its
    latest articles (a 栏目 an import created stays off the home page, as off the menu, until
    an editor ticks 显示在菜单中).

    As many queries for any number of 栏目 (seven): each article is ranked within its 栏目
    (the start of its tree path) in one pass. Three queries a 栏目 took 1.1 s for the
    benchmark site's 81 栏目 on SQLite, which reads every page for each `descendant_of`.
    """
    sections = list(public(home.get_children().live().in_menu().type(SectionPage)).specific())
    if not sections:
        return []
    # An editor's 头条 slot on the section overrides the is_featured flag.
    headlines: dict[int, ArticlePage] = {}
    slots = FeaturedSlot.objects.active(now).filter(
        page__in=sections, position=FeaturedSlot.HEADLINE, article__path__startswith=home.path
    )
    for slot in slots.select_related("article"):
        headlines.setdefault(slot.page_id, slot.article)
    width = len(sections[0].path)  # siblings' paths are equally long
    articles = ArticlePage.objects.for_listing().descendant_of(home)  # all below a 栏目

    def first_per_section(articles, count: int) -> dict[str, list[ArticlePage]]:
        section_path = Substr("path", 1, width)
        ranked = articles.annotate(
            rank=Window(RowNumber(), partition_by=[section_path], order_by=LISTING_ORDER)
        ).filter(rank__lte=count)
        # Ranked by id alone, then read: the ranking sorts every article of the site, and
        # with the whole rows (bodies too) that sort took most of the time.
        ids = list(ranked.values_list("pk", flat=True))
        found: dict[str, list[ArticlePage]] = {}
        for article in articles.filter(pk__in=ids):
            found.setdefault(article.path[:width], []).append(article)
        return found

    missing = [s for s in sections if s.pk not in headlines]
    flagged = {}
    if missing:
        flagged = first_per_section(
            articles.filter(is_featured=True).select_related("cover_image"), 1
        )
    latest = first_per_section(articles, per_section + 1)
    blocks = []
    for section in sections:
        featured = headlines.get(section.pk) or (flagged.get(section.path) or [None])[0]
        listed = [a for a in latest.get(section.path, []) if a.pk != getattr(featured, "pk", None)]
        blocks.append(SectionBlock(section, featured, listed[:per_section]))
    return blocks


# --- serialisation (what the cache and the JSON API hold) ---------------------------------


def article_item(article: ArticlePage, site: Site | None = None) -> dict:
    return {
        "id": article.pk,
        "title": article.title,
        "url": article.get_url(current_site=site) if site else article.url,
        "published_at": timezone.localtime(article.published_time).isoformat()
        if article.published_time
        else None,
    }


def _site_articles(site: Site):
    return ArticlePage.objects.live().public().descendant_of(site.root_page)


def _decayed_views(article_ids, now) -> dict[int, float]:
    """Σ views × 0.5^(age in days / half-life), per article, over the window."""
    today = timezone.localdate(now)
    scores: dict[int, float] = {}
    rows = ArticleViewCount.objects.filter(
        article_id__in=article_ids, day__gte=today - timedelta(days=WINDOW_DAYS)
    ).values_list("article_id", "day", "views")
    for article_id, day, views in rows:
        age = (today - day).days
        scores[article_id] = scores.get(article_id, 0.0) + views * 0.5 ** (
            age / VIEW_HALF_LIFE_DAYS
        )
    return scores


def _freshness(article: ArticlePage, now) -> float:
    when = article.published_time or now
    hours = max((now - when).total_seconds() / 3600, 0.0)
    return FRESHNESS_WEIGHT * 0.5 ** (hours / FRESHNESS_HALF_LIFE_HOURS)


# --- the feeds ------------------------------------------------------------------------------


def compute_recommended(site: Site, now=None) -> list[dict]:
    """育人号推荐: accounts ranked by time-decayed engagement of their recent articles,
    the freshness of their latest one and the editors' boost; one slot per account."""
    now = now or timezone.now()
    recent = (
        _site_articles(site)
        .filter(account__isnull=False, display_time__gte=now - timedelta(days=WINDOW_DAYS))
        .select_related("account")
        .order_by("-display_time")
    )
    recent = list(recent)
    views = _decayed_views([a.pk for a in recent], now)
    best: dict[int, dict] = {}
    for article in recent:  # newest first: the first seen is each account's latest
        account = article.account
        entry = best.setdefault(
            account.pk,
            {"account": account, "latest": article, "engagement": 0.0},
        )
        entry["engagement"] += views.get(article.pk, 0.0)
    if len(best) < RECOMMENDED_SIZE:
        # Accounts quiet for a month still have a latest article to show, ranked lower: each
        # one's latest on the site in one query (two queries an account, of every site, took
        # 0.66 s for 400 accounts, in the first reader's request after a 撤稿).
        quiet = (
            _site_articles(site)
            .filter(account__isnull=False)
            .exclude(account_id__in=list(best))
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=[F("account_id")],
                    order_by=[F("display_time").desc(nulls_last=True), F("pk").desc()],
                )
            )
            .filter(rank=1)
        )
        ids = list(quiet.values_list("pk", flat=True))
        for latest in ArticlePage.objects.filter(pk__in=ids).select_related("account"):
            best[latest.account_id] = {
                "account": latest.account,
                "latest": latest,
                "engagement": 0.0,
            }
    ranked = []
    for entry in best.values():
        engagement = math.log1p(entry["engagement"])
        score = engagement + _freshness(entry["latest"], now) + entry["account"].recommend_boost
        ranked.append((score, entry))
    ranked.sort(key=lambda pair: (-pair[0], -pair[1]["latest"].pk))
    return [
        {
            "account": {
                "name": entry["account"].name,
                "slug": entry["account"].slug,
                "institution": entry["account"].institution,
            },
            "article": article_item(entry["latest"], site),
            "score": round(score, 4),
        }
        for score, entry in ranked[:RECOMMENDED_SIZE]
    ]


def compute_hot(site: Site, now=None) -> list[dict]:
    """热门文章: the site's articles by time-decayed views."""
    now = now or timezone.now()
    since = timezone.localdate(now) - timedelta(days=WINDOW_DAYS)
    candidates = (
        ArticleViewCount.objects.filter(
            day__gte=since, article__in=_site_articles(site).values("pk")
        )
        .values("article_id")
        .annotate(total=Sum("views"))
        .order_by("-total")[: HOT_SIZE * 5]
    )
    ids = [row["article_id"] for row in candidates]
    scores = _decayed_views(ids, now)
    articles = _site_articles(site).in_bulk(ids)
    ranked = sorted(ids, key=lambda pk: (-scores.get(pk, 0.0), -pk))
    return [
        {**article_item(articles[pk], site), "score": round(scores.get(pk, 0.0), 3)}
        for pk in ranked[:HOT_SIZE]
        if pk in articles
    ]


def compute_related(article: ArticlePage, site: Site) -> list[dict]:
    """相关阅读: the same site's articles sharing the most words with this one's title and
    summary (Chinese-segmented, ranked by the search backend)."""
    return _related(article, site)[0]


def _related(article: ArticlePage, site: Site) -> tuple[list[dict], bool]:
    """相关阅读 and whether it was searched; when the search fails (engine unreachable and
    no database backend to answer, index missing …), the section's latest articles: a
    reading aid never takes the article page down with it."""
    from modelsearch.query import PlainText

    from search.text import get_segmenter

    words = [w for w in get_segmenter().cut(f"{article.title} {article.summary}") if len(w) >= 2]
    words = list(dict.fromkeys(words))[:12]
    if not words:
        return [], True
    others = _site_articles(site).exclude(pk=article.pk)
    try:
        # The OpenSearch backend answers from the database itself while the engine is down.
        results = list(others.search(PlainText(" ".join(words), "or"))[:RELATED_SIZE])
    except Exception:  # noqa: BLE001 (whatever broke the search, the page must render)
        logger.warning(
            "related reading: search failed; showing the section's latest", exc_info=True
        )
        latest = others.descendant_of(article.get_parent()).order_by("-display_time", "-pk")
        return [article_item(a, site) for a in latest[:RELATED_SIZE]], False
    return [article_item(a, site) for a in results], True


def compute_account_feed(account: PublishingAccount, site: Site) -> dict | None:
    """An account's latest articles on a site; None where its page is a 404 (/yurenhao/<slug>/):
    an account of another site with nothing published on this one."""
    articles = _site_articles(site).filter(account=account).order_by("-display_time", "-pk")
    items = [article_item(a, site) for a in articles[:ACCOUNT_FEED_SIZE]]
    if not items and not account.is_shown_on(site, _site_articles(site)):
        return None
    return {
        "account": {"name": account.name, "slug": account.slug, "institution": account.institution},
        "articles": items,
    }


def slots_for(page: Page, now=None) -> dict[str, list[ArticlePage]]:
    """推荐位 of a home or section page, by position (头条, 焦点图), active now."""
    out: dict[str, list[ArticlePage]] = {FeaturedSlot.HEADLINE: [], FeaturedSlot.CAROUSEL: []}
    if page.pk is None:  # the preview of a page not saved yet has none
        return out
    slots = (
        FeaturedSlot.objects.active(now)
        .filter(page=page, article__url_path__startswith=site_root_path(page))
        .select_related("article")
    )
    for slot in slots:
        # Two slots of one article in one position (made twice, or overlapping in time)
        # show it once, in the first one's place.
        if all(a.pk != slot.article.pk for a in out[slot.position]):
            out[slot.position].append(slot.article)
    return out


# --- cached access --------------------------------------------------------------------------


# Bumped when a live article may have left the public (unpublished, deleted, put under a view
# restriction, moved): every cached list is then one of an older generation, and the next read
# computes afresh, so a withdrawn (撤稿) title is gone from every page at once, not after
# FEED_TTL. Publications need no bump: the worker's refresh brings them in.
GENERATION_KEY = "portal:feed:generation"


# A bump lost to a Redis outage (the cache skips writes then), made once Redis answers again:
# the lists cached before it would otherwise come back, withdrawn titles and all.
_bump_pending = False


def generation() -> int:
    """The current generation: a time in nanoseconds, so a value never comes back (a counter
    restarted after its key was evicted would bring back lists cached under its old values)."""
    if _bump_pending and not getattr(cache, "unavailable", False):
        withdrawn()
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        value = cache.get(GENERATION_KEY) or 0
    return value


def withdrawn() -> None:
    """An article left the public: drop every cached feed (and suggestion index) naming it."""
    global _bump_pending
    cache.set(GENERATION_KEY, time.time_ns(), timeout=None)
    _bump_pending = getattr(cache, "unavailable", False)  # portal.cache: Redis left alone


def _key(*parts) -> str:
    return f"portal:feed:{generation()}:" + ":".join(str(p) for p in parts)


def recommended(site: Site) -> list[dict]:
    return cache.get_or_set(
        _key("recommended", site.pk), lambda: compute_recommended(site), FEED_TTL
    )


def hot(site: Site) -> list[dict]:
    return cache.get_or_set(_key("hot", site.pk), lambda: compute_hot(site), FEED_TTL)


def related(article: ArticlePage, site: Site) -> list[dict]:
    key = _key("related", site.pk, article.pk)
    items = cache.get(key)
    if items is None:
        items, searched = _related(article, site)
        cache.set(key, items, FEED_TTL if searched else RELATED_STOPGAP_TTL)
    return items


def account_feed(slug: str, site: Site) -> dict | None:
    """As the site's /yurenhao/<slug>/ page shows it; None (not cached) where that is a 404."""
    key = _key("account", site.pk, slug)
    feed = cache.get(key)
    if feed is None:
        account = PublishingAccount.objects.filter(slug=slug).first()
        feed = compute_account_feed(account, site) if account else None
        if feed is not None:
            cache.set(key, feed, FEED_TTL)
    return feed


def refresh_site(site: Site) -> None:
    cache.set(_key("recommended", site.pk), compute_recommended(site), FEED_TTL)
    cache.set(_key("hot", site.pk), compute_hot(site), FEED_TTL)


def request_refresh() -> None:
    """Queue one refresh of every feed shortly, unless one is queued already."""
    from .tasks import refresh_all_feeds

    if cache.add(REFRESH_QUEUED_KEY, 1, timeout=int(REFRESH_DEBOUNCE_SECONDS) + 30) is False:
        return  # queued already (None: the cache is unreachable, so queue it)
    try:
        broker.send(refresh_all_feeds, countdown=REFRESH_DEBOUNCE_SECONDS)
    except broker.BrokerUnavailable:  # logged once there; the periodic refresh catches up
        cache.delete(REFRESH_QUEUED_KEY)


def refresh_all() -> int:
    cache.delete(REFRESH_QUEUED_KEY)  # a publication from now on queues another refresh
    sites = list(Site.objects.select_related("root_page"))
    for site in sites:
        refresh_site(site)
        for account in PublishingAccount.objects.of_site(site, _site_articles(site)):
            feed = compute_account_feed(account, site)
            if feed is not None:
                cache.set(_key("account", site.pk, account.slug), feed, FEED_TTL)
    return len(sites)


def feed_context(page: Page, request) -> dict:
    """What home and section pages show beside their lists: 推荐位, 育人号推荐, 热门文章."""
    site = Site.find_for_request(request)
    context = {"slots": slots_for(page)}
    if site is not None:
        context["recommended"] = recommended(site)
        context["hot"] = hot(site)
    return context
