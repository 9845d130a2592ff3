"""OpenSearch 3 made Chinese-aware (production engine; Elasticsearch 8/9 would subclass alike).

Documents are segmented in Python with the same analysis as the database backends
(search.text) and the engine splits them on whitespace only, so its word list is ours:
its standard analyzer would cut every Chinese character apart (党史 → 党 / 史).

    WAGTAILSEARCH_BACKENDS = {"default": {
        "BACKEND": "search.backends.opensearch", "URLS": [SEARCH_URL], "INDEX_PREFIX": "portal_"}}
"""

from __future__ import annotations

import copy

from modelsearch.backends.opensearch3 import (
    OpenSearch3AutocompleteQueryCompiler,
    OpenSearch3Mapping,
    OpenSearch3SearchBackend,
    OpenSearch3SearchQueryCompiler,
    OpenSearch3SearchResults,
)
from modelsearch.index import AutocompleteField, SearchField
from modelsearch.query import And, Not
from modelsearch.utils import deep_update
from opensearchpy.exceptions import ConnectionError as EngineConnectionError
from opensearchpy.exceptions import ConnectionTimeout

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


ENGINE_DOWN = (EngineConnectionError, ConnectionTimeout)


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


class QueryCompiler(ChineseQueryCompilerMixin, OpenSearch3SearchQueryCompiler):
    mapping_class = ChineseMapping

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


class AutocompleteQueryCompiler(ChineseQueryCompilerMixin, OpenSearch3AutocompleteQueryCompiler):
    mapping_class = ChineseMapping
    match_characters = False


class SearchResults(OpenSearch3SearchResults):
    """A page of results that also tells how many matched (`matched`), from the same request:
    the search service then needs no separate count round trip (search.services)."""

    matched: int | None = None

    def _backend_do_search(self, body, **kwargs):
        if "scroll" not in kwargs:
            kwargs["track_total_hits"] = True
        response = super()._backend_do_search(body, **kwargs)
        total = response["hits"].get("total")
        if isinstance(total, dict) and total.get("relation") == "eq":
            self.matched = total["value"]
        return response


class ChineseOpenSearchBackend(OpenSearch3SearchBackend):
    mapping_class = ChineseMapping
    results_class = SearchResults
    query_compiler_class = QueryCompiler
    autocomplete_query_compiler_class = AutocompleteQueryCompiler

    def __init__(self, params):
        super().__init__(params)
        self.settings = deep_update(copy.deepcopy(self.settings), copy.deepcopy(PORTAL_ANALYSIS))

    # While the engine is unreachable, publishing goes on (modelsearch logs and swallows the
    # error) and every missed update is recorded, to be replayed when it answers again.
    def add(self, obj, _replaying=False):
        try:
            super().add(obj)
        except ENGINE_DOWN:
            if _replaying:
                raise
            record_missed(obj, "update")
            raise

    def add_bulk(self, model, obj_list):
        try:
            super().add_bulk(model, obj_list)
        except ENGINE_DOWN:
            for obj in obj_list:
                record_missed(obj, "update")
            raise

    def delete(self, obj, _replaying=False):
        try:
            super().delete(obj)
        except ENGINE_DOWN:
            if _replaying:
                raise
            record_missed(obj, "delete")
            raise


SearchBackend = ChineseOpenSearchBackend
