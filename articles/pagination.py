"""One page of a reader's listing (a 栏目's articles, a 育人号's)."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Page, Paginator


def listing_page(items, number: str | None, per_page: int | None = None) -> Page:
    """Page `number` of the items: the first for none, junk, 0 or below (Django's get_page
    gave the last for 0 and below: 第 14 页 for ?page=0); the last past the end (a link kept
    from when there were more), whose canonical address is the last page's own. `per_page`:
    the 栏目 page size unless given (an article's comments have their own)."""
    paginator = Paginator(items, per_page or settings.PORTAL_SECTION_PAGE_SIZE)
    try:
        wanted = int(number or 1)
    except ValueError:
        wanted = 1
    return paginator.get_page(max(wanted, 1))
