"""Rewrite a search query into the segmented form the index holds (shared by every backend)."""

from __future__ import annotations

from modelsearch.query import And, Boost, Fuzzy, MatchAll, Not, Or, Phrase, PlainText, SearchQuery

from search.text import character_pairs, for_database, get_segmenter, normalize, runs

# A query that can match nothing: a term no segmented index contains (tokens never hold spaces
# or this private-use character).
NOTHING = "\ue000"


class Words(PlainText):
    """Plain text matched only as whole words, never as characters (the looser second tier)."""


class Characters(Phrase):
    """The characters typed, in order, wherever the text's words begin and end (a substring)."""


def _terms(tokens_with_synonyms: list[tuple[str, ...]], operator: str) -> SearchQuery:
    # A word typed twice adds nothing (党 党 … 100 times once overflowed the query parsers).
    groups = [
        PlainText(words[0]) if len(words) == 1 else Or([PlainText(w) for w in words])
        for words in dict.fromkeys(tokens_with_synonyms)
    ]
    if len(groups) == 1:
        return groups[0]
    if all(isinstance(group, PlainText) for group in groups):
        return PlainText(" ".join(g.query_string for g in groups), operator=operator)
    return And(groups) if operator == "and" else Or(groups)  # flat, never nested per word


def _characters(text: str) -> SearchQuery:
    """The phrase of the text's character pairs. A run kept whole for its numbers or codes
    (97-91胜, 约1.5万人, 用c++) is a phrase per part, since the index breaks the pairs at the
    punctuation, and each word with punctuation inside is also required as the word the
    index holds (1.5, 97-91, c++): its letters and digits have no pair of their own."""
    inner = [word for word in get_segmenter().cut(text) if not word.isalnum()]
    parts: list[SearchQuery] = [PlainText(word) for word in dict.fromkeys(inner)]
    parts += [Phrase(" ".join(p)) for r in runs(text) if (p := character_pairs(normalize(r)))]
    if not parts:
        return PlainText(NOTHING)
    return parts[0] if len(parts) == 1 else And(parts)


# At most this many spellings of one unknown string with its synonyms substituted (each a
# phrase of character pairs): 思政课程 → 思政课程, 思想政治课程.
MAX_SPELLINGS = 8


def _spellings(tokens_with_synonyms: list[tuple[str, ...]]) -> list[str]:
    spellings = [""]
    for words in tokens_with_synonyms:
        spellings = [s + w for s in spellings for w in words][:MAX_SPELLINGS]
    return spellings


def _plain_text(query: PlainText, characters: bool) -> SearchQuery:
    """Each run of the text (search.text.runs) as its words, or as its characters where
    jieba's cut of it cannot be trusted (Segmenter.is_reliable); runs joined by the operator."""
    segmenter = get_segmenter()
    word_tokens: list[str] = []
    groups: list[SearchQuery] = []
    for chunk in dict.fromkeys(runs(query.query_string, joined=True)):
        tokens = segmenter.cut(chunk)
        if not tokens:
            continue
        if not characters or isinstance(query, Words) or segmenter.is_reliable(chunk):
            word_tokens.extend(tokens)
            continue
        expanded = segmenter.expand(tokens)
        if "".join(tokens) == chunk and any(len(group) > 1 for group in expanded):
            # A synonym of one of its words (思政 ↔ 思想政治) may stand in the text instead:
            # the characters of each spelling, 思政课程 or 思想政治课程.
            groups.append(Or([_characters(spelling) for spelling in _spellings(expanded)]))
        else:
            groups.append(_characters(chunk))
    if word_tokens:
        # Autocomplete matches what is typed as prefixes; its compilers take no Or (synonyms).
        expanded = segmenter.expand(word_tokens) if characters else [(t,) for t in word_tokens]
        groups.insert(0, _terms(expanded, query.operator))
    if not groups:
        return PlainText(NOTHING)
    if len(groups) == 1:
        return groups[0]
    return And(groups) if query.operator == "and" else Or(groups)


def _phrase(query: Phrase, characters: bool) -> SearchQuery:
    """A quoted phrase: its words in order; the runs jieba's cut cannot be trusted for are
    matched as the characters typed, as they are unquoted ("大班额" finds 超大班额)."""
    segmenter = get_segmenter()
    chunks = runs(query.query_string, joined=True)
    if characters and any(not segmenter.is_reliable(chunk) for chunk in chunks):
        parts = [
            _characters(chunk)
            if not segmenter.is_reliable(chunk)
            else Phrase(" ".join(segmenter.cut(chunk)) or NOTHING)
            for chunk in chunks
        ]
        return parts[0] if len(parts) == 1 else And(parts)
    tokens = segmenter.cut(query.query_string)
    return Phrase(" ".join(tokens) if tokens else NOTHING)


def for_database_query(query: SearchQuery) -> SearchQuery:
    """A segmented query's words as the database backends index them (search.text.for_database)."""
    if isinstance(query, PlainText):
        return PlainText(for_database(query.query_string), operator=query.operator)
    if isinstance(query, Phrase):
        return Phrase(for_database(query.query_string))
    if isinstance(query, Boost):
        return Boost(for_database_query(query.subquery), query.boost)
    if isinstance(query, Not):
        return Not(for_database_query(query.subquery))
    if isinstance(query, And):
        return And([for_database_query(q) for q in query.subqueries])
    if isinstance(query, Or):
        return Or([for_database_query(q) for q in query.subqueries])
    return query  # MatchAll; Fuzzy, which modelsearch matches on the raw text


def segment_query(query: SearchQuery, characters: bool = True) -> SearchQuery:
    """PlainText and Phrase are cut into words (with the editors' synonyms); the tree is kept.

    characters=False (autocomplete, whose index holds no character pairs) matches every
    chunk as words. A Characters node (made only by search.query_parser.loosen for the
    search tiers, never for autocomplete) is always the phrase of its characters.
    """
    if isinstance(query, Characters):
        return _characters(query.query_string)
    if isinstance(query, PlainText):
        return _plain_text(query, characters)
    if isinstance(query, Phrase):
        return _phrase(query, characters)
    if isinstance(query, Fuzzy):
        return query
    if isinstance(query, Boost):
        return Boost(segment_query(query.subquery, characters), query.boost)
    if isinstance(query, Not):
        return Not(segment_query(query.subquery, characters))
    if isinstance(query, And):
        return And([segment_query(q, characters) for q in query.subqueries])
    if isinstance(query, Or):
        return Or([segment_query(q, characters) for q in query.subqueries])
    if isinstance(query, MatchAll):
        return query
    return query
