"""Building and finding sites."""

from __future__ import annotations

from django.db import transaction
from wagtail.models import Page, Site

from .models import HomePage, PortalSiteSettings


@transaction.atomic
def ensure_site(
    *,
    hostname: str,
    site_name: str,
    port: int = 80,
    is_default: bool = False,
    slug: str,
    **settings_fields,
) -> Site:
    """Create or update a site with its own HomePage and settings (idempotent)."""
    site = Site.objects.filter(hostname=hostname, port=port).first()
    home = site.root_page.specific if site else None
    if not isinstance(home, HomePage):
        home = HomePage.objects.filter(slug=slug, depth=2).first()
    if home is None:
        home = HomePage(title=site_name, slug=slug)
        Page.get_first_root_node().add_child(instance=home)
        home.save_revision().publish()
    if is_default:
        Site.objects.filter(is_default_site=True).exclude(hostname=hostname, port=port).update(
            is_default_site=False
        )
    if site is None:
        site = Site(hostname=hostname, port=port)
    site.root_page = home
    site.site_name = site_name
    site.is_default_site = is_default
    site.save()
    site_settings = PortalSiteSettings.for_site(site)
    site_settings.site_name = site_name
    for key, value in settings_fields.items():
        setattr(site_settings, key, value)
    site_settings.save()
    return site


def remove_wagtail_welcome_page() -> None:
    """Delete the placeholder page Wagtail's first migration creates, once nothing uses it."""
    for page in Page.objects.filter(depth=2, content_type__model="page", numchild=0):
        if not Site.objects.filter(root_page=page).exists():
            page.delete()
