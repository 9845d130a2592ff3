"""Settings shared by every environment.

Everything a deployment changes is read from the environment (django-environ); the defaults
give the embedded set-up: SQLite, Chinese-aware database search, Celery on a filesystem broker.
"""

import hashlib
import re
from datetime import timedelta
from pathlib import Path

from .environment import PortalEnv

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent
VAR_DIR = BASE_DIR / "var"  # runtime state of the embedded set-up (database, media, broker)

env = PortalEnv()  # django-environ, refusing values it would misread

SECRET_KEY = env.secret("SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = False  # portal.settings.dev reads DEBUG; production ignores it
# Unknown hosts are served the default site (Wagtail's Site fallback); operators who want
# Django to refuse them list their hostnames here.
ALLOWED_HOSTS = env.hosts("ALLOWED_HOSTS", default=["*"])
CSRF_TRUSTED_ORIGINS = env.origins("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "home",
    "articles",
    "search",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.table_block",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.search_promotions",
    "wagtail.contrib.sitemaps",
    "django.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
]

MIDDLEWARE = [
    "portal.health.HealthCheckMiddleware",  # first: probes come as 127.0.0.1, not a site host
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "portal.methods.ReaderMethodsMiddleware",  # PUT, DELETE … outside the admin: a 405
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # the request's site without a query: after the host check, before Wagtail's redirects
    "home.sites.SiteMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "axes.middleware.AxesMiddleware",  # last: answers a locked-out login (django-axes)
]

# The admin's login form with a Chinese password label and wrong-password message.
WAGTAILADMIN_USER_LOGIN_FORM = "home.forms.PortalLoginForm"
# Guessing passwords at /admin/login/ (django-axes): after AXES_FAILURE_LIMIT wrong passwords
# for one user name from one address, that pair is refused for AXES_COOLOFF_TIME (a user
# name alone would let anyone lock an editor out). The address is the reader's behind the
# proxies (portal.client_ip); a successful login clears the count.
AUTHENTICATION_BACKENDS = [
    "portal.auth_backends.LoginAttemptsBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "portal.client_ip.client_key"
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_TEMPLATE = "login_locked.html"

ROOT_URLCONF = "portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "portal.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the Celery worker writes; the timeout rides out
    # the short write locks instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        # synchronous=NORMAL is the documented safe pairing with WAL (no fsync per commit).
        {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            # Transactions take the write lock when they begin, so a read-check-write (two
            # workers publishing one scheduled revision) is serialised; SQLite ignores
            # SELECT … FOR UPDATE.
            "transaction_mode": "IMMEDIATE",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Chinese first: the reader UI and the Wagtail admin in Simplified Chinese, Beijing time.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
WAGTAILADMIN_PERMITTED_LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
# Every editor works in Beijing time: Wagtail lets each pick a zone of their own otherwise, and
# the 定时发布 page, the comment queue and 推荐位 times then read in it.
WAGTAIL_USER_TIME_ZONES = [TIME_ZONE]
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
# The portal's one way of showing a moment: 2022-02-24 09:17:32. Localised values read the
# format modules under portal/formats/ (Django's zh_Hans ones would show 2022年2月24日 09:17).
FORMAT_MODULE_PATH = ["portal.formats"]
from portal.formats import (  # noqa: E402, F401 (the fallback where nothing is localised)
    DATE_FORMAT,
    DATETIME_FORMAT,
    SHORT_DATE_FORMAT,
    SHORT_DATETIME_FORMAT,
)

WAGTAIL_DATE_FORMAT = "%Y-%m-%d"
WAGTAIL_DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"  # the editor keeps a go-live time's seconds
WAGTAIL_TIME_FORMAT = "%H:%M"

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [PROJECT_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
STATIC_URL = "/static/"
# Files browsers ask for at the root of every site (favicon.ico), served by WhiteNoise.
WHITENOISE_ROOT = PROJECT_DIR / "public"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "portal.storage.PortalFileStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- Wagtail -----------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "全国高校思想政治工作网"
# No avatars from www.gravatar.com (often unreachable from Chinese networks: every admin page
# waited on it): Wagtail shows its own default avatar, or one a user uploads.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILADMIN_BASE_URL = env.url_value(
    "WAGTAILADMIN_BASE_URL",
    "http://127.0.0.1:8000",
    {"http", "https"},
    "https://www.example.edu.cn",
)
WAGTAIL_I18N_ENABLED = False
# Wagtail's Draftail, robust to ids and values its own editor never sends (portal/rich_text.py).
WAGTAILADMIN_RICH_TEXT_EDITORS = {
    "default": {"WIDGET": "portal.rich_text.PortalDraftailRichTextArea"},
}
WAGTAILDOCS_EXTENSIONS = [
    "csv", "doc", "docx", "key", "mp3", "mp4", "odt", "pdf", "ppt", "pptx", "rtf", "txt",
    "webm", "xls", "xlsx", "zip",
]  # fmt: skip
WAGTAILDOCS_DOCUMENT_FORM_BASE = "portal.document_forms.DocumentForm"
WAGTAILDOCS_MAX_UPLOAD_SIZE = 200 * 1024 * 1024  # videos are attachments too
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
# Password- and login-restricted pages (and documents) in the site's own look and words, not
# Wagtail's bare stock pages (no header or footer, 你需要…, half-width colons).
WAGTAIL_PASSWORD_REQUIRED_TEMPLATE = "password_required.html"
WAGTAILDOCS_PASSWORD_REQUIRED_TEMPLATE = "password_required.html"
WAGTAIL_FRONTEND_LOGIN_TEMPLATE = "login.html"
# Where an import file's <img> may read from besides the file's own directory (comma-separated
# directories), and whether it may download from internal addresses (an intranet image server).
# Reverse proxies in front of the portal that append the client to X-Forwarded-For (nginx's
# $proxy_add_x_forwarded_for): the reader's address for comment limits and stored comments.
# 0: none, REMOTE_ADDR is the reader (the development server).
PORTAL_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
RATELIMIT_IP_META_KEY = "portal.client_ip.client_ip"
PORTAL_IMPORT_FILE_ROOTS = env.list("IMPORT_FILE_ROOTS", default=[])
# Django serves MEDIA_ROOT itself (portal/urls.py): the embedded set-up only (dev.py); in
# production a web server does (docker/nginx.conf).
PORTAL_SERVE_MEDIA = False
PORTAL_IMPORT_PRIVATE_URLS = env.bool("IMPORT_PRIVATE_URLS", default=False)
# Readers' view and search counts are written to the database in a thread (portal.batching),
# not in the request that makes a batch due.
PORTAL_COUNTS_WRITE_IN_BACKGROUND = True
# How long a request waits for a site's first suggestion index (search.suggest, 2.4 s to
# build for 12,900 articles); past it the keystroke is answered with no suggestions while
# the build goes on. None builds it in the request (the tests: a thread would not see
# their transaction).
PORTAL_SUGGEST_FIRST_WAIT = 0.3
SEARCH_URL = env.url_value("SEARCH_URL", "", {"http", "https"}, "http://127.0.0.1:9200")
# How long a request waits on OpenSearch. With modelsearch's defaults (10 s per request,
# opensearch-py's 3 retries) a hanging engine held every reader search ~10 s and a publish
# ~31 s (index requests each waiting out the timeout), past gunicorn's 30 s. Whatever times
# out is not lost: searches are answered by the database backend, index updates recorded and
# replayed (search.backends.opensearch), which leaves the engine alone for 30 s after a failure.
PORTAL_SEARCH_ENGINE_OPTIONS = {
    # Searches and counts a reader or an editor waits for. A healthy engine answers the
    # portal's queries in ~40 ms (p95, bench/search_bench.py); at 3 s it is as good as down
    # and the database answers: a reader waits at most ~3 s, an editor's search too.
    "SEARCH_TIMEOUT": 3,
    # One document indexed or deleted on save (~10-50 ms when healthy). A publish indexes
    # the page two or three times (the 31 s above were three 10 s waits): in practice 2 s in
    # all, since once one has failed the rest go straight to the outbox, and never more than
    # 3 × 2 s. Giving up early costs nothing: the update is recorded and replayed within a
    # minute (beat: replay-missed-index-updates).
    "INDEX_TIMEOUT": 2,
    # Everything else is batch work in a command or a Celery task, not a web request:
    # update_index's bulk requests (1,000 documents each), index creation, refresh, and the
    # later pages of a scroll (a search for over 100 results at once, which no reader or
    # admin page asks for). Generous, so a loaded engine still gets there.
    "TIMEOUT": 30,
    "OPTIONS": {
        # One immediate retry covers a pooled connection the engine or a proxy closed; a
        # timeout is never retried (that is what multiplied the waits).
        "max_retries": 1,
        "retry_on_timeout": False,
    },
}
WAGTAILSEARCH_BACKENDS = {
    "default": {
        # Chinese-aware: OpenSearch 3 when SEARCH_URL names one, else the database.
        "BACKEND": "search.backends.opensearch" if SEARCH_URL else "search.backends.database",
        # SEARCH_AUTO_UPDATE=false for a bulk import, then `manage.py update_index` once.
        "AUTO_UPDATE": env.bool("SEARCH_AUTO_UPDATE", default=True),
        **(
            {
                "URLS": [SEARCH_URL],
                "INDEX_PREFIX": env("SEARCH_INDEX_PREFIX", default="portal_"),
                **PORTAL_SEARCH_ENGINE_OPTIONS,
            }
            if SEARCH_URL
            else {}
        ),
    },
}
if SEARCH_URL:
    # Kept current beside the engine: what readers get while the engine is unreachable.
    WAGTAILSEARCH_BACKENDS["database"] = {
        "BACKEND": "search.backends.database",
        "AUTO_UPDATE": WAGTAILSEARCH_BACKENDS["default"]["AUTO_UPDATE"],
    }
# Readers' search counts kept (days): the 搜索词报告's window; 热搜 reads the last week.
WAGTAILSEARCH_HITS_MAX_AGE = env.int("SEARCH_HITS_MAX_AGE", default=90)

# --- Redis / cache -----------------------------------------------------------------------
REDIS_URL = env.url_value("REDIS_URL", "", {"redis", "rediss", "unix"}, "redis://127.0.0.1:6379/0")
# django-redis, not Django's own RedisCache: an unreachable Redis is a cache miss (pages are
# built from the database) and a write that does not happen. With Django's, a Redis restart
# made every page and the admin a 500 (Wagtail reads its site roots from the cache on every
# request). After a failed call a process leaves Redis alone for 30 s (portal.cache), so a
# hung Redis costs one timeout, not one a call.
REDIS_CACHE = {
    "BACKEND": "portal.cache.RedisCacheWithBreaker",
    "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
}
# While Redis is unreachable django-ratelimit cannot count: comments are taken (they are still
# pre-moderated and behind the honeypot) rather than all refused as 评论过于频繁.
RATELIMIT_FAIL_OPEN = True
if REDIS_URL:
    CACHES = {"default": {**REDIS_CACHE, "LOCATION": REDIS_URL}}
else:
    # Embedded set-up: files under var/, shared by the web process and the Celery worker
    # (feeds a worker refreshes are what the next page view reads). Past MAX_ENTRIES files
    # Django drops a third of them at random (Django's default, 300, is soon reached).
    # Keyed by the database: a process on another database (the benchmarks' own, a copy an
    # operator checks with DATABASE_URL=…) wrote its sites' root URLs, pages and searches
    # into the same files, and the portal served them (links to the benchmark's port 80).
    _database = DATABASES["default"]
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "KEY_PREFIX": hashlib.sha256(
                repr([_database.get(k) for k in ("ENGINE", "NAME", "HOST", "PORT")]).encode()
            ).hexdigest()[:12],
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }
# One small key per reader and query (热搜 counts a reader's repeats once): Redis, or without it
# this process's memory (the embedded set-up serves from one process), not a file each.
CACHES["readers"] = (
    {**CACHES["default"], "KEY_PREFIX": "readers"}
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
)


# --- Celery ------------------------------------------------------------------------------
# Without REDIS_URL the broker is kombu's filesystem transport: no server to run, and it
# delivers ETA tasks on time, which is all the embedded set-up needs.
CELERY_BROKER_URL = env.url_value(
    "CELERY_BROKER_URL",
    # kombu names a Redis socket redis+socket://, not unix:// as django-redis does.
    re.sub(r"^unix://", "redis+socket://", REDIS_URL) or "filesystem://",
    {"redis", "rediss", "redis+socket", "sentinel", "filesystem", "amqp", "amqps"},
    "redis://127.0.0.1:6379/0",
)
_BROKER_DIR = VAR_DIR / "celery-broker"
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(_BROKER_DIR / "queue"),
        "data_folder_out": str(_BROKER_DIR / "queue"),
        "processed_folder": str(_BROKER_DIR / "processed"),
        "control_folder": str(_BROKER_DIR / "control"),  # kombu's default is ./control
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem://")
    else {}
)
# kombu's transport, but each message written under a temporary name and renamed when whole:
# kombu's own let a worker take a file still empty, and stop (portal/kombu_filesystem.py).
CELERY_BROKER_TRANSPORT = (
    "portal.kombu_filesystem:Transport" if CELERY_BROKER_URL.startswith("filesystem://") else None
)
# kombu's filesystem transport refuses to send into folders that do not exist: without them a
# fresh checkout's first import (no scripts/run.sh yet) failed to queue any task, with a
# warning per article.
for _folder in ("queue", "processed", "control") if CELERY_BROKER_TRANSPORT_OPTIONS else ():
    (_BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
CELERY_TIMEZONE = TIME_ZONE  # beat entries read in Beijing time, like everything else
CELERY_TASK_SERIALIZER = "json"  # tasks take JSON-safe ids, nothing pickled
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True  # a worker killed mid-task leaves the task for another worker
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # with acks_late, do not hoard tasks a dead worker loses
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True  # wait for the broker at start (Celery 6 default)
CELERY_BEAT_SCHEDULE = {
    # Index updates the search engine missed while it was unreachable, sent again once it
    # answers (nothing is recorded without SEARCH_URL), and dictionary re-indexes that could
    # not be queued while Redis was down.
    "replay-missed-index-updates": {
        "task": "search.tasks.replay_missed_index_updates",
        "schedule": 60.0,
    },
    # Scheduled revisions go live by their own ETA tasks (articles.scheduling); this sweep,
    # replacing Wagtail's publish_scheduled cron job, queues far-future ones as they come
    # near and publishes anything a lost message left overdue.
    "publish-scheduled-pages": {
        "task": "articles.tasks.publish_scheduled_pages",
        "schedule": 10.0,
    },
    # 育人号推荐 / 热门文章 move with views and time even when nothing is published.
    "refresh-feeds": {"task": "articles.tasks.refresh_all_feeds", "schedule": 300.0},
    # Search counts older than WAGTAILSEARCH_HITS_MAX_AGE days (Wagtail leaves this to a
    # management command nobody schedules; the counts would grow by a row per query a day).
    "prune-query-log": {"task": "search.tasks.prune_query_log", "schedule": 86400.0},
}

# Wagtail's own background tasks (django-tasks): on Celery, after commit, where a Redis
# broker runs workers; run at once in the embedded set-up.
TASKS = {
    "default": {
        "BACKEND": env.choice(
            "TASKS_BACKEND",
            default="portal.tasks_backend.CeleryBackend"
            if REDIS_URL
            else "django_tasks.backends.immediate.ImmediateBackend",
            # Those the portal is set up for (the dummy keeps tasks unrun: tests only).
            choices=[
                "portal.tasks_backend.CeleryBackend",
                "django_tasks.backends.immediate.ImmediateBackend",
                "django_tasks.backends.dummy.DummyBackend",
            ],
        )
    }
}

# 三审: approving the last stage records the 审核人, then publishes or schedules.
WAGTAIL_FINISH_WORKFLOW_ACTION = "articles.workflow.publish_approved"

# --- Portal ------------------------------------------------------------------------------
PORTAL_SECTION_PAGE_SIZE = 20
PORTAL_HOME_ARTICLES_PER_SECTION = 6
PORTAL_COMMENTS_PAGE_SIZE = 20
PORTAL_COMMENT_RATE = env.rate("PORTAL_COMMENT_RATE", default="5/m")  # per IP (django-ratelimit)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "engine_unreachable": {"()": "portal.log_filters.UnreachableEngineWithoutTraceback"},
        "broker_without_hostname": {"()": "portal.log_filters.BrokerWithoutHostname"},
        "lost_connection_in_one_line": {"()": "portal.log_filters.LostConnectionInOneLine"},
        "without_traceback": {"()": "portal.log_filters.WithoutTraceback"},
    },
    # When, how bad and from where, as gunicorn's and Celery's own lines say it.
    "formatters": {
        "portal": {
            "format": "%(asctime)s %(levelname)s [%(name)s] %(process)d %(message)s",
            "datefmt": "%Y-%m-%d %H:%M:%S %z",  # the offset: gunicorn's master writes UTC
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "portal"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "portal": {"level": "INFO"},
        "articles": {"level": "INFO"},
        # Not a line per index request when a Celery worker runs at INFO (it sets the root
        # logger's level): only the engine's warnings and errors.
        "opensearch": {"level": "WARNING", "filters": ["engine_unreachable"]},
        "kombu.connection": {"filters": ["broker_without_hostname"]},
        # Celery's "Task … received / succeeded" for every task: the 10-second publishing sweep
        # alone made 17 lines a minute of an idle worker's log. Failures still show (ERROR),
        # and publications are logged by the portal's own loggers ("published revision …").
        "celery.app.trace": {"level": "WARNING"},
        "celery.beat": {"filters": ["lost_connection_in_one_line"]},
        "django.security.DisallowedHost": {"filters": ["without_traceback"]},
        "celery.worker.strategy": {"level": "WARNING"},
    },
}
