"""/healthz: whether this process can serve, for a supervisor or container probe (nginx does
not pass it on from outside).

A middleware first in the chain, not a view: a probe calls 127.0.0.1:8000, which is not among
ALLOWED_HOSTS, and a view is reached only after Django has refused that host (django-health-check's
views are, hence not used). It answers 200 while the database answers, with "status" "ok", or
"degraded" naming the cache when Redis does not (pages are still served, but feeds, counts
and schedules wait for it, which an operator should hear of); 503 when the database fails,
or when the static files' manifest is missing: every page then fails to render, for want
of `manage.py collectstatic` before the process started (the manifest is read at start).
"""

from __future__ import annotations

import logging

from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse

logger = logging.getLogger(__name__)
PATH = "/healthz"


def check() -> dict[str, str]:
    """Each part this process needs, "ok" or what went wrong."""
    status: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        status["database"] = "ok"
    except DatabaseError as exc:
        status["database"] = f"error: {exc.__class__.__name__}"
    status["static"] = _static_files()
    client = getattr(cache, "client", None)  # django-redis: ask Redis itself
    try:
        if client is not None:
            client.get_client().ping()
        status["cache"] = "ok"
    except Exception as exc:  # noqa: BLE001 (redis raises many kinds)
        status["cache"] = f"error: {exc.__class__.__name__}"
    return status


def _static_files() -> str:
    # The production storage reads staticfiles.json once, when first used; without it every
    # {% static %} raises ValueError (a 500 on every page) until the process restarts.
    try:
        storage = staticfiles_storage
        strict = isinstance(storage, ManifestFilesMixin) and storage.manifest_strict
        if strict and not storage.hashed_files:
            return "error: no static files manifest (run manage.py collectstatic, then restart)"
    except Exception as exc:  # noqa: BLE001 (a manifest that is not JSON, no STATIC_ROOT …)
        return f"error: {exc.__class__.__name__}"
    return "ok"


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.rstrip("/") != PATH:
            return self.get_response(request)
        status = check()
        # Without Redis the process still serves (from the database): degraded, not down, so
        # a probe does not restart web processes that work.
        serving = status["database"] == "ok" and status["static"] == "ok"
        status["status"] = (
            "ok" if all(v == "ok" for v in status.values()) else ("degraded" if serving else "down")
        )
        if status["status"] != "ok":
            logger.warning("health check: %s", status)
        return JsonResponse(status, status=200 if serving else 503)
