"""Settings for modelsearch's own backend test suite run against the portal's backend.

Run by scripts/test.sh as a separate pytest session (it needs modelsearch's test app instead
of the portal's apps):  pytest --noconftest --ds=tests.peer.settings tests/peer
"""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import environ

env = environ.Env()
REPO = Path(__file__).resolve().parents[2]
SHARED = Path(env("PORTAL_SHARED_DIR", default=str(REPO.parent / "shared")))

SECRET_KEY = "peer-tests-only"
DEBUG = False
ALLOWED_HOSTS = ["localhost", "testserver"]
USE_TZ = True
INSTALLED_APPS = [
    "modelsearch.test.testapp",
    "modelsearch",
    "taggit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "modelsearch.test.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
STATIC_URL = "/static/"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "readers": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "readers"},
}
DATABASES = {"default": env.db("DATABASE_URL", default="sqlite:///:memory:")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    INSTALLED_APPS.append("django.contrib.postgres")

MODELSEARCH_BACKENDS = {"default": {"BACKEND": "search.backends.database"}}

# The peer's fixture is read from shared/ under the name its tests ask for ("search"),
# through a link in a temporary folder: nothing is copied into the project.
_fixtures = Path(tempfile.mkdtemp(prefix="peer-fixtures-"))
atexit.register(shutil.rmtree, _fixtures, ignore_errors=True)
os.symlink(SHARED / "peer" / "modelsearch-search.json", _fixtures / "search.json")
FIXTURE_DIRS = [str(_fixtures)]
