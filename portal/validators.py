"""Validators shared by the apps' models."""

from datetime import UTC, datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Control characters a text never keeps: C0 other than tab, LF and CR, and DEL (a regex
# character-class body). The importer (with surrogates and U+FFFE/U+FFFF) and the page editor
# (with C1 and the bidirectional overrides) each build their set from it.
CONTROL_CHARACTERS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f"

# Real UTC offsets run from -12:00 to +14:00; anything beyond is a typo, not a place (the
# importer's published_at and 定时发布 refuse it).
MAX_UTC_OFFSET = timedelta(hours=14)
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


def plausible_time(value: datetime) -> None:
    """An editor's date between 1900 and 2099.

    A typo such as 0001-01-01 00:00 in Beijing lies before year 1 in UTC: saving it would be an
    OverflowError (a 500) instead of a message on the field.
    """
    if value is not None and not EARLIEST <= value < LATEST:
        raise ValidationError(_("时间须在 1900 年至 2099 年之间"), code="out_of_range")
