"""Indexing many objects at once: what a bulk writer (the article import) calls instead of
letting every save index its object.

modelsearch indexes an object on each save (a post_save handler that enqueues a django-tasks
task, run at once on the embedded default). The import saves an article three times (the page,
its revision, the publish), and on SQLite each index write also recomputes the average title
length over the whole index: 177 ms an article on a 13,000-article site, growing with it.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable, Iterator

from django.db.models.signals import post_save
from modelsearch.backends import get_search_backends_with_name
from modelsearch.signal_handlers import post_save_signal_handler

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
    a database backend's error is raised, as modelsearch does for a single object."""
    objects = list(objects)
    if not objects:
        return
    for name, backend in get_search_backends_with_name(with_auto_update=True):
        try:
            backend.add_bulk(model, objects)
        except Exception:
            logger.exception("Exception raised while adding %d %s into the '%s' search backend",
                             len(objects), model.__name__, name)  # fmt: skip
            if not backend.catch_indexing_errors:
                raise
