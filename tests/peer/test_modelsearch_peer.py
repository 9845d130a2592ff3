"""modelsearch's own backend tests, run against the portal's Chinese-aware database backend.

The upstream classes keep their own skips (e.g. SQLite has no boosting); only the backend
under test changes. Tests that need records the 1.1.1 fixture lacks are listed in the README.
"""

import modelsearch.tests.test_postgres_backend as upstream_postgres
import modelsearch.tests.test_sqlite_backend as upstream_sqlite
from django.test.utils import override_settings

PORTAL_BACKEND = {"default": {"BACKEND": "search.backends.database"}}
# The portal searches PostgreSQL with its "simple" configuration (words as typed, as on SQLite
# and OpenSearch); modelsearch's suite assumes the database default, "english": its
# test_boost relies on "the" being dropped (the stock backend fails it with "simple" too).
PORTAL_BACKEND_ENGLISH = {"default": {**PORTAL_BACKEND["default"], "SEARCH_CONFIG": "english"}}


@override_settings(MODELSEARCH_BACKENDS=PORTAL_BACKEND)
class TestPortalBackendOnSQLite(upstream_sqlite.TestSQLiteSearchBackend):
    backend_path = "search.backends.database"


@override_settings(MODELSEARCH_BACKENDS=PORTAL_BACKEND_ENGLISH)
class TestPortalBackendOnPostgres(upstream_postgres.TestPostgresSearchBackend):
    backend_path = "search.backends.database"
