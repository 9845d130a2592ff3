"""Autocomplete: Chinese prefixes, full pinyin and pinyin initials (djyl → 党建引领).

Candidates are the words and two-word phrases of a site's recent article titles (the newest
TITLES_PER_SITE), their 关键词, the editors' dictionary words and the hot searches. Each
process keeps one index per site and rebuilds it every SUGGEST_TTL seconds; pinyin is
computed once per distinct word.
"""

from __future__ import annotations

import bisect
import functools
import heapq
import logging
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Count
from pypinyin import Style, lazy_pinyin
from taggit.models import Tag
from wagtail.models import Site

from articles.feeds import generation
from articles.models import ArticlePage
from articles.sensitive import find_sensitive

from .models import DictionaryWord
from .querylog import finds_articles, hot_searches, written_in_words
from .text import get_segmenter, normalize, runs

logger = logging.getLogger(__name__)

SUGGEST_TTL = 600.0
TITLES_PER_SITE = 20000
MAX_PHRASE_LENGTH = 8
# jieba's tags (their first letter; and "ad", an adjective used as an adverb) of words not
# offered alone: preposition, conjunction, particle, interjection, onomatopoeia, adverb,
# pronoun, number (基于, 进一步, 我校, 如何, 一个: frequent, they headed the lists). Nor
# in a two-word phrase, where a measure word or an idiom is left out too (高考一样,
# 大学生千万别) but a number may stand (两会召开, 两个维护, 十四五规划). The editors'
# dictionary words are offered whatever jieba tags them (本科, a pronoun to jieba).
FUNCTION_TAGS = frozenset({"p", "c", "u", "y", "e", "o", "d", "r"})
NOT_ALONE = FUNCTION_TAGS | {"m"}
NOT_IN_PHRASES = FUNCTION_TAGS | {"q", "i"}
ASCII_QUERY = re.compile(r"^[a-z]+$")
HAN = re.compile(r"[\u3400-\u9fff]")
HAN_WORD = re.compile(r"[\u3400-\u9fff]{2,8}")
MAX_SUGGEST_QUERY = 40
DID_YOU_MEAN = 3
DID_YOU_MEAN_CHECKS = 8


@functools.lru_cache(maxsize=200_000)
def pinyin_forms(word: str) -> tuple[str, str]:
    """(initials, full pinyin) of a word: 党建 → ("dj", "dangjian")."""
    syllables = lazy_pinyin(word, style=Style.NORMAL, errors="ignore")
    return "".join(s[0] for s in syllables if s), "".join(syllables)


@dataclass(frozen=True)
class Candidate:
    text: str
    weight: float
    initials: str
    full: str


class SuggestionIndex:
    """Candidates sorted by their text, initials and full pinyin: a prefix is a range of
    each (bisect), the best of the range by weight what is offered. A scan of every candidate
    took 60 ms a keystroke for 90,000 of them (a site of 20,000 titles)."""

    def __init__(self, weights: Counter[str], forms: dict[str, tuple[str, str]] | None = None):
        forms = forms or {}
        candidates = [
            Candidate(text, weight, *(forms.get(text) or pinyin_forms(text)))
            for text, weight in weights.items()
        ]
        self._sorted = {
            key: sorted(((getattr(c, key), c) for c in candidates), key=lambda kc: kc[0])
            for key in ("text", "initials", "full")
        }
        self._keys = {key: [k for k, _ in pairs] for key, pairs in self._sorted.items()}

    @staticmethod
    def _rank(c: Candidate) -> tuple:
        return (-c.weight, len(c.text), c.text)

    def _starting_with(self, key: str, prefix: str) -> list[Candidate]:
        keys = self._keys[key]
        start = bisect.bisect_left(keys, prefix)
        stop = bisect.bisect_left(keys, prefix + "\U0010ffff", lo=start)
        return [c for _, c in self._sorted[key][start:stop]]

    def suggest(self, query: str, limit: int = 8) -> list[str]:
        q = normalize(query).replace(" ", "")
        if not q:
            return []
        if ASCII_QUERY.match(q):
            found = {*self._starting_with("initials", q), *self._starting_with("full", q)}
        else:
            found = {c for c in self._starting_with("text", q) if c.text != q}
        return [c.text for c in heapq.nsmallest(limit, found, key=self._rank)]


def build_index(site: Site | None) -> SuggestionIndex:
    segmenter = get_segmenter()
    weights: Counter[str] = Counter()
    articles = ArticlePage.objects.live().public()
    if site is not None:
        articles = articles.descendant_of(site.root_page)
    recent = articles.order_by("-display_time")[:TITLES_PER_SITE]
    # A phrase's pinyin is its two words' (pinyin is computed once per distinct word).
    forms: dict[str, tuple[str, str]] = {}

    def offered(word: str, pos: str, left_out: frozenset[str]) -> bool:
        return segmenter.is_editor_word(word) or (pos[:1] not in left_out and pos != "ad")

    for title in recent.values_list("title", flat=True):
        seen = set()
        # Phrases of words side by side in the title: within a run (no space or mark between),
        # with no number or Latin word between (科比24分湖人 offered 科比分湖, and 雄鸡后尘
        # 意大利 offered 后尘意大利, once the 24 and the space were dropped).
        for run in runs(title):
            tagged = [(w, pos) if HAN.search(w) else ("", "") for w, pos in segmenter.tag(run)]
            words = [w for w, _ in tagged]
            alone = [offered(w, pos, NOT_ALONE) for w, pos in tagged]
            joined = [offered(w, pos, NOT_IN_PHRASES) for w, pos in tagged]
            for i, word in enumerate(words):
                if len(word) < 2:
                    continue
                if alone[i]:
                    seen.add(word)  # not 基于, 进一步 (jy → 教育, 就业)
                # Two-word phrases of real words only: 党建 + 引领, not 教育 + 的 or 人工智能 + 中,
                # nor a word with a pronoun, an adverb or an idiom (高考一样, 考研到底,
                # 大学生千万别; 本科 招生 too: jieba tags 本科 a pronoun).
                following = words[i + 1] if i + 1 < len(words) else ""
                if (
                    len(following) >= 2
                    and len(word) + len(following) <= MAX_PHRASE_LENGTH
                    and joined[i]
                    and joined[i + 1]
                ):
                    phrase = word + following
                    seen.add(phrase)
                    if phrase not in forms:
                        (i1, f1), (i2, f2) = pinyin_forms(word), pinyin_forms(following)
                        forms[phrase] = (i1 + i2, f1 + f2)
        weights.update(seen)  # document frequency
    # A word jieba only guessed (its HMM joins characters it does not know) is offered once
    # two titles hold it: alone it was mostly a fragment (湖人画 of 湖人画风…, 过多易).
    for text, n in list(weights.items()):
        if n == 1 and text not in forms and not segmenter.knows(text):
            del weights[text]
    # The editors' 关键词 of those articles: what they say an article is about (红船精神).
    tags = Tag.objects.filter(
        articles_articlepagetag_items__content_object__in=recent.values("pk")
    ).annotate(n=Count("articles_articlepagetag_items"))
    for name, n in tags.values_list("name", "n"):
        tag = normalize(name).replace(" ", "")
        # As typed by an editor or an import: offered only if written as words (<kw>注入 is
        # markup, not a word a reader searches), as the 热搜 are.
        if HAN.search(tag) and 2 <= len(tag) <= MAX_PHRASE_LENGTH and written_in_words(tag):
            weights[tag] += n
    for word in DictionaryWord.objects.values_list("word", flat=True):
        weights[normalize(word)] += 5
    for rank, query in enumerate(hot_searches(site, limit=50)):
        weights[query] += 50 - rank
    # Titles may contain 敏感词 (a report about them); suggestions never offer one.
    return SuggestionIndex(
        Counter({w: n for w, n in weights.items() if not find_sensitive(w)}), forms
    )


EMPTY = SuggestionIndex(Counter())


class _IndexCache:
    """Built on first use, in a thread a request waits for at most
    settings.PORTAL_SUGGEST_FIRST_WAIT seconds (None: built in the request); until it is in,
    nothing is offered. A site of 12,900 articles takes 2.4 s to build (measured on the dev
    corpus): the first keystroke after a start waited that long, in each process for each
    site. Afterwards the index keeps answering while a thread rebuilds it, after SUGGEST_TTL or
    as soon as an article has left the public in any process (unpublished, deleted, made
    private: the feeds' generation). A withdrawn title is offered until that rebuild is in
    (seconds), not for the rest of the ten minutes; no request waits for it."""

    def __init__(self):
        self._lock = threading.Lock()
        self._built: dict[int | None, tuple[float, int, SuggestionIndex]] = {}
        self._building: dict[int | None, threading.Event] = {}

    def get(self, site: Site | None) -> SuggestionIndex:
        key = site.pk if site else None
        entry = self._built.get(key)
        if entry is None:
            wait = settings.PORTAL_SUGGEST_FIRST_WAIT
            if wait is None:  # the tests': a thread would not see their transaction
                with self._lock:
                    entry = self._built.get(key)
                    if entry is None:
                        entry = self._built[key] = self._build(site)
                return entry[2]
            self._start(key, site).wait(wait)
            entry = self._built.get(key)
            return entry[2] if entry else EMPTY
        if time.monotonic() - entry[0] > SUGGEST_TTL or entry[1] != generation():
            self._start(key, site)
        return entry[2]

    def _start(self, key: int | None, site: Site | None) -> threading.Event:
        """The site's build under way, started now if none is (one at a time per site)."""
        with self._lock:
            building = self._building.get(key)
            if building is None:
                building = self._building[key] = threading.Event()
                threading.Thread(target=self._rebuild, args=(key, site), daemon=True).start()
        return building

    @staticmethod
    def _build(site: Site | None) -> tuple[float, int, SuggestionIndex]:
        return time.monotonic(), generation(), build_index(site)

    def _rebuild(self, key: int | None, site: Site | None) -> None:
        try:
            self._built[key] = self._build(site)
        except Exception:  # logged; what was built stays, the next request tries again
            logger.exception("建立搜索联想索引失败（站点 %s）", key)
        finally:
            with self._lock:
                self._building.pop(key).set()
            connection.close()  # this thread's own database connection

    def clear(self) -> None:
        self._built.clear()


index_cache = _IndexCache()


def suggest(query: str, site: Site | None, limit: int = 8) -> list[str]:
    return index_cache.get(site).suggest(query, limit)


def did_you_mean_for(text: str, site: Site | None) -> list[str]:
    """您是不是要找: for a query that found nothing, the site's words its pinyin or its start
    spells (dangjian, djyl → 党建引领; 党建引 → 党建引领) and, for a Chinese word, those
    sounding the same (党见 → 党建: the wrong candidate picked in a pinyin input method);
    only words that find an article."""
    candidates = []
    word = normalize(text).replace(" ", "")
    if HAN_WORD.fullmatch(word):
        _, spelled = pinyin_forms(word)
        sounding = suggest(spelled, site, limit=50)
        candidates += [c for c in sounding if len(c) == len(word) and c != word]
    candidates += suggest(text, site)
    found = []
    # Each check is a search (remembered an hour): a few, on a page that found nothing.
    for candidate in list(dict.fromkeys(candidates))[:DID_YOU_MEAN_CHECKS]:
        if finds_articles(candidate, site):
            found.append(candidate)
            if len(found) == DID_YOU_MEAN:
                break
    return found
