"""Scheduled-publishing benchmark: lateness, duplicates and misses with real workers.

    .venv/bin/python bench/publish_latency.py [--pages 120] [--lead 5]

Starts PostgreSQL and Redis (scripts/lib.sh, as the test command does), a database of its
own (portal_bench), two Celery worker processes and beat on Redis, then schedules --pages
articles to go live --lead seconds ahead (spread over a few seconds) the way editors do, and
measures for each one how late it went live, whether it was published more than once, and
whether it was missed. Baseline, in the same run: Wagtail's stock mechanism, the
`publish_scheduled` command run by two overlapping cron jobs (every 10 s here; Wagtail's docs
suggest hourly). Then the feed-freshness figure: seconds from a scheduled publication until
the article shows in its 育人号's feed.

The last two lines: feed_freshness_s=…, then
lateness_p50_s=… lateness_p99_s=… lateness_max_s=… duplicates=… missed=…
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
VENV_BIN = REPO / ".venv" / "bin"
REDIS_DB = 14  # not the tests' 15


def start_services() -> tuple[str, str]:
    out = subprocess.run(
        ["bash", "-c", "source scripts/lib.sh; start_postgres; start_redis; "
         'echo "$PORTAL_TEST_DATABASE_URL"; echo "$REDIS_PORT"'],
        cwd=REPO, check=True, capture_output=True, text=True,
    ).stdout.split()  # fmt: skip
    server_url, redis_port = out[-2], out[-1]
    return server_url.rsplit("/", 1)[
        0
    ] + "/portal_bench", f"redis://127.0.0.1:{redis_port}/{REDIS_DB}"


def ensure_database(database_url: str) -> None:
    import psycopg

    server = database_url.rsplit("/", 1)[0] + "/portal"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS portal_bench WITH (FORCE)")
        conn.execute("CREATE DATABASE portal_bench")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class Processes:
    def __init__(self, env: dict):
        self.env = env
        self.procs: list[subprocess.Popen] = []
        self.logs = REPO / "var" / "bench"
        self.logs.mkdir(parents=True, exist_ok=True)

    def start(self, name: str, args: list[str]) -> None:
        log = (self.logs / f"{name}.log").open("w")
        self.procs.append(
            subprocess.Popen(
                args,
                cwd=REPO,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        )

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        self.procs = []


def schedule_batch(section, count: int, lead: float, spread: float, prefix: str):
    """Create `count` draft articles, then schedule them the way an editor does: go-live
    times from `lead` s after the drafts exist, spread over `spread` s."""
    from django.utils import timezone

    from articles.models import ArticlePage

    drafts = []
    for i in range(count):
        article = ArticlePage(title=f"{prefix}{i:03d}", slug=f"{prefix.lower()}-{i}",
                              source="基准测试", body=[], live=False)  # fmt: skip
        section.add_child(instance=article)
        drafts.append(article)
    start = timezone.now() + timedelta(seconds=lead)
    planned = {}
    for i, article in enumerate(drafts):
        article.go_live_at = start + timedelta(seconds=spread * i / max(count - 1, 1))
        article.save_revision().publish()  # schedules; our hooks queue it after commit
        planned[article.pk] = article.go_live_at
    late = (timezone.now() - start).total_seconds()
    if late > 0:
        print(f"warning: scheduling ran {late:.1f} s past the first go-live time; "
              "use a longer --lead", file=sys.stderr)  # fmt: skip
    return planned


def measure(planned: dict, timeout: float) -> dict:
    from django.utils import timezone
    from wagtail.models import Page, PageLogEntry

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if Page.objects.filter(pk__in=planned, live=True).count() == len(planned):
            break
        time.sleep(0.2)
    lateness, duplicates, missed = [], 0, 0
    for page in Page.objects.filter(pk__in=planned):
        publications = PageLogEntry.objects.filter(
            page=page, action__in=["wagtail.publish.scheduled", "wagtail.publish"]
        ).count()
        if not page.live:
            missed += 1
            continue
        duplicates += max(0, publications - 1)
        first = PageLogEntry.objects.filter(page=page, action="wagtail.publish.scheduled")
        first = first.order_by("timestamp").first()
        when = first.timestamp if first else page.last_published_at
        lateness.append((when - planned[page.pk]).total_seconds())
    return {"lateness": lateness, "duplicates": duplicates, "missed": missed,
            "now": timezone.now()}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=120)
    parser.add_argument("--lead", type=float, default=10.0, help="seconds ahead to schedule")
    parser.add_argument("--spread", type=float, default=5.0, help="seconds the times spread")
    parser.add_argument("--cron", type=float, default=10.0, help="baseline cron period, s")
    args = parser.parse_args()

    database_url, redis_url = start_services()
    ensure_database(database_url)
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url,
           "DJANGO_SETTINGS_MODULE": "portal.settings.dev", "DEBUG": "false"}  # fmt: skip
    os.environ.update(env)
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    manage = [str(VENV_BIN / "python"), "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=REPO, env=env, check=True)
    subprocess.run([*manage, "load_demo"], cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL)

    import django

    django.setup()
    from articles.models import SectionPage
    from portal.celery import app

    section = SectionPage.objects.filter(slug="dangjian").first() or SectionPage.objects.first()
    procs = Processes(env)
    celery = [str(VENV_BIN / "celery"), "-A", "portal"]
    for n in (1, 2):
        worker = [*celery, "worker", "-c", "1", "-n", f"bench{n}@%h", "-l", "info"]
        procs.start(f"worker{n}", [*worker, "--without-gossip", "--without-mingle"])
    procs.start("beat", [*celery, "beat", "-s", str(REPO / "var" / "bench" / "beat-schedule"),
                         "-l", "info"])  # fmt: skip
    try:
        for _ in range(120):
            if len(app.control.ping(timeout=1.0) or []) >= 2:
                break
        else:
            raise SystemExit("workers did not start; see var/bench/worker*.log")

        # --- this project: ETA tasks + sweep, two workers -----------------------------------
        planned = schedule_batch(section, args.pages, args.lead, args.spread, "定时")
        ours = measure(planned, timeout=args.lead + args.spread + 60)

        # --- feed freshness: a scheduled article of an account, until it is in the feed ------
        freshness = feed_freshness(section, args.lead)
    finally:
        procs.stop()
    redis.Redis.from_url(redis_url).flushdb()  # drop our queued tasks for the baseline pages

    # --- baseline: Wagtail's publish_scheduled from two overlapping cron jobs ----------------
    planned = schedule_batch(section, args.pages, args.lead, args.spread, "基线")
    redis.Redis.from_url(redis_url).flushdb()  # only the cron jobs publish these
    cron = [str(VENV_BIN / "python"), "-c", (
        "import os,sys,time,django;sys.path.insert(0,'.');django.setup();"
        "from django.core.management import call_command;"
        f"p={args.cron};t=time.time();end=t+{args.lead + args.spread + 2 * args.cron};"
        "\nwhile time.time()<end:\n"
        "    time.sleep(p-(time.time()-t)%p);call_command('publish_scheduled')"
    )]  # fmt: skip
    for n in (1, 2):
        procs.start(f"cron{n}", cron)
    try:
        base = measure(planned, timeout=args.lead + args.spread + 3 * args.cron)
    finally:
        procs.stop()

    rows = [
        ("lateness p50 s", percentile(ours["lateness"], 50), percentile(base["lateness"], 50), ""),
        ("lateness p99 s", percentile(ours["lateness"], 99), percentile(base["lateness"], 99),
         "≤ 2"),
        ("lateness max s", max(ours["lateness"], default=float("nan")),
         max(base["lateness"], default=float("nan")), ""),
        ("duplicates", ours["duplicates"], base["duplicates"], "0"),
        ("missed", ours["missed"], base["missed"], "0"),
        ("feed freshness s", freshness, float("nan"), "≤ 5"),
    ]  # fmt: skip
    print(f"\n{args.pages} pages scheduled {args.lead:.0f}–{args.lead + args.spread:.0f} s ahead; "
          f"ours: 2 Celery workers + beat on Redis, PostgreSQL; baseline: publish_scheduled "
          f"every {args.cron:.0f} s from two overlapping cron jobs")  # fmt: skip
    print(f"{'metric':<18}  {'ours':>8}  {'baseline':>8}  target")
    print(f"{'-' * 18}  {'-' * 8}  {'-' * 8}  ------")
    for name, a, b, target in rows:
        print(f"{name:<18}  {fmt(a):>8}  {fmt(b):>8}  {target}")
    print(f"feed_freshness_s={freshness:.3f}")
    print(
        f"lateness_p50_s={percentile(ours['lateness'], 50):.3f} "
        f"lateness_p99_s={percentile(ours['lateness'], 99):.3f} "
        f"lateness_max_s={max(ours['lateness'], default=float('nan')):.3f} "
        f"duplicates={ours['duplicates']} missed={ours['missed']}"
    )


def fmt(value) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def feed_freshness(section, lead: float) -> float:
    """Seconds from an article's go-live time until its account's feed lists it."""
    from django.utils import timezone

    from articles import feeds
    from articles.models import ArticlePage, PublishingAccount

    account, _ = PublishingAccount.objects.get_or_create(
        slug="bench-account", defaults={"name": "基准育人号", "institution": "基准学院"}
    )
    article = ArticlePage(title="育人号新文章", slug="bench-feed", body=[], live=False,
                          account=account)  # fmt: skip
    section.add_child(instance=article)
    article.go_live_at = timezone.now() + timedelta(seconds=lead)
    article.save_revision().publish()
    deadline = time.monotonic() + lead + 60
    while time.monotonic() < deadline:
        if article.pk in [a["id"] for a in feeds.account_feed(account.slug)["articles"]]:
            return (timezone.now() - article.go_live_at).total_seconds()
        time.sleep(0.1)
    return float("nan")


if __name__ == "__main__":
    main()
