"""Reader pages on a portal the size of the dev corpus: latency and SQL queries per page.

    .venv/bin/python bench/page_bench.py [--corpus ../shared/dev-corpus] [--postgres]
                                         [--requests N]

Uses the search benchmark's database (var/bench/dev-corpus.sqlite3, or with --postgres its
PostgreSQL database `portal_search_bench`) and imports the corpus into it first if needed, as
bench/search_bench.py does: 12,928 articles in 81 栏目 of one site. Requests each page
in-process (Django's test client, DEBUG off) once to warm up, then N times, and prints p50 and
p95 and the number of SQL queries one request makes: the home page, the largest 栏目, an
article and a search.

Baseline in the same run: the home page's 栏目 lists built the straightforward way, three
queries per 栏目 with Wagtail's `.public()` (what the portal did before), timed as a function
next to ours (`articles.feeds.section_blocks_for_home`); the run checks that both give the
same lists.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.search_bench import open_benchmark_database  # noqa: E402


def baseline_section_blocks(home, per_section: int) -> list:
    """The home page's 栏目 lists, one 栏目 at a time, with Wagtail's own `.public()`."""
    from wagtail.models import PageQuerySet

    from articles.feeds import SectionBlock, slots_for
    from articles.models import ArticlePage, FeaturedSlot, SectionPage
    from articles.models.article import LISTING_ORDER

    def wagtail_public(pages):
        return pages.exclude(PageQuerySet.private_q(pages))

    blocks = []
    sections = home.get_children().live().in_menu().type(SectionPage)
    for section in wagtail_public(sections).specific():
        articles = (
            wagtail_public(ArticlePage.objects.live())
            .descendant_of(section)
            .select_related("account")
            .order_by(*LISTING_ORDER)
        )
        picked = slots_for(section)[FeaturedSlot.HEADLINE]
        featured = picked[0] if picked else None
        featured = (
            featured or articles.filter(is_featured=True).select_related("cover_image").first()
        )
        latest = articles.exclude(pk=getattr(featured, "pk", None))[:per_section]
        blocks.append(SectionBlock(section, featured, list(latest)))
    return blocks


def timed(call, repeat: int) -> tuple[float, float, int]:
    """p50 and p95 in ms over `repeat` calls after one warm-up, and the queries of one call."""
    from django.db import connection

    captured = []
    with connection.execute_wrapper(lambda execute, *args: captured.append(1) or execute(*args)):
        call()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, len(captured)


def outline(blocks) -> list:
    """What a reader sees of the lists: each 栏目, its featured article, its latest ones."""
    return [(b.section.pk, b.featured and b.featured.pk, [a.pk for a in b.latest]) for b in blocks]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "dev-corpus")
    parser.add_argument("--postgres", action="store_true",
                        help="PostgreSQL instead of the embedded SQLite database")  # fmt: skip
    parser.add_argument("--requests", type=int, default=40, help="timed requests per page")
    args = parser.parse_args()

    docs, _ = open_benchmark_database(args.corpus, args.postgres)

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from wagtail.models import Site

    from articles.feeds import section_blocks_for_home
    from articles.models import ArticlePage, SectionPage

    site = Site.objects.get(is_default_site=True)
    home = site.root_page.specific
    # The import leaves its 栏目 off the menu and the home page; an editor ticks them, and the
    # home page then lists every one (the most it can hold).
    home.get_children().type(SectionPage).update(show_in_menus=True)
    sections = SectionPage.objects.live().descendant_of(home)
    largest = max(sections, key=lambda s: ArticlePage.objects.descendant_of(s).count())
    article = ArticlePage.objects.live().descendant_of(largest).order_by("-pk").first()
    root = home.url_path
    pages = {
        "home page": "/",
        "section page": largest.url_path.replace(root, "/", 1),
        "article page": article.url_path.replace(root, "/", 1),
        "search page": "/search/?q=教材",
    }
    client = Client()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, site.hostname]

    def request(path: str):
        def call():
            response = client.get(path, HTTP_HOST=site.hostname)
            if response.status_code != 200:
                raise RuntimeError(f"{path}: {response.status_code}")

        return call

    rows = [(name, *timed(request(path), args.requests)) for name, path in pages.items()]
    per_section = settings.PORTAL_HOME_ARTICLES_PER_SECTION
    ours = section_blocks_for_home(home, per_section)
    if outline(ours) != outline(baseline_section_blocks(home, per_section)):
        raise RuntimeError("the home page's 栏目 lists differ from the baseline's")
    rows.append(
        ("home section lists: ours", *timed(lambda: section_blocks_for_home(home, per_section), 10))
    )
    rows.append(
        (
            "home section lists: baseline",
            *timed(lambda: baseline_section_blocks(home, per_section), 10),
        )
    )

    top = home.get_children().live().type(SectionPage).count()
    total = ArticlePage.objects.count()
    print(f"\ndatabase: {connection.vendor}; {docs} imported articles ({total} in all), "
          f"{top} top-level 栏目 on {site.hostname}; section page: {largest.title} "
          f"({largest.url_path.replace(root, '/', 1)}), search page: q=教材; "
          f"{args.requests} requests a page, 10 calls a function; in-process")  # fmt: skip
    header = ["page", "p50 ms", "p95 ms", "queries"]
    table = [[name, f"{p50:.1f}", f"{p95:.1f}", str(queries)] for name, p50, p95, queries in rows]
    widths = [max(len(row[i]) for row in [header, *table]) + 2 for i in range(len(header))]
    for row in [header, ["-" * (w - 2) for w in widths], *table]:
        print("".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
