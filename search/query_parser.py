"""What a reader types → a search query: words, "quoted phrases" and -exclusions."""

from __future__ import annotations

import re

from modelsearch.query import And, Not, Or, Phrase, PlainText, SearchQuery

from .backends.query import Characters, Words
from .text import get_segmenter, runs

MAX_QUERY_LENGTH = 200
# "…" and the Chinese quotes “…” 「…」 mark phrases; a leading - (or full-width －) excludes.
TOKEN = re.compile(r'(-|－)?(?:"([^"]*)"?|“([^”]*)”?|「([^」]*)」?|(\S+))')


# Operator words readers bring from other search engines (科比 OR 湖人, 科比 AND 湖人, 科比 NOT
# 湖人). Ours has none: every word is required (OR reads as AND) and NOT excludes the next
# word, as a - does. Between two English words they are words (rock and roll).
OPERATOR_WORDS = frozenset({"and", "or", "not"})


def is_operator(word: str, before: str, after: str) -> bool:
    """Whether `word`, typed between `before` and `after` ("" at an end), is an operator
    (科比 or 湖人, or a dangling alert or), not a word of an English phrase (to be or not)."""
    if word.lower() not in OPERATOR_WORDS or not (before or after):
        return False  # typed alone, it is the word looked for
    return not (_latin(before) and _latin(after))


def _latin(word: str) -> bool:
    return word.isascii() and any(ch.isalpha() for ch in word)


def clean_query(raw: str, cap: bool = True) -> str:
    """Trim, drop control characters, cap the length: what we search for and log."""
    # Any space separates words, the ideographic space (U+3000) Chinese input methods type
    # included; other control characters go.
    text = "".join(ch if ch.isprintable() else " " if ch.isspace() else "" for ch in raw)
    text = " ".join(text.split())
    return text[:MAX_QUERY_LENGTH] if cap else text


def parse_query(text: str) -> SearchQuery | None:
    """None when nothing searchable is left (only exclusions or only quotes)."""
    include: list[SearchQuery] = []
    exclude: list[SearchQuery] = []
    words: list[str] = []
    typed = [
        (bool(m.group(1)), next((g for g in m.group(2, 3, 4) if g is not None), None), m.group(5))
        for m in TOKEN.finditer(text)
    ]
    negate_next = False
    for i, (negated, phrase, word) in enumerate(typed):
        if word and not negated:
            before = _edge_word(typed[i - 1], -1) if i > 0 else ""
            after = _edge_word(typed[i + 1], 0) if i + 1 < len(typed) else ""
            if is_operator(word, before, after):
                negate_next = word.lower() == "not"
                continue
        negated, negate_next = negated or negate_next, False
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


def _edge_word(item: tuple[bool, str | None, str | None], end: int) -> str:
    """The first (end 0) or last (end -1) word of a typed word or phrase."""
    words = (item[1] or item[2] or "").split()
    return words[end] if words else ""


def positive_text(query: SearchQuery | None) -> str:
    """The words and phrases a query looks for (not its exclusions), for highlighting."""
    if query is None or isinstance(query, Not):
        return ""
    if isinstance(query, PlainText | Phrase):
        return query.query_string
    if isinstance(query, And):
        return " ".join(positive_text(q) for q in query.subqueries)
    return ""


def _words_of(query: SearchQuery | None) -> PlainText | None:
    if isinstance(query, PlainText):
        return query
    if isinstance(query, And):
        return next((q for q in query.subqueries if isinstance(q, PlainText)), None)
    return None


def _latin_and_chinese(text: str) -> bool:
    return any(ch.isascii() and ch.isalnum() for ch in text) and any(
        not ch.isascii() and ch.isalnum() for ch in text
    )


def loosen(query: SearchQuery | None) -> SearchQuery | None:
    """The second tier of a search: what the exact query missed that shares some of its words.

    Documents holding any of the words typed, or the words inside them (职业院校 → 职业,
    院校), as whole words, not already matched exactly; phrases and exclusions still apply.
    Listed after the exact matches, it finds articles that use only some of the words, and
    long queries the document splits into words differently.
    A single string typed (清华大学) is loosened into its parts (清华, 大学) too, but never
    into a document that contains the string's characters without the word: 北京大学 must
    not find 北京大学生电影节, in either tier.
    Dev corpus (bench/search_bench.py, ours-db): loosening single strings too raised keyword
    nDCG@10 0.577 → 0.592; phrase, known-item and trap figures unchanged.
    None when there is nothing looser to search.
    """
    words = _words_of(query)
    if words is None:
        return None
    segmenter = get_segmenter()
    chunks = runs(words.query_string, joined=True)
    # Single characters (的, 在, 不 …) are left out: alone they match nearly everything.
    tokens = [t for t in dict.fromkeys(segmenter.cut(words.query_string)) if len(t) >= 2]
    loose = list(dict.fromkeys(tokens + [p for t in tokens for p in segmenter.parts(t)]))
    single = len(chunks) == 1
    # Several strings typed, one of them a word (思政 课, 湖人 胜): the articles with that word
    # are the looser tier (they were none: nothing at all was found for 思政 课).
    if not loose:
        return None
    # Letters typed against Chinese (A股市场, K线图, 党建x): jieba cuts the letter off alone,
    # so the Chinese words left are looser than what was typed, even when only one is left.
    mixed = single and _latin_and_chinese(chunks[0])
    # One word (生计, 学霸) has nothing looser than itself; a word with a character typed
    # against it (科比胜: 科比 / 胜) has the word, which alone found nothing before.
    one_word = single and len(segmenter.cut(chunks[0])) == 1
    if single and not mixed and loose == tokens and (one_word or segmenter.is_reliable(chunks[0])):
        return None
    others = [q for q in query.subqueries if q is not words] if isinstance(query, And) else []
    excluded = [Not(words)]
    if single and segmenter.is_reliable(chunks[0]):
        excluded.append(Not(Characters(chunks[0])))
    looser: SearchQuery = Words(" ".join(loose), operator="or")
    if not single:
        # A string of several typed runs may owe its exact matches to the characters of an
        # unknown one (学霸 in 学霸们): articles with only those characters qualify here too.
        spelled = [Characters(c) for c in chunks if not segmenter.is_reliable(c)]
        if spelled:
            looser = Or([looser, *spelled])
    return And([looser, *others, *excluded])
