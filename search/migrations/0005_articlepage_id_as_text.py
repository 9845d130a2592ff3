"""An index on the article id as text, the form PostgreSQL's search backend joins on.

modelsearch stores object ids as text and joins a model to its index entries on
`page_ptr_id::varchar::text = object_id`. No index holds that expression, so after the GIN
index (0004) found the few matching entries, PostgreSQL still read every article to join
them, a cost that grows with the number of articles. For 教材 (19 matches among 12,928
articles) the query took 8.2 ms, 4.6 ms of it reading the articles; with this index it looks
each match up and takes 1.4 ms. `bench/search_bench.py --postgres --engines ours-db`: API
p50 37.7 → 27.9 ms, p95 90.5 → 79.1 ms. Readers search articles only, so only the article
table gets it. Built CONCURRENTLY; a no-op on SQLite, whose backend joins differently
(search.backends.database).
"""

from django.db import migrations

from search.migrations._postgres_index import postgres_index


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [
        ("search", "0004_indexentry_title_body_gin"),
        ("articles", "0006_chinese_default_groups"),
    ]

    operations = [
        postgres_index(
            "search_articlepage_id_as_text",
            "articles",
            "ArticlePage",
            "((page_ptr_id::varchar(50)::text))",
        )
    ]
