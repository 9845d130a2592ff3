"""Index updates an unreachable search engine missed, kept until it answers again."""

from __future__ import annotations

import logging

from django.apps import apps
from django.db import DatabaseError

logger = logging.getLogger(__name__)


def record_missed(obj, action: str, backend_name: str = "default") -> None:
    from .models import PendingIndexUpdate

    try:
        PendingIndexUpdate.objects.update_or_create(
            backend_name=backend_name,
            app_label=obj._meta.app_label,
            model_name=obj._meta.model_name,
            object_pk=str(obj.pk),
            defaults={"action": action},
        )
    except DatabaseError:  # never let bookkeeping break a publish
        logger.exception("could not record a missed index update for %r", obj)


def replay_missed(backend, backend_name: str = "default", limit: int = 1000) -> int:
    """Re-send missed updates (latest state of each object); return how many were applied."""
    from .models import PendingIndexUpdate

    done = 0
    pending = PendingIndexUpdate.objects.filter(backend_name=backend_name).order_by("pk")
    for item in pending[:limit]:
        model = apps.get_model(item.app_label, item.model_name)
        obj = model._default_manager.filter(pk=item.object_pk).first()
        try:
            if obj is None or item.action == "delete":
                if obj is not None:
                    backend.delete(obj, _replaying=True)
            else:
                backend.add(obj, _replaying=True)
        except Exception:  # still down: keep it for the next run
            PendingIndexUpdate.objects.filter(pk=item.pk).update(attempts=item.attempts + 1)
            logger.warning("search engine still unreachable; %s kept", item)
            break
        item.delete()
        done += 1
    return done
