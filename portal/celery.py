"""The portal's Celery app: configured from Django settings (CELERY_ namespace)."""

import logging.config
import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

app = Celery("portal", include=["portal.tasks_backend"])
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_configure.connect
def settings_refused_in_one_line(sender=None, **kwargs):
    """Celery reads the Django settings lazily, at its first look at its configuration (for
    the worker, while parsing its options): a refused variable (SESSION_COOKIE_SECURE=ture)
    was a 60-line traceback and exit status 1. Read here, as Celery loads its configuration,
    it is the one line and status 3 that manage.py and gunicorn give."""
    from django.conf import settings

    from portal.settings.environment import refusal_in_one_line

    with refusal_in_one_line():
        settings.INSTALLED_APPS  # noqa: B018 (read for what loading the settings raises)


@signals.setup_logging.connect
def log_as_django_says(loglevel=None, **kwargs):
    """Worker and beat log through the portal's LOGGING: its format (with the +0800 offset,
    as the web processes' lines) and its filters (beat's lost-broker errors in one line each,
    not a traceback and a call stack every 10 s: 538 lines in 55 s of Redis down). Celery
    replaces the logging set-up with its own unless a receiver here does it, and beat never
    applied LOGGING at all. The level given with --loglevel still applies."""
    from django.conf import settings

    from portal.settings.environment import refusal_in_one_line

    with refusal_in_one_line():
        logging.config.dictConfig(settings.LOGGING)
    if loglevel:
        logging.getLogger().setLevel(loglevel)
