from django import template
from wagtail.models import Page, Site

from home.pages import public
from home.text import excerpt

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
    return list(public(root.get_children().live().in_menu()))


@register.simple_tag
def share_description(page) -> str:
    """What search engines and share cards say of a page: its SEO description, else an
    article's 摘要 or the start of its body (imports bring no 摘要), else the 简介 of a site,
    栏目 or 育人号 directory."""
    specific = page.specific_deferred if hasattr(page, "specific_deferred") else page
    text = page.search_description or getattr(specific, "summary", "")
    if not text and hasattr(specific, "body_text"):
        text = specific.body_text()
    return excerpt(text or getattr(specific, "intro", ""), 120)


@register.filter
def record_code(police_number: str) -> str:
    """The digits of a 公安备案号 (京公网安备11010802000000号 → 11010802000000), which the
    national record's search page takes to show the site's record."""
    return "".join(ch for ch in police_number if ch.isdigit())


@register.filter
def is_within(page, section) -> bool:
    """Whether `page` lies below `section` in the tree (the menu marks the 栏目 a reader is in)."""
    path = getattr(page, "path", None)  # views without a page pass other things, or none
    return isinstance(path, str) and path.startswith(section.path) and page.pk != section.pk


@register.simple_tag
def page_numbers(page) -> list[int | None]:
    """The page numbers a list links to: the first, the last and two either side of the
    current one, None for each gap between them."""
    pages = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return [number if isinstance(number, int) else None for number in pages]


@register.simple_tag
def share_image_url(page, request) -> str:
    """Absolute URL of a share image (the article's cover), or ''."""
    specific = page.specific_deferred if hasattr(page, "specific_deferred") else page
    image = getattr(specific, "cover_image", None)
    if image is None or request is None:
        return ""
    rendition = image.get_rendition("fill-600x600")
    return request.build_absolute_uri(rendition.url)


@register.simple_tag(takes_context=True)
def mourning_active(context) -> bool:
    """哀悼: the site's greyscale switch, on now (within its optional start and end)."""
    from django.utils import timezone

    from home.models import PortalSiteSettings

    request = context.get("request")
    if request is None or Site.find_for_request(request) is None:
        return False
    # The request's copy, which the templates' settings.home.PortalSiteSettings reads too.
    settings = PortalSiteSettings.for_request(request)
    if not settings.mourning:
        return False
    now = timezone.now()
    if settings.mourning_starts_at and now < settings.mourning_starts_at:
        return False
    return not (settings.mourning_ends_at and now >= settings.mourning_ends_at)
