"""URL path converters."""

import re

# The largest primary key the databases can hold for a page (PostgreSQL `integer`): a larger
# number in a URL or a parameter is no page, not a database error.
MAX_ID = 2**31 - 1
ID_DIGITS = "[0-9]{1,10}"  # MAX_ID has 10 digits
_ID = re.compile(ID_DIGITS)


def is_id(value: str) -> bool:
    """Whether a string typed or sent for an id can be one (digits, at most MAX_ID)."""
    return bool(_ID.fullmatch(value)) and int(value) <= MAX_ID


class IdConverter:
    """`<id:name>`: a database id; a number past MAX_ID matches no URL (a 404, not a 500)."""

    regex = ID_DIGITS

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError(value)  # Django tries the next pattern, then answers 404
        return number

    def to_url(self, value) -> str:
        return str(value)


class NameConverter:
    """`<name:slug>`: a slug or name in a URL, without control characters (PostgreSQL refuses
    NUL in a query: `%00` was a 500 there)."""

    regex = "[^/\x00-\x1f\x7f]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)
