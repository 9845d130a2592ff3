"""Chinese text analysis shared by every search backend.

The same two steps run at index time and at query time, so a query finds documents that
contain its *words*, not documents where its characters merely touch across a word boundary
(和服 must not match 和服务):

1. `normalize`: NFKC (full-width letters and digits become half-width), Traditional to
   Simplified Chinese (OpenCC t2s), case folding.
2. segmentation with jieba-rs (rjieba) and the editors' dictionary.

Beside the words, every text is indexed as marked character pairs (`character_pairs`), so
that a query string jieba does not know as a word (学霸, 大班额, 特岗教师 …) can be matched as
the characters typed: jieba cuts such strings differently from one sentence to the next (超大班额
→ 超大 / 班额), while a word it knows (和服, 北京大学) is cut reliably and keeps matching as a word.
"""

from __future__ import annotations

import re
import threading
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

import opencc
import rjieba

_T2S = opencc.OpenCC("t2s")
# How long a process trusts its copy of the editors' dictionary before checking the database.
DICTIONARY_RECHECK_SECONDS = 5.0


def normalize(text: str) -> str:
    """Half-width, Simplified, case-folded text."""
    if not text:
        return ""
    return _T2S.convert(unicodedata.normalize("NFKC", text)).casefold()


# Character pairs are indexed as PAIR_MARK + two characters, so they never equal a word token
# (大班 the pair must not match 大班 the word). U+F900 is a CJK compatibility ideograph: a
# letter to every tokenizer we feed (SQLite unicode61, PostgreSQL's parser, OpenSearch's
# whitespace), and NFKC maps it to 豈, so no normalised text contains it.
PAIR_MARK = "\uf900"
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003134f"
# A unit of a character pair: one Han character, or a run of other letters and digits (ai, 5g).
_UNIT = re.compile(rf"[{_HAN}]|[^\W_{_HAN}]+")
# jieba's dictionary words rarer than this are cut inconsistently (教师资格, frequency 4, is
# 教师 / 资格证 inside 教师资格证): they are matched as characters too, like unknown words.
RELIABLE_WORD_FREQ = 10
# The longest word the editors' dictionary takes (search.models.WORD_MAX_LENGTH).
LONGEST_WORD = 40


def _is_han(unit: str) -> bool:
    return len(unit) == 1 and bool(re.match(f"[{_HAN}]", unit))


# Written between the pairs of two runs of text (红船，精神: 豈红船 豈 豈精神), so that a phrase of
# pairs never spans a space or a punctuation mark: without it 中国，国家 matched 中国家.
PAIR_BREAK = PAIR_MARK


def character_pairs(normalized: str, breaks: bool = False) -> list[str]:
    """Marked pairs of adjacent units, at least one of them Han: 5g网络 → 5g网, 网络.

    Units separated by a space or punctuation are not adjacent; `breaks=True` (index time)
    puts PAIR_BREAK between the pairs of separate runs. A phrase of a string's pairs then
    matches exactly the texts that contain the string.
    """
    pairs: list[str] = []
    previous = None
    for match in _UNIT.finditer(normalized):
        if previous is not None and previous.end() == match.start():
            if _is_han(previous.group()) or _is_han(match.group()):
                pairs.append(PAIR_MARK + previous.group() + match.group())
        elif breaks and pairs and pairs[-1] != PAIR_BREAK:
            pairs.append(PAIR_BREAK)
        previous = match
    if pairs and pairs[-1] == PAIR_BREAK:
        pairs.pop()
    return pairs


def _joins(previous: str, gap: str, unit: str) -> bool:
    """Whether a point or hyphen between letters and digits (1.7, 97-91, covid-19), or a
    percent sign after a number (5%增长), holds two units together as one word."""
    if gap in (".", "-"):
        return not _is_han(previous) and not _is_han(unit)
    return gap == "%" and previous[-1].isdigit()


# What a word may end in besides letters and digits: a percent sign after a number (12%),
# plus or hash signs after letters (c++, c#; jieba keeps them where its dictionary has the word).
_WORD_END = re.compile(r"(?<=\d)%|(?<=[a-z])[+#]+")
# A number with its percent sign, one word to jieba (93.8%).
_PERCENTAGE = re.compile(r"\d+(?:\.\d+)?%")


def _suffix(previous: str, gap: str) -> str:
    """The start of the gap after a unit that belongs to its word (0.82% → %, c++ → ++)."""
    found = _WORD_END.match(previous[-1:] + gap, 1)
    return found.group() if found else ""


def runs(text: str, joined: bool = False) -> list[str]:
    """The runs of adjacent units in normalised text: what a query string's words and
    characters are matched within (a space or a punctuation mark ends a run): 红船，精神 →
    红船, 精神.

    joined=True keeps numbers and codes whole, as jieba does and so the index's words:
    1.7秒 is one run (words 1.7, 秒), 0.82% keeps its percent sign, 97-91 its hyphen, c++
    its plus signs.
    """
    normalized = normalize(text)
    found: list[str] = []
    previous, end = "", None
    for match in _UNIT.finditer(normalized):
        unit = match.group()
        gap = normalized[end : match.start()] if end is not None else ""
        if found and gap == "":
            found[-1] += unit
        elif found and joined and _joins(previous, gap, unit):
            found[-1] += gap + unit
        else:
            if found and joined:
                found[-1] += _suffix(previous, gap)
            found.append(unit)
        previous, end = unit, match.end()
    if found and joined:
        found[-1] += _suffix(previous, normalized[end:])
    return found


# The punctuation jieba keeps inside a word (1.7, 97-91, 0.82%, c++, c#, a&b, a_b), each
# written as a letter no normalised text contains (CJK compatibility ideographs, which NFKC
# maps to other characters, as PAIR_MARK). The databases' tokenisers split words at
# punctuation (SQLite held 1.2.3 as 1 / 2 / 3 and c++ as c; PostgreSQL dropped the % of
# 0.82%), while OpenSearch's whitespace tokeniser keeps each word whole: written this way, the
# databases hold the same words as OpenSearch.
_DATABASE_LETTERS = str.maketrans(
    {".": "\uf901", "-": "\uf902", "%": "\uf903", "+": "\uf904", "#": "\uf905", "&": "\uf906",
     "_": "\uf907"}
)  # fmt: skip


def for_database(words: str) -> str:
    """Space-separated index or query words as a database's tokeniser must see them."""
    return words.translate(_DATABASE_LETTERS)


def _is_word(token: str) -> bool:
    """Tokens worth indexing: anything with a letter or a digit (not spaces or punctuation)."""
    return any(ch.isalnum() for ch in token)


@dataclass
class Dictionary:
    """The editors' words and synonym groups, as one immutable snapshot."""

    words: tuple[str, ...] = ()
    synonym_groups: tuple[tuple[str, ...], ...] = ()
    version: str = ""
    _synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)

    def __post_init__(self):
        for group in self.synonym_groups:
            for word in group:
                self._synonyms[word] = tuple(w for w in group if w != word)

    def synonyms_of(self, word: str) -> tuple[str, ...]:
        return self._synonyms.get(word, ())


class Segmenter:
    """jieba-rs with the default dictionary plus the editors' words."""

    def __init__(self, dictionary: Dictionary | None = None):
        self.dictionary = dictionary or Dictionary()
        self._jieba = rjieba.Jieba()
        self._editor_words = {normalize(w) for w in self.dictionary.words}
        extra = set(self.dictionary.words)
        for group in self.dictionary.synonym_groups:
            extra.update(group)  # a synonym must survive segmentation to be expanded
        for word in sorted(extra):
            word = normalize(word)
            if word:
                self._jieba.add_word(word, self._jieba.suggest_freq(word), None)

    def cut(self, text: str) -> list[str]:
        """Precise segmentation: what a query is made of."""
        return [tok for tok in self._jieba.cut(normalize(text)) if _is_word(tok)]

    def tag(self, text: str) -> list[tuple[str, str]]:
        """Precise segmentation with jieba's part-of-speech tags: [(党建, j), (引领, v)]."""
        return [(tok, pos) for tok, pos in self._jieba.tag(normalize(text), True) if _is_word(tok)]

    def cut_for_index(self, text: str) -> list[str]:
        """Precise words, plus the dictionary words at the edges of long words.

        北京大学生 is indexed as 北京 / 大学生 / 大学, so 大学 finds it while 北京大学 does not.
        Only edge parts are added: inner parts are mostly accidents of the characters
        (抑制作用 ⊃ 制作). A three-character word adds its head (大学生 → 大学) and its
        two-character tail only where jieba's dictionary rates the tail the commoner word
        (高增益 → 增益, 教职工 → 职工; but 发动机 ⊅ 动机, 慢性病 ⊅ 性病).
        Measured offline on the dev corpus when this was chosen (before character pairs):
        trap false hits 0.6 %, phrase nDCG@10 0.993 (jieba's search mode: 8.6 % false hits;
        precise mode alone: 0 %, missing 13 % of the true hits).

        The parts follow all the words, so the words stand next to each other as in the
        text: a quoted "高质量 党建" is the phrase of those two words (parts written right
        after their word, 高质量 / 高质 / 质量 / 党建, came between them and it found nothing).
        """
        words = [token for token in self._jieba.cut(normalize(text)) if _is_word(token)]
        parts = [part for word in words if len(word) >= 3 for part in self._edge_parts(word)]
        # jieba keeps a percentage whole (93.8%): its number is the word a reader types (93.8).
        parts += [word[:-1] for word in words if _PERCENTAGE.fullmatch(word)]
        return words + parts

    def _edge_parts(self, token: str) -> list[str]:
        parts = [p for p in self._jieba.cut_for_search(token) if p != token]
        head = [p for p in parts if token.startswith(p)]
        tail = [p for p in parts if token.endswith(p)]
        if len(token) == 3 and tail:
            # 高增益 → 增益 but 发动机 ↛ 动机: keep the tail only where it is a commoner word
            # than the head in jieba's dictionary (增益 91 vs 高增 0; 动机 982 vs 发动 5248).
            if self._word_freq(tail[0]) <= self._word_freq(token[:2]):
                tail = []
        return head + tail + self._long_edge_words(token)

    def _long_edge_words(self, token: str) -> list[str]:
        """Dictionary words of four or more characters at the edges of a longer word, where
        the rest of it is whole words too: 清华大学电子工程系 → 清华大学 (电子 / 工程系 left),
        华南理工大学 → 华南理工 and 理工大学. jieba's search mode stops at three characters, so
        清华大学 did not find the first. 北京大学生 ⊅ 北京大学: the rest, 生, is no word.
        """
        found = []
        # No dictionary word is longer than the editors' longest (WORD_MAX_LENGTH; jieba's own
        # stop near 20): every size up to the token's length made a run of one repeated
        # character (汉 × 200,000, kept by jieba as one token) take minutes to save.
        for size in range(4, min(len(token) - 1, LONGEST_WORD + 1)):
            for part, rest in (
                (token[:size], token[size:]),
                (token[-size:], token[:-size]),
            ):
                if self._jieba.has_word(part) and self._whole_words(rest):
                    found.append(part)
        return found

    def _whole_words(self, text: str) -> bool:
        return all(
            len(word) >= 2 and self._jieba.has_word(word) for word in self._jieba.cut(text, False)
        )

    def is_reliable(self, chunk: str) -> bool:
        """Whether a query string is matched as its words (True) or as its characters (False).

        Words jieba knows (its dictionary, at least RELIABLE_WORD_FREQ, or the editors'
        dictionary) are cut the same way everywhere, so 和服 keeps not matching 和服务. Anything
        else of two or more units with a Han character (unknown words, names, several words
        typed together) is matched as the characters typed, wherever the text's words begin.
        """
        text = normalize(chunk).strip()
        if len(character_pairs(text)) == 0:
            return True
        if text in self._editor_words:
            return True
        return self._word_freq(text) >= RELIABLE_WORD_FREQ

    def parts(self, token: str) -> list[str]:
        """The dictionary words of two or more characters at the edges of a word (职业院校 →
        职业, 院校; 清华大学 → 清华, 大学, not 华大): those the index holds it under. A word
        jieba only guessed (its HMM joins characters it does not know: 湖人胜) has the
        strings one character shorter (湖人, 人胜): texts cut it apart where other characters
        stand beside it (湖人 / 胜 / 掘金)."""
        guessed = []
        # Only Han words: a number or code is no guess of jieba's (3.8 is not 3. / .8, which
        # found 93.8% for 3.8).
        if len(token) >= 3 and any(map(_is_han, token)) and not self._jieba.has_word(token):
            guessed = [token[:-1], token[1:]]
        return list(dict.fromkeys([p for p in self._edge_parts(token) if len(p) >= 2] + guessed))

    def is_editor_word(self, word: str) -> bool:
        return normalize(word) in self._editor_words

    def knows(self, word: str) -> bool:
        """Whether the word is in jieba's dictionary or the editors' (not just guessed)."""
        return self._jieba.has_word(normalize(word))

    def _word_freq(self, word: str) -> int:
        return self._jieba.suggest_freq(word) if self._jieba.has_word(word) else 0

    def expand(self, tokens: Iterable[str]) -> list[tuple[str, ...]]:
        """Each query token with its synonyms: [(思政, 思想政治), (课程,)]."""
        return [(tok, *self.dictionary.synonyms_of(tok)) for tok in tokens]


class _SegmenterCache:
    """One Segmenter per process, rebuilt when editors change the dictionary."""

    def __init__(self):
        self._lock = threading.Lock()
        self._segmenter: Segmenter | None = None
        self._checked_at = 0.0

    def get(self) -> Segmenter:
        now = time.monotonic()
        if self._segmenter is not None and now - self._checked_at < DICTIONARY_RECHECK_SECONDS:
            return self._segmenter
        from django.apps import apps

        if not apps.is_installed("search"):
            # The backend used on its own (modelsearch's peer test suite): no editors' dictionary.
            self._segmenter = self._segmenter or Segmenter()
            self._checked_at = now
            return self._segmenter
        from .dictionary import current_version, load_dictionary

        with self._lock:
            version = current_version()
            if self._segmenter is None or self._segmenter.dictionary.version != version:
                self._segmenter = Segmenter(load_dictionary(version))
            self._checked_at = now
            return self._segmenter

    def invalidate(self) -> None:
        self._checked_at = 0.0


_cache = _SegmenterCache()


def get_segmenter() -> Segmenter:
    return _cache.get()


def invalidate_segmenter() -> None:
    """Make the next get_segmenter() in this process check the dictionary at once."""
    _cache.invalidate()


def segment_for_index(text: str, pairs: bool = True) -> str:
    """Space-joined index tokens, the form every backend stores: the words, then the marked
    character pairs (`pairs=False` for autocomplete fields, which match word prefixes)."""
    words = get_segmenter().cut_for_index(text)
    if pairs:
        words += character_pairs(normalize(text), breaks=True)
    return " ".join(words)


def segment_query(text: str) -> list[str]:
    return get_segmenter().cut(text)
