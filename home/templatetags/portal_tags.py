from django import template
from wagtail.models import Page, Site

register = template.Library()


@register.simple_tag(takes_context=True)
def site_root(context) -> Page | None:
    """The home page of the site serving this request."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    return site.root_page.specific if site else None


@register.simple_tag(takes_context=True)
def main_menu(context) -> list[Page]:
    """The site's navigation: the home page's children marked 'show in menus'."""
    root = site_root(context)
    if root is None:
        return []
    return list(root.get_children().live().public().in_menu())
