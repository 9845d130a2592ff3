"""The index PostgreSQL's search needs (migration search/0004): a search can find its
matches through it instead of reading every entry. SQLite has its own full-text table and
gets no such index."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from modelsearch.backends import get_search_backend
from wagtail.search.models import IndexEntry

from articles.models import ArticlePage
from search.query_parser import parse_query
from tests.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db
INDEX = "search_indexentry_title_body_gin"


def _index_definition() -> str | None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [INDEX])
        else:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [INDEX])
        row = cursor.fetchone()
    return row[0] if row else None


def test_the_title_body_index_holds_the_expression_searches_match(portal):
    ArticlePageFactory(parent=portal.national_section, title="教材建设", body=[])
    ArticlePageFactory(parent=portal.national_section, title="课程思政", body=[])
    results = get_search_backend().search(parse_query("教材"), ArticlePage.objects.live())
    with CaptureQueriesContext(connection) as ctx:
        assert [page.title for page in results[0:10]] == ["教材建设"]
    if connection.vendor != "postgresql":
        assert _index_definition() is None  # the migration leaves SQLite's schema alone
        return
    search_sql = next(q["sql"] for q in ctx.captured_queries if "@@" in q["sql"])
    # The backend matches the expression the index holds (this fails if modelsearch changes
    # it, leaving the index unused) …
    table = IndexEntry._meta.db_table
    assert f'("{table}"."title" || "{table}"."body") @@' in search_sql
    # … and the index is there, on that expression (the planner prefers a sequential scan on
    # a table of two rows, so the plan itself says nothing here; bench/search_bench.py
    # --postgres measures it on the dev corpus).
    assert f"ON public.{table} USING gin (((title || body)))" in _index_definition()
