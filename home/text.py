"""Plain text shown outside a page's body: its description for search engines, share cards
and feed entries."""

from __future__ import annotations

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
