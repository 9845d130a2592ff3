"""Validators shared by the apps' models."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Control characters a text never keeps: C0 other than tab, LF and CR, and DEL (a regex
# character-class body). The importer (with surrogates and U+FFFE/U+FFFF) and the page editor
# (with C1 and the bidirectional overrides) each build their set from it.
CONTROL_CHARACTERS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f"

# Real UTC offsets run from -12:00 to +14:00; anything beyond is a typo, not a place (the
# importer's published_at and 定时发布 refuse it).
MAX_UTC_OFFSET = timedelta(hours=14)
# Beyond these (a day's margin each side) a time is not converted: 0001-01-01 in Beijing lies
# before year 1 in UTC, and converting it would be an OverflowError (a 500).
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC) - timedelta(days=1)
LATEST = datetime(2100, 1, 1, tzinfo=UTC) + timedelta(days=1)


def plausible_time(value: datetime) -> None:
    """An editor's date between 1900 and 2099, in Beijing time, as readers are shown it.

    Judged in UTC, 1900-01-01 00:00 in Beijing (an editor's, or an import's without offset)
    was refused as before 1900, and 2100-01-01 00:00 in Beijing given as 2099-12-31T16:00Z
    accepted. In the portal's time zone, not the admin user's own.
    """
    if value is None:
        return
    if EARLIEST <= value < LATEST:
        shown = value.astimezone(ZoneInfo(settings.TIME_ZONE)) if value.tzinfo else value
        if 1900 <= shown.year <= 2099:
            return
    raise ValidationError(_("时间须在 1900 年至 2099 年之间"), code="out_of_range")
