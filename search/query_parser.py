"""What a reader types → a search query: words, "quoted phrases" and -exclusions."""

from __future__ import annotations

import re

from modelsearch.query import And, Not, Phrase, PlainText, SearchQuery

MAX_QUERY_LENGTH = 200
# "…" and the Chinese quotes “…” 「…」 mark phrases; a leading - (or full-width －) excludes.
TOKEN = re.compile(r'(-|－)?(?:"([^"]*)"?|“([^”]*)”?|「([^」]*)」?|(\S+))')


def clean_query(raw: str) -> str:
    """Trim, drop control characters, cap the length: what we search for and log."""
    text = "".join(ch for ch in raw if ch.isprintable() or ch == " ")
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


def parse_query(text: str) -> SearchQuery | None:
    """None when nothing searchable is left (only exclusions or only quotes)."""
    include: list[SearchQuery] = []
    exclude: list[SearchQuery] = []
    words: list[str] = []
    for match in TOKEN.finditer(text):
        negated = bool(match.group(1))
        phrase = next((g for g in match.group(2, 3, 4) if g is not None), None)
        word = match.group(5)
        if phrase is not None:
            phrase = phrase.strip()
            if phrase:
                (exclude if negated else include).append(Phrase(phrase))
        elif word:
            word = word.lstrip("-－")
            if not word:
                continue
            if negated:
                exclude.append(PlainText(word))
            else:
                words.append(word)
    if words:
        include.insert(0, PlainText(" ".join(words), operator="and"))
    if not include:
        return None
    parts = include + [Not(q) for q in exclude]
    return parts[0] if len(parts) == 1 else And(parts)


def positive_text(query: SearchQuery | None) -> str:
    """The words and phrases a query looks for (not its exclusions), for highlighting."""
    if query is None or isinstance(query, Not):
        return ""
    if isinstance(query, PlainText | Phrase):
        return query.query_string
    if isinstance(query, And):
        return " ".join(positive_text(q) for q in query.subqueries)
    return ""
