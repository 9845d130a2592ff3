"""OpenSearch 3 made Chinese-aware (production engine; Elasticsearch 8/9 would subclass alike).

Documents are segmented in Python with the same analysis as the database backends
(search.text) and the engine splits them on whitespace only, so its word list is ours:
its standard analyzer would cut every Chinese character apart (党史 → 党 / 史).

    WAGTAILSEARCH_BACKENDS = {"default": {
        "BACKEND": "search.backends.opensearch", "URLS": [SEARCH_URL], "INDEX_PREFIX": "portal_"}}

While the engine is unreachable (refused, or no answer within the timeouts), searches are
answered by the database backend kept current beside it (the "database" entry of
WAGTAILSEARCH_BACKENDS) and index updates are recorded for replay (search.outbox). Besides
modelsearch's TIMEOUT (the client's default) the backend takes SEARCH_TIMEOUT (searches and
counts) and INDEX_TIMEOUT (one object indexed or deleted on save); portal.settings.base
chooses them.
"""

from __future__ import annotations

import copy
import logging
import os
import time
from collections.abc import Callable
from typing import TypeVar

from django.db.models import QuerySet
from modelsearch.backends import InvalidSearchBackendError, get_search_backend
from modelsearch.backends.base import BaseSearchBackend, BaseSearchResults
from modelsearch.backends.opensearch3 import (
    OpenSearch3AutocompleteQueryCompiler,
    OpenSearch3Index,
    OpenSearch3Mapping,
    OpenSearch3SearchBackend,
    OpenSearch3SearchQueryCompiler,
    OpenSearch3SearchResults,
)
from modelsearch.index import AutocompleteField, SearchField, class_is_indexed
from modelsearch.query import And, Not
from modelsearch.utils import deep_update
from opensearchpy import OpenSearch
from opensearchpy.exceptions import ConnectionError as EngineConnectionError
from opensearchpy.exceptions import ConnectionTimeout, NotFoundError, RequestError, TransportError
from opensearchpy.helpers import BulkIndexError

from search.outbox import record_missed
from search.text import segment_for_index

from .database import ChineseQueryCompilerMixin

# Our words arrive space-separated: split on whitespace, lower-case, nothing more.
PORTAL_ANALYSIS = {
    "settings": {
        "analysis": {
            "analyzer": {
                "default": {"type": "custom", "tokenizer": "whitespace", "filter": ["lowercase"]},
                "portal_words": {
                    "type": "custom",
                    "tokenizer": "whitespace",
                    "filter": ["lowercase"],
                },
                # Autocomplete: prefixes of each word (党建 → 党, 党建), not of characters.
                "edgengram_analyzer": {
                    "type": "custom",
                    "tokenizer": "whitespace",
                    "filter": ["lowercase", "edgengram"],
                },
            }
        }
    }
}


# HTTP statuses by which an engine (or the proxy in front of it) says it cannot serve now:
# recovering after a restart (503 "all shards failed"), a proxy's 502/504, an index put
# read-only by a full disk or too many requests (429).
UNAVAILABLE_STATUSES = {429, 500, 502, 503, 504}


def engine_unavailable(exc: BaseException) -> bool:
    """Whether `exc` says the engine cannot serve now (unreachable, timing out, or answering
    with an UNAVAILABLE_STATUSES error), as opposed to refusing one request or document."""
    if isinstance(exc, (EngineConnectionError, ConnectionTimeout)):
        return True
    if isinstance(exc, BulkIndexError):  # a bulk write: each document's own status
        return any(
            item.get("status") in UNAVAILABLE_STATUSES
            for error in exc.errors
            for item in error.values()
            if isinstance(item, dict)
        )
    return isinstance(exc, TransportError) and exc.status_code in UNAVAILABLE_STATUSES


# The WAGTAILSEARCH_BACKENDS entry that answers while the engine is unreachable (the same one
# search.services falls back to).
FALLBACK_BACKEND = "database"
# After a request to the engine fails, this process leaves it alone for this long: searches
# go straight to the database backend and index updates straight to the outbox, so a hanging
# engine costs one timeout per process every half minute, not one per search or per save.
# The replay task (every 60 s) and update_index still try it, and any success ends the wait.
ENGINE_RETRY_SECONDS = 30.0
# monotonic time until which an engine (by its hosts) is left alone, per process
_unreachable_until: dict[str, float] = {}
# (engine, index, model) whose index this process has seen exist with the model's mapping
_prepared: set[tuple[str, str, str]] = set()

logger = logging.getLogger(__name__)
Answer = TypeVar("Answer")


# One client per engine address and options, per process. modelsearch builds a backend for
# each search (get_search_backend), and each backend a client with its own connection pool,
# so every search opened a new connection: reusing one, a search's round trip took 3.3 ms
# instead of 6.5 (a one-hit search on the dev corpus's index). The process id is part of the
# key: a client made before a fork (a Celery pool, gunicorn's preload) must not share its
# sockets with the children. opensearch-py's clients are thread-safe.
_clients: dict[tuple[int, str], OpenSearch] = {}


def shared_client(hosts, **options) -> OpenSearch:
    key = (os.getpid(), repr((hosts, sorted(options.items()))))
    client = _clients.get(key)
    if client is None:
        client = _clients.setdefault(key, OpenSearch(hosts=hosts, **options))
    return client


def _segment(value, pairs: bool = True):
    if isinstance(value, str):
        return segment_for_index(value, pairs=pairs)
    if isinstance(value, list):
        return [_segment(item, pairs) for item in value]
    return value


class ChineseMapping(OpenSearch3Mapping):
    # modelsearch searches autocomplete fields with "standard", which cuts Chinese into
    # characters; ours searches them with the same whitespace analysis as everything else.
    edgengram_analyzer_config = {
        "analyzer": "edgengram_analyzer",
        "search_analyzer": "portal_words",
    }

    def _get_document_field_data(self, field, obj):
        name, value, edgengrams = super()._get_document_field_data(field, obj)
        if isinstance(field, SearchField | AutocompleteField):
            value = _segment(value, pairs=isinstance(field, SearchField))
            edgengrams = [_segment(v, pairs=False) for v in edgengrams]
        return name, value, edgengrams


class RemembersRequestMixin:
    """Keeps the search as it was asked (before segmentation), to ask the database backend
    the same question when the engine cannot answer."""

    def __init__(self, queryset: QuerySet, query, **kwargs):
        self.request = (query, queryset, kwargs)
        super().__init__(queryset, query, **kwargs)


class QueryCompiler(
    RemembersRequestMixin, ChineseQueryCompilerMixin, OpenSearch3SearchQueryCompiler
):
    mapping_class = ChineseMapping
    letters_for_punctuation = False

    def get_sort(self):
        """By relevance, equal scores newest first (the higher id), as the database backends
        order them: the engine left ties in the order it indexed them, oldest first. Dev
        corpus (bench/search_bench.py, ours-opensearch): keyword nDCG@10 0.578 → 0.583."""
        sort = super().get_sort()
        field = self._get_filterable_field("id") if self.order_by_relevance else None
        if sort is None and field is not None:
            column = self.mapping.get_field_column_name(field)
            return ["_score", {column: {"order": "desc", "unmapped_type": "long"}}]
        return sort

    def _join_and_compile_queries(self, query, fields, boost=1.0):
        # modelsearch compiles And(…, Not(x)) once per field and takes the best: the title
        # field alone then matches "红船 -党史" although the body says 党史. Exclusions apply
        # to the document as a whole instead.
        if len(fields) > 1 and isinstance(query, And):
            negated = [q.subquery for q in query.subqueries if isinstance(q, Not)]
            positive = [q for q in query.subqueries if not isinstance(q, Not)]
            if negated and positive:
                wanted = positive[0] if len(positive) == 1 else And(positive)
                return {
                    "bool": {
                        "must": super()._join_and_compile_queries(wanted, fields, boost),
                        "must_not": [self._compile_query(q, f) for q in negated for f in fields],
                    }
                }
        return super()._join_and_compile_queries(query, fields, boost)


class AutocompleteQueryCompiler(
    RemembersRequestMixin, ChineseQueryCompilerMixin, OpenSearch3AutocompleteQueryCompiler
):
    mapping_class = ChineseMapping
    match_characters = False
    letters_for_punctuation = False


# The largest window modelsearch fetches without scrolling (its PAGE_SIZE); so does fetch_with.
MSEARCH_WINDOW = 100


class SearchResults(OpenSearch3SearchResults):
    """A page of results that also tells how many matched (`matched`), from the same request:
    the search service then needs no separate count round trip (search.services).

    When the engine is unreachable the database backend answers instead (`from_fallback`),
    so readers, the admin's search boxes, choosers and listings keep working.
    """

    matched: int | None = None
    from_fallback = False

    def _backend_do_search(self, body, **kwargs):
        if "scroll" not in kwargs:
            kwargs["track_total_hits"] = True
        kwargs.update(self.backend.search_request_options)
        response = super()._backend_do_search(body, **kwargs)
        total = response["hits"].get("total")
        if isinstance(total, dict) and total.get("relation") == "eq":
            self.matched = total["value"]
        return response

    def _do_search(self):
        return self._engine_or_database(
            lambda: list(super(SearchResults, self)._do_search()), self._database_window
        )

    def fetch_with(self, *others: SearchResults, fill: bool = False) -> bool:
        """Fetch this window and others in one round trip (the engine's _msearch) and their
        articles in one database query: a search page asks for the exact matches and the
        looser tier (or its count) together. The windows must be searches of one queryset
        (the objects found for one are taken for the others). False, with nothing fetched,
        where that cannot be done; each window is then fetched by itself, as before (with
        the database backend answering while the engine is down).

        `fill`: the windows are tiers of one page, each shown after the one before, so a
        later window's results are only those that fit in the room the earlier ones leave
        in this window's size (its `matched` is still its whole count). A page of exact
        matches then builds no article of the looser tier: 10 fewer pages to load for most
        searches (2.5 ms here)."""
        windows = [self, *others]
        if self.backend.engine_marked_down() or any(
            w.stop is None
            or w.stop - w.start > MSEARCH_WINDOW
            or w._results_cache is not None
            or w._score_field
            for w in windows
        ):
            return False
        queryset = self.query_compiler.queryset
        index = self.backend.get_index_for_model(queryset.model).name
        lines: list[dict] = []
        for window in windows:
            body = window._get_es_body()
            body.update(
                {
                    "from": window.start,
                    "size": window.stop - window.start,
                    "_source": False,
                    window.fields_param_name: "pk",
                    "track_total_hits": True,
                }
            )
            lines += [{"index": index}, body]
        try:
            responses = self.backend.es.msearch(body=lines, **self.backend.search_request_options)[
                "responses"
            ]
        except TransportError as exc:
            if engine_unavailable(exc):
                self.backend.mark_engine_down(exc)
            return False  # each window by itself: the fallback, or the error as it was
        if any("error" in response for response in responses):
            return False  # a missing index, say: the windows' own path says what it is
        self.backend.engine_answered()
        pks = [[hit["fields"]["pk"][0] for hit in r["hits"]["hits"]] for r in responses]
        if fill:
            room = self.stop - self.start
            for window_pks in pks:
                del window_pks[max(room, 0) :]
                room -= len(window_pks)
        found = {str(obj.pk): obj for obj in queryset.filter(pk__in={pk for p in pks for pk in p})}
        for window, response, window_pks in zip(windows, responses, pks, strict=True):
            window._results_cache = [found[str(pk)] for pk in window_pks if str(pk) in found]
            window.matched = response["hits"]["total"]["value"]
        return True

    def _do_count(self):
        return self._engine_or_database(
            self._engine_count, lambda database: database[self.start : self.stop].count()
        )

    def facet(self, field_name):
        engine_facet = super().facet
        return self._engine_or_database(
            lambda: engine_facet(field_name), lambda database: database.facet(field_name)
        )

    def _engine_count(self) -> int:
        # modelsearch's count, with the search timeout
        index = self.backend.get_index_for_model(self.query_compiler.queryset.model)
        hit_count = self.backend.es.count(
            index=index.name,
            body=self._get_es_body(for_count=True),
            **self.backend.search_request_options,
        )["count"]
        hit_count -= self.start
        if self.stop is not None:
            hit_count = min(hit_count, self.stop - self.start)
        return max(hit_count, 0)

    def _engine_or_database(
        self, ask_engine: Callable[[], Answer], ask_database: Callable[[BaseSearchResults], Answer]
    ) -> Answer:
        """The engine's answer, or the database backend's while the engine is unreachable
        or has no index yet (a new deployment before its first save or update_index)."""
        backend = self.backend
        database = self._database_results() if backend.engine_marked_down() else None
        if database is None:
            try:
                answer = ask_engine()
            except NotFoundError as exc:
                if exc.error != "index_not_found_exception":
                    raise
                logger.error(
                    "search index %s does not exist: searches are answered by the database "
                    "backend until an article is saved or `manage.py update_index` has run",
                    self.backend.get_index_for_model(self.query_compiler.queryset.model).name,
                )
                database = self._database_results()
                if database is None:
                    raise
            except TransportError as exc:
                if not engine_unavailable(exc):
                    raise
                backend.mark_engine_down(exc)
                database = self._database_results()
                if database is None:  # no database backend configured: nothing else to ask
                    raise
            else:
                backend.engine_answered()
                return answer
        self.from_fallback = True
        return ask_database(database)

    def _database_results(self) -> BaseSearchResults | None:
        """The same search on the database backend (unsliced), or None without one."""
        database = self.backend.database_backend()
        if database is None:
            return None
        compiler = self.query_compiler
        query, queryset, kwargs = compiler.request
        if isinstance(compiler, AutocompleteQueryCompiler):
            results = database.autocomplete(query, queryset, **kwargs)
        else:
            results = database.search(query, queryset, **kwargs)
        return results.annotate_score(self._score_field) if self._score_field else results

    def _database_window(self, database) -> list:
        window = database[self.start : self.stop]
        items = list(window)
        self.matched = getattr(window, "matched", None)
        return items


class ChineseIndex(OpenSearch3Index):
    """modelsearch's index, with one object's update (on save, or replayed) bounded by the
    backend's INDEX_TIMEOUT instead of the client's default."""

    def add_item(self, item):
        if not class_is_indexed(item.__class__):
            return
        mapping = self.mapping_class(item.__class__)
        self.es.index(
            index=self.name,
            body=mapping.get_document(item),
            id=mapping.get_document_id(item),
            **self.backend.index_request_options,
        )

    def delete_item(self, item):
        if not class_is_indexed(item.__class__):
            return
        mapping = self.mapping_class(item.__class__)
        try:
            self.es.delete(
                index=self.name,
                id=mapping.get_document_id(item),
                **self.backend.index_request_options,
            )
        except NotFoundError:
            pass  # not in the index: nothing to delete


class ChineseOpenSearchBackend(OpenSearch3SearchBackend):
    client_class = staticmethod(shared_client)
    mapping_class = ChineseMapping
    index_class = ChineseIndex
    results_class = SearchResults
    query_compiler_class = QueryCompiler
    autocomplete_query_compiler_class = AutocompleteQueryCompiler
    # What says the engine cannot serve now (search.outbox stops its replay on it).
    engine_unavailable = staticmethod(engine_unavailable)

    def __init__(self, params):
        params = dict(params)
        search_timeout = params.pop("SEARCH_TIMEOUT", None)
        index_timeout = params.pop("INDEX_TIMEOUT", None)
        # modelsearch writes the timeout into OPTIONS: a copy, not the settings' own dict.
        params["OPTIONS"] = dict(params.get("OPTIONS") or {})
        super().__init__(params)
        self.settings = deep_update(copy.deepcopy(self.settings), copy.deepcopy(PORTAL_ANALYSIS))
        # Per-request timeouts (opensearch-py's request_timeout); without them, the client's.
        self.search_request_options = {"request_timeout": search_timeout} if search_timeout else {}
        self.index_request_options = {"request_timeout": index_timeout} if index_timeout else {}
        self.engine_key = repr(self.hosts)

    # --- an unreachable engine -------------------------------------------------------------

    def engine_marked_down(self) -> bool:
        return time.monotonic() < _unreachable_until.get(self.engine_key, 0.0)

    def mark_engine_down(self, exc: Exception) -> None:
        _unreachable_until[self.engine_key] = time.monotonic() + ENGINE_RETRY_SECONDS
        logger.warning(
            "search engine unreachable (%s); for %d s searches are answered by the database "
            "backend and index updates recorded for replay",
            exc.__class__.__name__,
            ENGINE_RETRY_SECONDS,
        )

    def engine_answered(self) -> None:
        _unreachable_until.pop(self.engine_key, None)

    def database_backend(self) -> BaseSearchBackend | None:
        """The backend that answers while the engine cannot, or None if none is configured."""
        try:
            backend = get_search_backend(FALLBACK_BACKEND)
        except InvalidSearchBackendError:
            return None
        return None if isinstance(backend, ChineseOpenSearchBackend) else backend

    # --- an index not there yet -------------------------------------------------------------

    def prepare_index(self, model) -> None:
        """Make sure the model's index exists with the model's mapping before a document goes
        in. Without it, a new deployment's first save (before any update_index) made the engine
        create the index itself, with mappings guessed from the document: no _all_text, the
        standard analyzer, and no search found anything. Once per model and process."""
        index = self.get_index_for_model(model)
        key = (self.engine_key, index.name, model._meta.label)
        if key in _prepared:
            return
        options = self.index_request_options
        if not self.es.indices.exists(index=index.name, **options):
            try:
                self.es.indices.create(index=index.name, body=self.settings)
            except RequestError as exc:
                if exc.error != "resource_already_exists_exception":  # another process won
                    raise
            logger.warning("search index %s created (it did not exist)", index.name)
        mapping = self.mapping_class(model)
        self.es.indices.put_mapping(index=index.name, body=mapping.get_mapping(), **options)
        _prepared.add(key)

    # While the engine is unreachable, publishing goes on and every missed update is
    # recorded (one warning line), to be replayed when it answers again. A
    # replay (_replaying) always asks the engine: it is how the engine is found back.
    def add(self, obj, _replaying=False):
        if not _replaying and self.engine_marked_down():
            record_missed(obj, "update")
            logger.info("search engine unreachable; update of %r recorded for replay", obj)
            return
        try:
            if class_is_indexed(obj.__class__):
                self.prepare_index(obj.__class__)
            super().add(obj)
        except TransportError as exc:
            if not engine_unavailable(exc):
                raise  # the engine refuses this document (logged by modelsearch)
            self.mark_engine_down(exc)
            if _replaying:
                raise
            record_missed(obj, "update")
            return  # recorded and logged once (mark_engine_down): no traceback per save
        self.engine_answered()

    def add_bulk(self, model, obj_list):
        if self.engine_marked_down():  # as add(): recorded, the engine not asked again
            for obj in obj_list:
                record_missed(obj, "update")
            logger.info("search engine unavailable; %d updates recorded for replay", len(obj_list))
            return
        try:
            if class_is_indexed(model):
                self.prepare_index(model)
            super().add_bulk(model, obj_list)
        except (TransportError, BulkIndexError) as exc:
            if not engine_unavailable(exc):
                raise
            self.mark_engine_down(exc)
            for obj in obj_list:
                record_missed(obj, "update")
            raise
        self.engine_answered()

    def delete(self, obj, _replaying=False):
        if not _replaying and self.engine_marked_down():
            record_missed(obj, "delete")
            logger.info("search engine unreachable; deletion of %r recorded for replay", obj)
            return
        try:
            super().delete(obj)
        except TransportError as exc:
            if not engine_unavailable(exc):
                raise
            self.mark_engine_down(exc)
            if _replaying:
                raise
            record_missed(obj, "delete")
            return
        self.engine_answered()


SearchBackend = ChineseOpenSearchBackend
