"""敏感词 matching that survives the usual disguises.

Text and words are compared after NFKC (full-width → half-width), Traditional → Simplified and
case folding, with spaces, punctuation and symbols dropped, and letters of other scripts drawn
like Latin ones read as those (Cyrillic а, Greek ο: Unicode's confusables, from
confusable-homoglyphs), so 習 近、平, ｆａｌｕｎ, fаlun and 法 轮 功 all match their words.
Matching is Aho–Corasick (ahocorasick-rs): every word in one pass. The automaton is rebuilt
when editors change the list (checked at most every few seconds).
"""

from __future__ import annotations

import functools
import threading
import time
import unicodedata
from dataclasses import dataclass, field

import ahocorasick_rs
from confusable_homoglyphs import categories, confusables

from home.text import BLANK_LETTERS
from search.text import normalize

RECHECK_SECONDS = 5.0


# Letters that show as nothing or as a mark, typed between the characters of a word to get it
# past the check (法\u3164轮\u3164功, 法ー轮ー功, 法〇轮〇功): the Hangul fillers, and the
# modifier letters and letter-like numbers (ー 々 〇 ㆍ …), which isalnum() counts as letters.
INVISIBLE_LETTERS = BLANK_LETTERS | {"\u318d"}  # and ㆍ, a dot
MARK_LIKE_CATEGORIES = frozenset({"Lm", "Nl", "No"})
# Before NFKC, numbers other than digits stay: NFKC makes ⑧⑨⑥④ and ⁸⁹⁶⁴ the digits 8964.
MARK_LIKE_BEFORE_NFKC = frozenset({"Lm", "Nl"})


def normalize_for_matching(text: str) -> str:
    """The search analysis' normalisation (search.text.normalize), letters and digits only,
    without letters that read as nothing or as punctuation, Latin look-alikes as Latin."""
    # Before NFKC as well: it turns some of them into other letters (ㆍ into ᆞ).
    return "".join(
        _as_latin(ch) for ch in normalize(_without_marks(text)) if ch.isalnum() and _not_mark(ch)
    )


# Scripts whose letters are never taken for Latin ones here.
OWN_SCRIPTS = frozenset({"LATIN", "COMMON", "HAN", "HIRAGANA", "KATAKANA", "HANGUL"})


@functools.lru_cache(maxsize=8192)
def _as_latin(ch: str) -> str:
    """The Latin letter or digit a letter of another script is drawn like (Cyrillic а → a),
    or the letter itself."""
    if ch.isascii() or categories.alias(ch) in OWN_SCRIPTS:
        return ch
    for found in confusables.is_confusable(ch, preferred_aliases=["latin"]) or ():
        for glyph in found["homoglyphs"]:
            if len(glyph["c"]) == 1 and glyph["c"].isascii() and glyph["c"].isalnum():
                return glyph["c"].lower()
    return ch


def _not_mark(ch: str, categories=MARK_LIKE_CATEGORIES) -> bool:
    return ch not in INVISIBLE_LETTERS and unicodedata.category(ch) not in categories


def _without_marks(text: str) -> str:
    return "".join(ch for ch in text if _not_mark(ch, MARK_LIKE_BEFORE_NFKC))


@dataclass
class Findings:
    block: list[str] = field(default_factory=list)
    review: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.block or self.review)

    @property
    def words(self) -> list[str]:
        return self.block + self.review


class Matcher:
    def __init__(self, words: list[tuple[str, str]]):
        self.tiers: dict[str, str] = {}
        for word, tier in words:
            key = normalize_for_matching(word)
            if key and self.tiers.get(key) != "block":
                self.tiers[key] = tier
        patterns = list(self.tiers)
        self._automaton = ahocorasick_rs.AhoCorasick(patterns) if patterns else None
        self._patterns = patterns

    def find(self, text: str) -> Findings:
        findings = Findings()
        if self._automaton is None:
            return findings
        normalized = normalize_for_matching(text)
        seen: set[str] = set()
        for index, _start, _end in self._automaton.find_matches_as_indexes(
            normalized, overlapping=True
        ):
            word = self._patterns[index]
            if word in seen:
                continue
            seen.add(word)
            (findings.block if self.tiers[word] == "block" else findings.review).append(word)
        return findings


class _MatcherCache:
    def __init__(self):
        self._lock = threading.Lock()
        self._matcher: Matcher | None = None
        self._version = None
        self._checked_at = 0.0

    def get(self) -> Matcher:
        from django.db.models import Count, Max

        from .models import SensitiveWord

        now = time.monotonic()
        if self._matcher is not None and now - self._checked_at < RECHECK_SECONDS:
            return self._matcher
        with self._lock:
            stats = SensitiveWord.objects.aggregate(n=Count("pk"), at=Max("updated_at"))
            version = (stats["n"], stats["at"])
            if self._matcher is None or version != self._version:
                words = list(SensitiveWord.objects.values_list("word", "tier"))
                self._matcher, self._version = Matcher(words), version
            self._checked_at = now
            return self._matcher

    def invalidate(self) -> None:
        self._checked_at = 0.0


_cache = _MatcherCache()


def find_sensitive(text: str) -> Findings:
    return _cache.get().find(text)


def invalidate() -> None:
    _cache.invalidate()
