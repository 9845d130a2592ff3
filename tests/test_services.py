"""The run uses the database the test command asked for: SQLite, then PostgreSQL."""

import os

import pytest
from django.db import connection

from tests.conftest import IN_CI


@pytest.mark.django_db
def test_database_vendor_is_the_one_requested():
    expected = os.environ.get("PORTAL_EXPECT_DB_VENDOR")
    if expected is None:
        if IN_CI:
            pytest.fail("CI runs the suite through scripts/test.sh, which names the database")
        expected = connection.vendor
    assert connection.vendor == expected
