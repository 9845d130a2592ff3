"""System checks about sites: a hostname set in 设置 → 站点 that Django will refuse."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Warning, register
from django.db import DatabaseError
from django.http.request import validate_host


@register("sites")
def site_hostnames_are_allowed(app_configs=None, **kwargs) -> list[Warning]:
    """A site added in the admin is unreachable (every request a 400) until its hostname is in
    ALLOWED_HOSTS and the processes restarted: said where operators look (manage.py check,
    migrate, runserver), not only in the log of refused requests."""
    from wagtail.models import Site

    try:
        hostnames = list(Site.objects.values_list("hostname", flat=True))
    except DatabaseError:  # not migrated yet
        return []
    allowed = settings.ALLOWED_HOSTS or (
        ["localhost", "127.0.0.1", "[::1]"] if settings.DEBUG else []
    )
    return [
        Warning(
            f"站点主机名 {hostname} 不在 ALLOWED_HOSTS 中：该站点的每个请求都会被拒绝（400）。",
            hint="把它加入 ALLOWED_HOSTS（逗号分隔）并重启 web、worker 和 beat。",
            id="portal.W001",
        )
        for hostname in hostnames
        if not validate_host(hostname, allowed)
    ]
