"""Re-indexing after the editors' dictionary changes how text is segmented."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Manager, QuerySet
from modelsearch.index import AutocompleteField, RelatedFields, SearchField, get_indexed_models

from portal import broker

from .indexing import index_in_bulk
from .models import PendingDictionaryReindex
from .text import DICTIONARY_RECHECK_SECONDS, invalidate_segmenter, normalize

CHUNK = 500


def indexed_text(obj, fields=None) -> Iterator[str]:
    """Every text value the search index holds for obj: its search fields, and those of the
    objects it relates to (an article's 作者 and 关键词), as the index reads them."""
    for field in obj.get_search_fields() if fields is None else fields:
        if isinstance(field, RelatedFields):
            value = field.get_value(obj)
            if isinstance(value, Manager):
                value = value.all()
            related = value if isinstance(value, QuerySet | list | tuple) else [value]
            for item in related:
                if item is not None:
                    yield from indexed_text(item, field.fields)
        elif isinstance(field, SearchField | AutocompleteField):
            value = field.get_value(obj)
            if isinstance(value, list | tuple):
                yield from (str(v) for v in value if v is not None)
            elif value is not None:
                yield str(value)


def queue_reindex(words: list[str]) -> None:
    """After a dictionary change: re-index what holds the words, by a worker, twice (the
    second pass once every process has read the new dictionary: an article another process
    indexed meanwhile with the old one is re-indexed then). While Redis is down the words are
    kept and run_pending_reindexes runs them from the beat's replay: before, the save ended in
    an exception (the editor's 500). Never in the caller's request: a scan of every indexed
    object (7.5 s for 13,000 articles) would outlast gunicorn's timeout on a large site."""
    from .tasks import reindex_for_dictionary_change

    try:
        broker.send(reindex_for_dictionary_change, args=(words,))
        broker.send(
            reindex_for_dictionary_change, args=(words,), countdown=2 * DICTIONARY_RECHECK_SECONDS
        )
    except broker.BrokerUnavailable:
        PendingDictionaryReindex.objects.create(words=words)


def run_pending_reindexes() -> int:
    """The re-indexes queue_reindex kept while Redis was down; returns how many objects."""
    done = 0
    for pending in PendingDictionaryReindex.objects.order_by("pk"):
        done += reindex_objects_containing(pending.words)
        pending.delete()  # after the re-index: a worker killed meanwhile leaves it for the next
    return done


def reindex_objects_containing(words: list[str]) -> int:
    """Re-index whatever holds one of the words in an indexed field: articles whatever their
    state (the admin searches drafts too), 育人号, images, documents … A dictionary change is
    rare, so a scan is fine. Returns how many objects were re-indexed.

    Batches go to every backend as an import's do (search.indexing.index_in_bulk): an engine
    that cannot serve stops neither the database backend, which answers readers meanwhile,
    nor the rest of the scan, and its share is recorded for replay. Before, the first batch's
    error ended the run: neither backend got the rest."""
    wanted = [normalize(w) for w in words if normalize(w)]
    if not wanted:
        return 0
    invalidate_segmenter()  # this worker must segment with the new dictionary
    matched = 0
    for model in get_indexed_models():
        batch = []
        objects = model.get_indexed_objects().order_by("pk")
        for obj in objects.iterator(chunk_size=CHUNK):
            text = normalize(" ".join(indexed_text(obj)))
            if any(word in text for word in wanted):
                batch.append(obj)
            if len(batch) >= CHUNK:
                matched += _index(model, batch)
                batch = []
        if batch:
            matched += _index(model, batch)
    return matched


def _index(model, objs: list) -> int:
    index_in_bulk(model, objs)
    return len(objs)
