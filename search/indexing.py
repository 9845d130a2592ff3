"""Indexing many objects at once: what a bulk writer (the article import) calls instead of
letting every save index its object.

modelsearch indexes an object on each save (a post_save handler that enqueues a django-tasks
task, run at once on the embedded default). The import saves an article three times (the page,
its revision, the publish), and on SQLite each index write also recomputes the average title
length over the whole index: 177 ms an article on a 13,000-article site, growing with it.
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Iterable, Iterator

from django.db import connection, transaction
from django.db.models.signals import post_save
from modelsearch.backends import get_search_backends_with_name
from modelsearch.signal_handlers import post_save_signal_handler

from .outbox import forget_pending, note_pending

logger = logging.getLogger("modelsearch.index")  # where modelsearch logs its own failures


@contextlib.contextmanager
def saves_not_indexed(model) -> Iterator[None]:
    """Saves of `model` inside the block leave the search index alone; the caller indexes
    what it wrote with index_in_bulk. For a process writing in bulk (a management command):
    the signal is process-wide."""
    disconnected = post_save.disconnect(post_save_signal_handler, sender=model)
    try:
        yield
    finally:
        if disconnected:
            post_save.connect(post_save_signal_handler, sender=model)


def index_in_bulk(model, objects: Iterable) -> None:
    """Index the objects in every auto-updated backend with one bulk write each; a backend
    on an external service that fails is logged (ours records what it missed, for replay),
    a database backend's error is raised, as modelsearch does for a single object.

    In a transaction (an import's batch), an engine is written once it commits: a batch
    rolled back (an import interrupted, a failed commit) used to leave documents of articles
    that do not exist, which the search pages hid but counted. Until the write, the objects
    wait in the outbox (search.outbox), in the same transaction, so a process stopped between
    the commit and the write loses nothing: the replay sends them.
    """
    objects = list(objects)
    if not objects:
        return
    for name, backend in get_search_backends_with_name(with_auto_update=True):
        # A backend on a service of its own (ours on OpenSearch says what makes it
        # unavailable), not in the database's transaction.
        if hasattr(backend, "engine_unavailable") and connection.in_atomic_block:
            noted = note_pending(objects, name)
            # robust: the batch is committed by then; what fails is logged, left for replay
            transaction.on_commit(
                functools.partial(_write_noted, backend, name, model, objects, noted),
                robust=True,
            )
            continue
        _write(backend, name, model, objects)


def _write(backend, name: str, model, objects: list) -> None:
    try:
        backend.add_bulk(model, objects)
    except Exception:
        logger.exception("Exception raised while adding %d %s into the '%s' search backend",
                         len(objects), model.__name__, name)  # fmt: skip
        if not backend.catch_indexing_errors:
            raise


def _write_noted(backend, name: str, model, objects: list, noted: dict) -> None:
    """After the commit: the bulk write, then the outbox rows it made needless. With the
    engine unreachable they stay, all of them, for the replay. Should the engine refuse the
    bulk write, each object is tried alone (one refused document costs the others nothing);
    what still fails stays in the outbox, and its error is logged."""
    if backend.engine_marked_down():
        return
    try:
        backend.add_bulk(model, objects)
        written = objects
    except Exception:
        if backend.engine_marked_down():
            return
        written = []
        for obj in objects:
            try:
                backend.add_bulk(model, [obj])
            except Exception:
                logger.exception("Exception raised while adding %s %s into the '%s' search "
                                 "backend", model.__name__, obj.pk, name)  # fmt: skip
            else:
                written.append(obj)
    forget_pending(noted, written)
