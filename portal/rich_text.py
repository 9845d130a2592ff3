"""The rich-text editor's widget (WAGTAILADMIN_RICH_TEXT_EDITORS): Wagtail's Draftail, robust
to what its own editor never sends."""

import re

from django.forms import widgets
from django.utils.html import escape
from wagtail.admin.rich_text import DraftailRichTextArea
from wagtail.rich_text.rewriters import FIND_A_TAG, FIND_EMBED_TAG, extract_attrs

from portal.converters import is_id


def _mend(replacement: str):
    """A substitution for Wagtail's own tag patterns (those its rewriters resolve at render
    time): a link or embed naming its target by an id no object can have becomes
    `replacement`; any other tag is kept."""

    def mend(match: re.Match) -> str:
        attrs = extract_attrs(match.group(1))
        typed = "linktype" in attrs or "embedtype" in attrs
        if not typed or "id" not in attrs or is_id(attrs["id"]):
            return match.group(0)
        return replacement

    return mend


def without_bad_references(html: str) -> str:
    """The rich text with every reference to an id no page, document or image can have made
    harmless: a link keeps its text and loses its target, an embed goes. A hand-built POST
    stored <a linktype="page" id="abc"> in a draft, and every later opening of its edit page
    was a 500 (Wagtail's converter looks the id up as a number)."""
    if "type=" not in html:
        return html
    return FIND_EMBED_TAG.sub(_mend(""), FIND_A_TAG.sub(_mend("<a>"), html))


class PortalDraftailRichTextArea(DraftailRichTextArea):
    def format_value(self, value):
        if isinstance(value, str):
            value = without_bad_references(value)
        return super().format_value(value)

    def value_from_datadict(self, data, files, name):
        raw = widgets.HiddenInput.value_from_datadict(self, data, files, name)
        if raw is None:
            return None
        try:
            html = self.converter.to_database_format(raw)
        except (ValueError, TypeError, KeyError, AttributeError, IndexError):
            # Not Draftail's JSON (a hand-built POST: it was a 500): kept as the plain text
            # it is, a paragraph a line.
            html = "".join(f"<p>{escape(line)}</p>" for line in raw.splitlines() if line.strip())
        return without_bad_references(html)
