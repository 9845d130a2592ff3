"""A GIN index on the expression PostgreSQL's search backend matches: title || body.

modelsearch's PostgreSQL backend filters with `(title || body) @@ query`. Its own GIN
indexes are on title and on body, which that expression cannot use, so every search read
every index entry, and the time grows with the number of articles. On the 12,928-article
dev corpus one query (教材) took 101 ms in the database, 7 ms with this index;
`bench/search_bench.py --postgres --engines ours-db` went from API p50 333 ms / p95 387 ms
to 54 ms / 155 ms. Built CONCURRENTLY, so a live site keeps indexing while it is built.
A no-op on SQLite, which has its own full-text table.
"""

from django.db import migrations

from search.migrations._postgres_index import postgres_index


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [
        ("search", "0003_site_query_daily_hits"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [
        postgres_index(
            "search_indexentry_title_body_gin",
            "wagtailsearch",
            "IndexEntry",
            'USING gin (("title" || "body"))',
        )
    ]
