"""Wagtail's database search backends (SQLite FTS5, PostgreSQL) made Chinese-aware.

Every indexed text value is normalised and segmented into space-separated words before the
database sees it, and every query is segmented the same way (search.backends.query), so the
databases' own tokenisers, which split on spaces, work on Chinese words.

    WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "search.backends.database"}}
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.db import DatabaseError, ProgrammingError, connection
from django.db.models import Count, FloatField, Window, prefetch_related_objects
from django.db.models.expressions import RawSQL
from modelsearch.index import AutocompleteField, RelatedFields, SearchField
from modelsearch.utils import get_content_type_pk

from search.text import for_database, segment_for_index

from .query import for_database_query, segment_query


def _segmented(prepare_field):
    """Wrap an ObjectIndexer.prepare_field so leaf text values come out segmented.

    The indexer asks for every field three times (title, body, autocomplete); each field of
    each object is read and segmented once.
    """

    def prepare(self, obj, field):
        cache = self.__dict__.setdefault("_portal_prepared", {})
        key = (id(obj), id(field))
        if key not in cache:
            if isinstance(field, RelatedFields):
                # Recurses into self.prepare_field for each sub-field: segmented there, once.
                cache[key] = list(prepare_field(self, obj, field))
            else:
                cache[key] = [
                    (
                        *item[:-1],
                        for_database(
                            segment_for_index(item[-1], pairs=isinstance(item[0], SearchField))
                        ),
                    )
                    if isinstance(item[0], SearchField | AutocompleteField)
                    else item
                    for item in prepare_field(self, obj, field)
                ]
        yield from cache[key]

    return prepare


def prefetch_search_relations(model, objs: list) -> None:
    """Load the related objects search fields read (authors, tags …) in one query each."""
    names = [f.field_name for f in model.get_search_fields() if isinstance(f, RelatedFields)]
    for name in names:
        try:
            prefetch_related_objects(objs, name)
        except (AttributeError, ValueError, TypeError):
            pass  # not a prefetchable relation (a property or method): read per object


class ChineseQueryCompilerMixin:
    # Autocomplete fields hold words only (prefixes of words), no character pairs.
    match_characters = True
    # The databases' tokenisers split words at punctuation; their index writes it as letters
    # (search.text.for_database). OpenSearch's whitespace tokeniser keeps words as they are.
    letters_for_punctuation = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.query = segment_query(self.query, characters=self.match_characters)
        if self.letters_for_punctuation:
            self.query = for_database_query(self.query)


def _as_int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@functools.cache
def _sqlite_backend():
    from modelsearch.backends.database.sqlite import sqlite as base
    from modelsearch.backends.database.sqlite.query import normalize as sqlite_normalize
    from modelsearch.query import MatchAll, Not
    from modelsearch.utils import get_descendants_content_types_pks

    class ObjectIndexer(base.ObjectIndexer):
        prepare_field = _segmented(base.ObjectIndexer.prepare_field)

    class Index(base.SQLiteIndex):
        def __str__(self):  # update_index prints it ("Rebuilding index …"), not an object repr
            return base.IndexEntry._meta.db_table

        def add_items(self, model, objs):
            if not model.get_search_fields():
                return
            objs = list(objs)
            prefetch_search_relations(model, objs)
            rows = {}
            for obj in objs:
                indexer = ObjectIndexer(obj, self.backend)
                rows[indexer.id] = {
                    "title": indexer.title,
                    "autocomplete": indexer.autocomplete,
                    "body": indexer.body,
                }
            if not rows:
                return
            content_type_pk = get_content_type_pk(model)
            entries = self.entries.filter(content_type_id=content_type_pk)
            existing = set(
                entries.filter(object_id__in=list(rows)).values_list("object_id", flat=True)
            )
            for object_id in existing:
                entries.filter(object_id=object_id).update(**rows[object_id])
            self.entries.bulk_create(
                [
                    base.IndexEntry(content_type_id=content_type_pk, object_id=object_id, **row)
                    for object_id, row in rows.items()
                    if object_id not in existing
                ]
            )
            self._refresh_title_norms()
            self._ensure_statistics()

        def _ensure_statistics(self):
            """Keep SQLite's planner statistics for the index table current.

            Without them SQLite joins the FTS table row by row from the entry table: 12.8 s
            instead of 2 ms for one query on the 12,928-document dev corpus (measured).
            """
            table = base.IndexEntry._meta.db_table
            with self.write_connection.cursor() as cursor:
                cursor.execute(f'SELECT count(*) FROM "{table}"')
                rows = cursor.fetchone()[0]
                try:
                    cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
                    stat = cursor.fetchone()
                except DatabaseError:  # no sqlite_stat1 before the first ANALYZE
                    stat = None
                analysed = int(stat[0].split()[0]) if stat else 0
                if rows >= 2 * max(analysed, 50) or (rows and not stat):
                    cursor.execute(f'ANALYZE "{table}"')

    from modelsearch.backends.database.sqlite.query import SearchQueryExpression
    from modelsearch.query import PlainText

    class Grouped(SearchQueryExpression):
        def as_sql(self, compiler, connection, **extra_context):
            sql, params = super().as_sql(compiler, connection, **extra_context)
            return f"({sql})", params

    class QueryCompiler(ChineseQueryCompilerMixin, base.SQLiteSearchQueryCompiler):
        def ranked_ids(self, config) -> list[str] | None:
            """Ids of every match, best first, from one pass over the FTS index.

            modelsearch scores each result with a correlated subquery that runs the whole
            MATCH again per row: 4.5 s for a six-word OR query matching 2,316 of the dev
            corpus' documents. Here bm25 is computed once per match. None where the query
            has no ranking of its own (match-all, pure negation): modelsearch's path then.
            """
            query = sqlite_normalize(self.query)
            if isinstance(query, MatchAll | Not):
                return None
            match = base.MatchExpression(
                self.fields or self.FTS_TABLE_FIELDS, self.build_search_query(query, config)
            )
            rank = self._rank_expression(config)
            content_types = get_descendants_content_types_pks(self.queryset.model)
            rows = (
                base.SQLiteFTSIndexEntry.objects.filter(match)
                .filter(index_entry__content_type__in=content_types)
                .annotate(score=rank)
                .values_list("index_entry__object_id", "score")
            )
            self.matches = rows.values("index_entry__object_id")
            # bm25 is negative, best first; ties newest first, as modelsearch orders them.
            ranked = sorted(rows, key=lambda row: (row[1], -_as_int(row[0])))
            return [object_id for object_id, _ in ranked]

        def _rank_expression(self, config):
            """bm25 with the title column weighted (modelsearch weighs every column alike).

            FTS5 column order: autocomplete, body, title. A word in the title says what the
            article is about. Dev corpus, keyword / phrase nDCG@10 when the weight was chosen
            (bench/search_bench.py, before character pairs and the second tier): weight
            1 → 0.523 / 0.978, 4 → 0.554 / 0.992, 8 → 0.554 / 0.993.
            """
            if self.fields:  # a search restricted to some fields: modelsearch's ranking
                return self._build_rank_expression(self.get_search_vectors(), config)
            table = base.SQLiteFTSIndexEntry._meta.db_table
            weight = float(getattr(settings, "PORTAL_SEARCH_TITLE_WEIGHT", 4.0))
            return RawSQL(f'bm25("{table}", 0, 1, %s)', [weight], output_field=FloatField())

        def build_search_query_content(self, query, config=None):
            # modelsearch writes several words as `"a" OR "b"` without parentheses, so in
            # And(Or-words, Not(…)) FTS5's NOT binds to the last word only. Group them.
            built = super().build_search_query_content(query, config=config)
            if isinstance(query, PlainText) and isinstance(built, SearchQueryExpression):
                return Grouped(built.value)
            return built

    class AutocompleteQueryCompiler(
        ChineseQueryCompilerMixin, base.SQLiteAutocompleteQueryCompiler
    ):
        match_characters = False

    class SearchResults(base.SQLiteSearchResults):
        def _do_search(self):
            compiler = self.query_compiler
            if (
                not isinstance(compiler, QueryCompiler)  # autocomplete: modelsearch's own path
                or not compiler.order_by_relevance
                or self._score_field is not None
            ):
                return super()._do_search()
            ranked = compiler.ranked_ids(compiler.get_config(self.backend))
            if ranked is None:
                return super()._do_search()
            # The matches the caller's queryset allows (live, this site …), in one query.
            allowed = {
                str(pk)
                for pk in compiler.queryset.filter(pk__in=compiler.matches).values_list(
                    "pk", flat=True
                )
            }
            window = [object_id for object_id in ranked if object_id in allowed]
            self.matched = len(window)  # the caller's count, without a second query
            window = window[self.start : self.stop]
            objs = {str(pk): obj for pk, obj in compiler.queryset.in_bulk(window).items()}
            return [objs[object_id] for object_id in window if object_id in objs]

    class ChineseSQLiteSearchBackend(base.SQLiteSearchBackend):
        results_class = SearchResults
        index_class = Index
        query_compiler_class = QueryCompiler
        autocomplete_query_compiler_class = AutocompleteQueryCompiler

    return ChineseSQLiteSearchBackend


@functools.cache
def _postgres_backend():
    from modelsearch.backends.database.postgres import postgres as base

    class ObjectIndexer(base.ObjectIndexer):
        prepare_field = _segmented(base.ObjectIndexer.prepare_field)

    class Index(base.PostgresIndex):
        def __str__(self):  # update_index prints it ("Rebuilding index …"), not an object repr
            return base.IndexEntry._meta.db_table

        def add_items(self, model, objs):
            """A batch in one statement (INSERT … ON CONFLICT DO UPDATE), not an update,
            then an insert, per object."""
            if not model.get_search_fields():
                return
            content_type_pk = get_content_type_pk(model)
            objs = list(objs)
            prefetch_search_relations(model, objs)
            entries = {}
            for obj in objs:
                indexer = ObjectIndexer(obj, self.backend)
                entries[indexer.id] = base.IndexEntry(
                    content_type_id=content_type_pk,
                    object_id=indexer.id,
                    title=indexer.title,
                    autocomplete=indexer.autocomplete,
                    body=indexer.body,
                    title_text=indexer.title_text,
                    body_text=indexer.body_text,
                    title_norm=1.0,
                )
            if not entries:
                return
            fields = ["title", "autocomplete", "body", "title_text", "body_text", "title_norm"]
            self.entries.bulk_create(
                entries.values(),
                update_conflicts=True,
                unique_fields=["content_type", "object_id"],
                update_fields=fields,
            )
            self._refresh_title_norms()

    from django.contrib.postgres.search import SearchQuery as PostgresSearchQuery
    from modelsearch.query import And, Not, Phrase, PlainText

    class QueryCompiler(ChineseQueryCompilerMixin, base.PostgresSearchQueryCompiler):
        def build_tsquery_content(self, query, config=None, invert=False):
            # modelsearch negates each word of a Not(PlainText) but keeps its operator, so
            # Not("a b", and) became !a & !b (neither word). De Morgan: !a | !b.
            if invert and isinstance(query, PlainText) and len(query.query_string.split()) > 1:
                swapped = "or" if query.operator == "and" else "and"
                query = PlainText(query.query_string, operator=swapped)
            # modelsearch drops the negation of a phrase: Not(Phrase) matched the phrase.
            if invert and isinstance(query, Phrase):
                return PostgresSearchQuery(
                    query.query_string, search_type="phrase", config=config, invert=True
                )
            return super().build_tsquery_content(query, config=config, invert=invert)

        def build_tsrank(self, vector, query, config=None, boost=1.0):
            # An exclusion says nothing about how good a match is: ts_rank of a negated
            # query is 0 (1e-20) on every row it lets through, so modelsearch's product over
            # And's parts is the same without it. The second tier's query holds two
            # exclusions, and each part is ranked on title and body for every match: dropping
            # them saves four of six ts_rank calls a row over thousands of rows.
            if isinstance(query, And):
                kept = [q for q in query.subqueries if not isinstance(q, Not)]
                if kept and len(kept) < len(query.subqueries):
                    query = kept[0] if len(kept) == 1 else And(kept)
            return super().build_tsrank(vector, query, config=config, boost=boost)

    class AutocompleteQueryCompiler(
        ChineseQueryCompilerMixin, base.PostgresAutocompleteQueryCompiler
    ):
        match_characters = False

    class SearchResults(base.PostgresSearchResults):
        matched: int | None = None

        def _do_search(self):
            """The page and, in the same query, how many matched (COUNT(*) OVER ()): the
            search service reads `matched` instead of a second query that runs the match
            and the ranking again (search.services.TieredResults)."""
            compiler = self.query_compiler
            if not isinstance(compiler, QueryCompiler) or self.start == 0 and not self.stop:
                return super()._do_search()
            unsliced = compiler.search(
                compiler.get_config(self.backend),
                0,
                None,
                score_field=self._score_field,
                backend=self.backend,
            )
            window = unsliced.annotate(_portal_matched=Window(Count("pk")))
            try:
                rows = list(window[self.start : self.stop])
            except ProgrammingError as exc:  # a fuzzy search without pg_trgm: a clear error
                self._handle_missing_postgres_extension(exc)
                raise
            if rows:
                self.matched = rows[0]._portal_matched
            elif self.start == 0:
                self.matched = 0
            return rows

    class ChinesePostgresSearchBackend(base.PostgresSearchBackend):
        index_class = Index
        results_class = SearchResults
        query_compiler_class = QueryCompiler
        autocomplete_query_compiler_class = AutocompleteQueryCompiler

        def __init__(self, params):
            super().__init__(params)
            # The text is segmented already: PostgreSQL's "simple" configuration keeps every
            # word as it is, as SQLite and OpenSearch do. Its default (usually "english")
            # would drop "and" and stem "teaching" to "teach" on this backend only.
            self.config = params.get("SEARCH_CONFIG") or "simple"

    return ChinesePostgresSearchBackend


def SearchBackend(params):  # noqa: N802 (Wagtail looks this name up)
    if connection.vendor == "postgresql":
        return _postgres_backend()(params)
    if connection.vendor == "sqlite":
        return _sqlite_backend()(params)
    raise NotImplementedError(f"No Chinese-aware search backend for {connection.vendor}")
