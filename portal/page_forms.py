"""The Wagtail page editor's form for every page type of the portal, and the base of the
snippets' and settings' forms."""

import functools
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import get_resolver
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm
from wagtail.models import Site

from home.text import shows_anything
from portal.validators import CONTROL_CHARACTERS, plausible_time


@functools.cache  # the URLconf is fixed once the process has started
def reserved_slugs() -> frozenset[str]:
    """First path segments served before the page tree (search, admin, api …, and /healthz):
    a page at the top of a site under one of them could never be reached."""
    from portal.health import PATH as HEALTH_PATH

    segments = {str(p.pattern).split("/", 1)[0] for p in get_resolver().url_patterns}
    segments.add(HEALTH_PATH.strip("/"))  # answered by a middleware, before any URL
    for url in (settings.STATIC_URL, settings.MEDIA_URL):
        segments.add((url or "").strip("/").split("/", 1)[0])
    return frozenset(s for s in segments if s and not s.startswith(("^", "<")))


# Characters an editor cannot see or mean in a title, 来源, 作者 …: control characters (BEL,
# ESC, DEL; tabs and line breaks stay) and the bidirectional overrides (U+202A–U+202E,
# U+2066–U+2069) that reorder what readers see.
INVISIBLE = re.compile(f"[{CONTROL_CHARACTERS}\x80-\x9f\u202a-\u202e\u2066-\u2069]")


def drop_invisible(cleaned_data: dict) -> None:
    # Stored as typed, they reached the published page raw (the feeds dropped them).
    for name, value in list(cleaned_data.items()):
        if isinstance(value, str) and INVISIBLE.search(value):
            cleaned_data[name] = INVISIBLE.sub("", value)


class PortalModelForm(WagtailAdminModelForm):
    """Snippets' and settings' form (育人号, 推荐位, 站点设置 …): their text is shown to readers
    too (an account's name, a site's 标语), so it loses the invisible characters as pages do."""

    def clean(self):
        cleaned_data = super().clean()
        drop_invisible(cleaned_data)
        return cleaned_data


class PortalPageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned_data = super().clean()
        drop_invisible(cleaned_data)
        if "title" in cleaned_data and not shows_anything(cleaned_data["title"]):
            # Zero-width spaces alone (U+200B, pasted from a web page) passed as a title: an
            # empty <h1> on the page, a link of no text in the 栏目's list.
            self.add_error("title", "标题不能只有空格或看不见的字符（如零宽空格）。")
        # 定时发布 / 定时下线 within 1900–2099: a typo such as year 0001 is before year 1 in
        # UTC; saving it inserted the page and then failed (a 500), leaving a row that broke
        # its whole section on PostgreSQL.
        for name in ("go_live_at", "expire_at"):
            when = cleaned_data.get(name)
            if when is not None:
                try:
                    plausible_time(when)
                except ValidationError as error:
                    self.add_error(name, error)
        slug = cleaned_data.get("slug")
        parent = self.parent_page
        if (
            slug
            and parent is not None
            and slug in reserved_slugs()
            and Site.objects.filter(root_page_id=parent.pk).exists()
        ):
            self.add_error(
                "slug",
                ValidationError(
                    "“%(slug)s”是网站的保留地址（搜索、后台等），请换一个缩略名（slug）。",
                    params={"slug": slug},
                ),
            )
        return cleaned_data
