"""Celery tasks of the articles app: scheduled publishing (see articles.scheduling)."""

from celery import shared_task

from . import scheduling


@shared_task(name="articles.tasks.publish_revision", acks_late=True)
def publish_revision(revision_id: int, go_live_at: str) -> bool | None:
    """Queued with the go-live time as its ETA; a duplicate or stale delivery does nothing. A
    failure is recorded (shown in 定时发布) and left to the sweep to try again."""
    expected = scheduling._parse(go_live_at)
    return scheduling.attempt(
        "publish", lambda pk: scheduling.publish_due_revision(pk, expected), revision_id
    )


@shared_task(name="articles.tasks.expire_page", acks_late=True)
def expire_page(page_id: int, expire_at: str) -> bool | None:
    expected = scheduling._parse(expire_at)
    return scheduling.attempt(
        "expire", lambda pk: scheduling.expire_due_page(pk, expected), page_id
    )


@shared_task(name="articles.tasks.publish_scheduled_pages")
def publish_scheduled_pages() -> dict[str, int]:
    """The beat sweep (replaces the `publish_scheduled` cron job): overdue work is done,
    work due within the horizon is queued."""
    return scheduling.sweep()


@shared_task(name="articles.tasks.refresh_all_feeds")
def refresh_all_feeds() -> int:
    """Every few minutes, and shortly after publications: recompute every site's and
    account's feeds. The view counts they rank by are the web processes' own, written every
    30 s (portal.batching): a worker holds none to write first."""
    from . import feeds

    return feeds.refresh_all()
