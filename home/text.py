"""Plain text shown outside a page's body: its description for search engines, share cards
and feed entries."""

from __future__ import annotations

import unicodedata

# Where a cut text may end: after a sentence, else at a comma (the comma gives way to ……).
SENTENCE_ENDS = "。！？；!?;"
CLAUSE_ENDS = "，、,："


def excerpt(text: str, limit: int) -> str:
    """`text` on one line, at most `limit` characters. A longer text ends after its last
    sentence within the limit, or else at its last comma, when that keeps at least half of
    it; otherwise mid-sentence. A text cut anywhere but after a sentence ends in ……, the
    Chinese mark for 'more follows' (the words cut at exactly 200 characters read as a typo)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    room = text[: limit - 2]  # the two characters of ……
    sentence = max(text[:limit].rfind(mark) for mark in SENTENCE_ENDS)
    if sentence >= limit // 2:
        return text[: sentence + 1]
    clause = max(room.rfind(mark) for mark in CLAUSE_ENDS)
    if clause >= limit // 2:
        return room[:clause] + "……"
    return room.rstrip() + "……"


# Letters and symbols drawn as blank space: the Hangul fillers and the blank Braille pattern
# (U+3164 ㅤ, U+2800 ⠀), pasted where a title must not look empty, or inside a word.
BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def shows_anything(text: str | None) -> bool:
    """Whether a reader would see any of the text: not only spaces, zero-width or other
    format characters (U+200B, U+2060, U+FEFF), controls and blank letters (BLANK_LETTERS),
    which an editor can paste into a title that then looks empty (an empty <h1>, a link of
    no text in the lists)."""
    return any(
        not ch.isspace()
        and ch not in BLANK_LETTERS
        and unicodedata.category(ch) not in ("Cf", "Cc", "Zs", "Zl", "Zp")
        for ch in text or ""
    )
