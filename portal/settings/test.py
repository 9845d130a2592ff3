"""Test settings: SQLite in memory unless DATABASE_URL names PostgreSQL."""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR, env

SECRET_KEY = "test-only"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "readers": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "readers"},
}
# Where the shared project data (seed article, dev corpus) lives: beside the checkout.
PORTAL_SHARED_DIR = env.path("PORTAL_SHARED_DIR", default=BASE_DIR.parent / "shared")
# Serve static files from the apps (no collectstatic in tests).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Tasks enqueued by signals go to an in-memory broker; tests that need a worker start a real
# one on Redis (tests/conftest.py: celery_worker_on_redis).
CELERY_BROKER_URL = "memory://"
CELERY_BROKER_TRANSPORT = None  # the URL's (base.py names one for the embedded broker)
# Suggestions are built, and counts written, in the request: a thread does not see a test's
# transaction.
PORTAL_SUGGEST_FIRST_WAIT = None
PORTAL_COUNTS_WRITE_IN_BACKGROUND = False
CELERY_BROKER_TRANSPORT_OPTIONS = {}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, like the embedded default, not SQLite's shared-cache memory database: its
    # table locks fail at once ("database table is locked") where a file waits its turn.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(BASE_DIR / "var" / f"test-{os.getpid()}.sqlite3")
    }
