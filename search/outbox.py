"""Index updates an unreachable search engine missed, kept until it answers again."""

from __future__ import annotations

import logging

from django.apps import apps
from django.db import DatabaseError, transaction
from django.db.models import Q

logger = logging.getLogger(__name__)


def record_missed(obj, action: str, backend_name: str = "default") -> None:
    from .models import PendingIndexUpdate

    try:
        # A savepoint: on PostgreSQL a failed statement would otherwise abort the publish's
        # own transaction, which this must never break.
        with transaction.atomic():
            PendingIndexUpdate.objects.update_or_create(
                backend_name=backend_name,
                app_label=obj._meta.app_label,
                model_name=obj._meta.model_name,
                object_pk=str(obj.pk),
                defaults={"action": action},
            )
    except DatabaseError:
        logger.exception("could not record a missed index update for %r", obj)


def _key(obj) -> tuple[str, str, str]:
    return obj._meta.app_label, obj._meta.model_name, str(obj.pk)


def note_pending(objects: list, backend_name: str = "default") -> dict:
    """Record index updates about to be sent (one statement for them all). Returns the rows
    as recorded, for forget_pending: their ids and updated_at as the insert returned and set
    them (PostgreSQL and SQLite return the ids of the rows updated on conflict too)."""
    from .models import PendingIndexUpdate

    rows = {
        _key(obj): PendingIndexUpdate(
            backend_name=backend_name, app_label=obj._meta.app_label,
            model_name=obj._meta.model_name, object_pk=str(obj.pk), action="update",
        )
        for obj in objects
    }  # fmt: skip
    PendingIndexUpdate.objects.bulk_create(
        rows.values(),
        update_conflicts=True,
        unique_fields=["backend_name", "app_label", "model_name", "object_pk"],
        update_fields=["action", "updated_at", "attempts"],
    )
    return {key: (row.pk, row.updated_at) for key, row in rows.items()}


def forget_pending(noted: dict, objects: list) -> None:
    """The objects' updates that note_pending recorded were sent: their rows go, but only
    as they were recorded (as replay_missed does): an update recorded since is kept."""
    from .models import PendingIndexUpdate

    rows = [noted[_key(obj)] for obj in objects if _key(obj) in noted]
    for start in range(0, len(rows), 200):  # SQLite's limit on an expression's depth
        as_noted = Q()
        for pk, updated_at in rows[start : start + 200]:
            as_noted |= Q(pk=pk, updated_at=updated_at)
        PendingIndexUpdate.objects.filter(as_noted).delete()


def replay_missed(backend, backend_name: str = "default", limit: int = 1000) -> int:
    """Re-send missed updates (latest state of each object); return how many were applied.

    Stops at the first sign that the engine still cannot serve (the backend's
    `engine_unavailable`). Any other failure (the engine refuses one document) is counted on
    that row and the replay goes on: the rows that failed most wait at the back, so one bad
    document never holds up the rest.
    """
    from .models import PendingIndexUpdate

    unavailable = getattr(backend, "engine_unavailable", lambda exc: False)
    # Only an engine's backend knows a replay (it always asks the engine then). Rows are
    # left for the database backend once SEARCH_URL is unset after an outage: replayed into
    # it (a re-index of those objects) they drain; before, each run failed on every row.
    replaying = {"_replaying": True} if hasattr(backend, "engine_unavailable") else {}
    done = 0
    pending = PendingIndexUpdate.objects.filter(backend_name=backend_name)
    for item in pending.order_by("attempts", "pk")[:limit]:
        try:
            model = apps.get_model(item.app_label, item.model_name)
        except LookupError:  # the model is gone (an app removed): nothing left to send
            logger.error("missed index update for an unknown model dropped: %s", item)
            item.delete()
            continue
        obj = model._default_manager.filter(pk=item.object_pk).first()
        try:
            if obj is None:
                # Deleted since: the engine may still hold it. A stand-in with the same
                # key is all the backend needs to remove the document.
                backend.delete(model(pk=item.object_pk), **replaying)
            elif item.action == "delete":
                backend.delete(obj, **replaying)
            else:
                backend.add(obj, **replaying)
        except Exception as exc:
            PendingIndexUpdate.objects.filter(pk=item.pk).update(attempts=item.attempts + 1)
            if unavailable(exc):  # still down: keep it (and the rest) for the next run
                logger.warning("search engine still unavailable (%s); %s kept", exc, item)
                break
            logger.exception("search engine refused a missed index update; %s kept", item)
            continue
        # Only the row as it was read: an update recorded meanwhile stays for the next run.
        PendingIndexUpdate.objects.filter(pk=item.pk, updated_at=item.updated_at).delete()
        done += 1
    return done


def replay_all_missed(backend, backend_name: str = "default") -> int:
    """Replay round after round (1,000 a round) until a round gets nothing through."""
    done = 0
    while applied := replay_missed(backend, backend_name):
        done += applied
    return done


def pending_count(backend_name: str = "default") -> int:
    from .models import PendingIndexUpdate

    return PendingIndexUpdate.objects.filter(backend_name=backend_name).count()
