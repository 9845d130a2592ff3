"""Scheduled publishing and expiry to the second, safe under duplicate and concurrent runs.

Wagtail marks a revision scheduled by setting `approved_go_live_at` (an editor schedules, or
a workflow approves a revision with a go-live time) and a page due to expire by `expire_at`;
it then waits for a `publish_scheduled` cron job, which has no locking. Here:

* when a revision is scheduled (or a live page gets an expiry), a Celery task is queued with
  that moment as its ETA, after the transaction commits;
* ETAs further ahead than SCHEDULE_HORIZON are not queued at once: Redis re-delivers an
  unacknowledged message after its visibility timeout (1 h), so a far-future ETA would run
  twice. The beat sweep queues them once they come within the horizon;
* the same sweep publishes anything overdue, so a lost message (Redis restarted, worker
  killed) still goes out, late but exactly once;
* each run locks the revision (or page) row, re-checks that it is still due and unchanged,
  and only then publishes, so a stale or duplicate delivery does nothing;
* after publishing or expiring, the page's `go_live_at` / `expire_at` are cleared (on the
  page and its latest revision) so editors can edit again (Wagtail #13896);
* one item that cannot be published (its scheduled slug taken meanwhile by another page of
  the 栏目, a database error on its row) stops neither the sweep nor anything else due: the
  sweep goes on to the next, logs the failure (once an hour per item) and keeps its reason
  for 定时发布 to show. Before, one such revision stopped every later go-live on every site.
"""

from __future__ import annotations

import logging
import os
import time
import urllib.parse
from datetime import datetime, timedelta

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, Revision

from portal import broker

logger = logging.getLogger(__name__)

SCHEDULE_HORIZON = timedelta(minutes=30)  # well inside Redis' 1 h visibility timeout
SWEEP_SECONDS = 10.0
FAILURE_KEPT_SECONDS = 24 * 3600  # a failure's reason, shown in 定时发布 (tried again meanwhile)
FAILURE_LOGGED_EVERY = 3600  # one log record an hour per failing item, not one per sweep


def same_moment(a: datetime | None, b: datetime | None) -> bool:
    return a is not None and b is not None and abs((a - b).total_seconds()) < 0.001


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


# --- queueing -----------------------------------------------------------------------------


def queue_publish(revision_id: int, go_live_at: datetime) -> bool:
    """Queue the go-live task for a revision if its time is within the horizon (once)."""
    from . import tasks

    if go_live_at - timezone.now() > SCHEDULE_HORIZON:
        return False  # the sweep queues it later
    key = f"portal:schedule:publish:{revision_id}:{go_live_at.timestamp()}"
    return _send_once(key, tasks.publish_revision, revision_id, go_live_at)


def queue_expiry(page_id: int, expire_at: datetime) -> bool:
    from . import tasks

    if expire_at - timezone.now() > SCHEDULE_HORIZON:
        return False
    key = f"portal:schedule:expire:{page_id}:{expire_at.timestamp()}"
    return _send_once(key, tasks.expire_page, page_id, expire_at)


def _send_once(key: str, task, object_id: int, at: datetime) -> bool:
    """Send a task for `at` unless already sent; a broker outage is logged, not raised:
    the editor's action stands and the sweep sends it once the broker is back."""
    if cache.add(key, 1, timeout=int(SCHEDULE_HORIZON.total_seconds()) * 2) is False:
        return False  # already queued (None: the cache is unreachable; a second message is a
        # no-op, as the task locks the row and checks the time, so send it)
    try:
        broker.send(
            task,
            args=[object_id, at.isoformat()],
            eta=max(at, timezone.now()),
            retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.5},
        )
    except broker.BrokerUnavailable:  # the outage is logged once, there
        cache.delete(key)
        logger.debug("broker unreachable; %s for %s left to the sweep", task.name, object_id)
        return False
    return True


# --- doing --------------------------------------------------------------------------------


def _set_schedule_fields(page_id: int, **fields: datetime | None) -> None:
    """Set go_live_at / expire_at on the page row and in its latest revision, which is what
    the editor's form shows (a stale past time there blocks saving: Wagtail #13896)."""
    Page.objects.filter(pk=page_id).update(**fields)
    latest = Revision.page_revisions.filter(object_id=str(page_id)).order_by("-pk").first()
    if latest is not None:
        for name, value in fields.items():
            latest.content[name] = value.isoformat() if value else None
        latest.save(update_fields=["content"])


def _fault_pause(revision_id: int) -> None:
    """Fault injection for the worker-killed test: PORTAL_FAULT_PUBLISH_DELAY seconds spent
    holding the revision's lock mid-publish (never set outside tests)."""
    delay = float(os.environ.get("PORTAL_FAULT_PUBLISH_DELAY") or 0)
    if delay > 0:
        logger.warning("fault injection: holding revision %s for %.1f s", revision_id, delay)
        time.sleep(delay)


def publish_due_revision(revision_id: int, expected: datetime | None = None) -> bool:
    """Publish a scheduled revision if it is due and still scheduled for `expected`.

    True when this call published it; False for a duplicate, stale or early delivery.
    """
    with transaction.atomic():
        revision = Revision.objects.select_for_update().filter(pk=revision_id).first()
        if revision is None or revision.approved_go_live_at is None:
            return False  # published already, or the schedule was cancelled
        if expected is not None and not same_moment(revision.approved_go_live_at, expected):
            return False  # rescheduled: the task for the new time will publish it
        if revision.approved_go_live_at > timezone.now():
            return False  # early delivery; the right task or the sweep will come back
        _fault_pause(revision_id)
        revision.publish(log_action="wagtail.publish.scheduled")
        if isinstance(revision.content_object, Page):
            _set_schedule_fields(int(revision.object_id), go_live_at=None)
    logger.info("published revision %s (scheduled)", revision_id)
    return True


def expire_due_page(page_id: int, expected: datetime | None = None) -> bool:
    """Unpublish a live page whose expiry time has come; same guarantees as publishing."""
    with transaction.atomic():
        page = Page.objects.select_for_update().filter(pk=page_id).first()
        if page is None or not page.live or page.expire_at is None:
            return False
        if expected is not None and not same_moment(page.expire_at, expected):
            return False
        if page.expire_at > timezone.now():
            return False
        page.specific.unpublish(set_expired=True, log_action="wagtail.unpublish.scheduled")
        _set_schedule_fields(page_id, expire_at=None)
    logger.info("expired page %s (scheduled)", page_id)
    return True


def _failure_key(kind: str, object_id: int) -> str:
    return f"portal:schedule:failed:{kind}:{object_id}"


def failures(kind: str, object_ids: list[int]) -> dict[int, str]:
    """Why the last tries of these items failed (kind "publish": revision ids; "expire": page
    ids), for those that failed; nothing when the cache is unreachable."""
    keys = {_failure_key(kind, object_id): object_id for object_id in object_ids}
    try:
        found = cache.get_many(list(keys))
    except Exception:  # noqa: BLE001 (only a display: the cache's outage is logged elsewhere)
        return {}
    return {keys[key]: reason for key, reason in found.items()}


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        # Wagtail's slug message names the parent by its address, percent-encoded
        # (http://…/%E8%A6%81%E9%97%BB/): editors read 要闻.
        return "；".join(urllib.parse.unquote(message) for message in exc.messages)
    return f"{type(exc).__name__}: {exc}"[:300]


def attempt(kind: str, do, object_id: int) -> bool | None:
    """do(object_id); None when it raised, the failure recorded instead (its reason kept for
    定时发布, logged once an hour), so that the sweep goes on to the other items."""
    key = _failure_key(kind, object_id)
    try:
        done = do(object_id)
    except Exception as exc:  # noqa: BLE001 (whatever one item raises, the others go on)
        try:
            cache.set(key, _reason(exc), FAILURE_KEPT_SECONDS)
            first = cache.add(f"{key}:logged", 1, FAILURE_LOGGED_EVERY) is not False
        except Exception:  # noqa: BLE001 (the cache down: log every time)
            first = True
        if first:
            logger.exception("定时%s失败（%s %s），每次巡检都会重试", _KINDS[kind], kind, object_id)
        return None
    if done:
        try:
            cache.delete_many([key, f"{key}:logged"])
        except Exception:  # noqa: BLE001
            pass
    return done


_KINDS = {"publish": "发布", "expire": "下线"}


def sweep() -> dict[str, int]:
    """Publish and expire what is overdue; queue what comes due within the horizon. An item
    that fails is recorded and skipped (tried again at the next sweep)."""
    now = timezone.now()
    done = {"published": 0, "expired": 0, "queued": 0, "failed": 0}

    def tally(outcome: bool | None, key: str) -> None:
        if outcome is None:
            done["failed"] += 1
        else:
            done[key] += outcome

    for page_id in Page.objects.filter(live=True, expire_at__lte=now).values_list("pk", flat=True):
        tally(attempt("expire", expire_due_page, page_id), "expired")
    for revision_id in Revision.objects.filter(approved_go_live_at__lte=now).values_list(
        "pk", flat=True
    ):
        tally(attempt("publish", publish_due_revision, revision_id), "published")
    soon = now + SCHEDULE_HORIZON
    for revision_id, at in Revision.objects.filter(
        approved_go_live_at__gt=now, approved_go_live_at__lte=soon
    ).values_list("pk", "approved_go_live_at"):
        done["queued"] += queue_publish(revision_id, at)
    for page_id, at in Page.objects.filter(
        live=True, expire_at__gt=now, expire_at__lte=soon
    ).values_list("pk", "expire_at"):
        done["queued"] += queue_expiry(page_id, at)
    return done


# --- operators ----------------------------------------------------------------------------


class ScheduleError(ValueError):
    """A schedule change an operator must correct; the message is shown as is."""


def upcoming(user, count: int) -> tuple[list[dict], int]:
    """The first `count` scheduled go-lives and expiries of the pages `user` may edit, soonest
    first, and how many there are in all.

    The user's pages are chosen in the query, before the cut: cutting the whole portal's list
    first (at 500) left a university's editor, whose items came after 500 of other sites',
    with none of their own. Pages, schedule entries and permissions are read in a few queries
    whatever the number of rows (two a row before).
    """
    from django.db.models import CharField
    from django.db.models.functions import Cast
    from wagtail.models import PageLogEntry
    from wagtail.permission_policies.pages import PagePermissionPolicy

    policy = PagePermissionPolicy()
    editable = policy.instances_user_has_any_permission_for(user, ["change"])
    revisions = Revision.page_revisions.filter(
        approved_go_live_at__isnull=False,
        object_id__in=editable.annotate(text_id=Cast("pk", CharField())).values("text_id"),
    ).select_related("user")
    expiring = Page.objects.filter(live=True, expire_at__isnull=False, pk__in=editable.values("pk"))
    total = revisions.count() + expiring.count()
    revisions = list(revisions.order_by("approved_go_live_at", "pk")[:count])
    expiring = list(expiring.order_by("expire_at", "pk")[:count])

    pages = Page.objects.in_bulk({int(revision.object_id) for revision in revisions})
    pages.update({page.pk: page for page in expiring})
    publishable = set(
        policy.instances_user_has_any_permission_for(user, ["publish"])
        .filter(pk__in=list(pages))
        .values_list("pk", flat=True)
    )
    scheduled_by = {
        entry.revision_id: entry.user
        for entry in PageLogEntry.objects.filter(
            action="wagtail.publish.schedule", revision__in=revisions
        )
        .select_related("user")
        .order_by("timestamp")  # the latest entry of a revision wins
    }
    # Who set the expiry: the last person to publish or schedule the page, not the sweep
    # that published it on time (no user: 安排人 showed —).
    published_by = {
        entry.page_id: entry.user
        for entry in PageLogEntry.objects.filter(
            action__startswith="wagtail.publish", page__in=expiring, user__isnull=False
        )
        .select_related("user")
        .order_by("timestamp")
    }
    items = [
        {
            "kind": "publish",
            "at": revision.approved_go_live_at,
            "page": pages[int(revision.object_id)],
            "revision": revision,
            "by": scheduled_by.get(revision.pk) or revision.user,
        }
        for revision in revisions
        if int(revision.object_id) in pages
    ]
    items += [
        {"kind": "expire", "at": page.expire_at, "page": page, "revision": None,
         "by": published_by.get(page.pk)}
        for page in expiring
    ]  # fmt: skip
    items.sort(key=lambda item: item["at"])
    for item in items:
        item["can_publish"] = item["page"].pk in publishable
    return items[:count], total


def reschedule_publish(revision_id: int, when: datetime, user=None) -> None:
    if when <= timezone.now():
        raise ScheduleError("发布时间必须晚于当前时间。")
    with transaction.atomic():
        revision = Revision.objects.select_for_update().filter(pk=revision_id).first()
        if revision is None or revision.approved_go_live_at is None:
            raise ScheduleError("该定时发布已不存在（可能已经发布或被取消）。")
        page = revision.content_object
        expire_at = getattr(page, "expire_at", None)
        if expire_at is not None and expire_at <= when:
            raise ScheduleError("下线时间必须晚于发布时间。")
        revision.approved_go_live_at = when  # post_save queues the task (on_revision_saved)
        revision.content["go_live_at"] = when.isoformat()
        revision.save(update_fields=["approved_go_live_at", "content"])
        Page.objects.filter(pk=page.pk).update(go_live_at=when)


def cancel_publish(revision_id: int) -> None:
    with transaction.atomic():
        revision = Revision.objects.select_for_update().filter(pk=revision_id).first()
        if revision is None or revision.approved_go_live_at is None:
            raise ScheduleError("该定时发布已不存在（可能已经发布或被取消）。")
        revision.approved_go_live_at = None
        revision.content["go_live_at"] = None
        revision.save(update_fields=["approved_go_live_at", "content"])
        Page.objects.filter(pk=revision.object_id).update(go_live_at=None)


def reschedule_expiry(page_id: int, when: datetime | None) -> None:
    """Move a live page's expiry (None cancels it)."""
    if when is not None and when <= timezone.now():
        raise ScheduleError("下线时间必须晚于当前时间。")
    with transaction.atomic():
        page = Page.objects.select_for_update().filter(pk=page_id, live=True).first()
        if page is None:
            raise ScheduleError("该页面未发布，无法设置下线时间。")
        if when is None and page.expire_at is None:
            raise ScheduleError("该页面没有定时下线，无需取消。")
        pending = Revision.page_revisions.filter(
            object_id=str(page_id), approved_go_live_at__isnull=False
        ).first()
        if when is not None and pending and pending.approved_go_live_at >= when:
            raise ScheduleError("下线时间必须晚于发布时间。")
        _set_schedule_fields(page_id, expire_at=when)
    if when is not None:
        transaction.on_commit(lambda: queue_expiry(page_id, when))


def on_revision_saved(revision: Revision) -> None:
    """Signal hook: a revision that just got a go-live time is queued after commit."""
    at = revision.approved_go_live_at
    if at is not None:
        transaction.on_commit(lambda: queue_publish(revision.pk, at))


def on_page_published(page: Page) -> None:
    """Signal hook: a page that went live with an expiry time is queued for it."""
    if page.live and page.expire_at is not None:
        page_id, at = page.pk, page.expire_at
        transaction.on_commit(lambda: queue_expiry(page_id, at))
