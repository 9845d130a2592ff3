"""The portal's Celery app: configured from Django settings (CELERY_ namespace)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

app = Celery("portal", include=["portal.tasks_backend"])
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
