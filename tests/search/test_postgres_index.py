"""The indexes PostgreSQL's search needs (migrations search/0004 and 0005): a search finds
its matches, and joins them to their articles, through them instead of reading every entry
and every article. SQLite has its own full-text table and gets neither."""

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
JOIN_INDEX = "search_articlepage_id_as_text"


def _index_definition(name: str = INDEX) -> str | None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [name])
        else:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [name])
        row = cursor.fetchone()
    return row[0] if row else None


def test_the_title_body_index_holds_the_expression_searches_match(portal):
    ArticlePageFactory(parent=portal.national_section, title="教材建设", body=[])
    ArticlePageFactory(parent=portal.national_section, title="课程思政", body=[])
    results = get_search_backend().search(parse_query("教材"), ArticlePage.objects.live())
    with CaptureQueriesContext(connection) as ctx:
        assert [page.title for page in results[0:10]] == ["教材建设"]
    if connection.vendor != "postgresql":
        # the migrations leave SQLite's schema alone
        assert _index_definition() is None and _index_definition(JOIN_INDEX) is None
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
    # The join from index entries to articles compares the article id as text; the other
    # index holds that expression, so the join looks matches up instead of reading every
    # article.
    articles = ArticlePage._meta.db_table
    assert f'= ("{articles}"."page_ptr_id")::varchar(50)' in search_sql
    assert (
        f"ON public.{articles} USING btree ((((page_ptr_id)::character varying(50))::text))"
        in _index_definition(JOIN_INDEX)
    )
