"""Rewrite a search query into the segmented form the index holds (shared by every backend)."""

from __future__ import annotations

from functools import reduce

from modelsearch.query import And, Boost, Fuzzy, MatchAll, Not, Or, Phrase, PlainText, SearchQuery

from search.text import character_pairs, get_segmenter, normalize, runs

# A query that can match nothing: a term no segmented index contains (tokens never hold spaces
# or this private-use character).
NOTHING = "\ue000"


class Words(PlainText):
    """Plain text matched only as whole words, never as characters (the looser second tier)."""


class Characters(Phrase):
    """The characters typed, in order, wherever the text's words begin and end (a substring)."""


def _terms(tokens_with_synonyms: list[tuple[str, ...]], operator: str) -> SearchQuery:
    groups = [
        PlainText(words[0]) if len(words) == 1 else Or([PlainText(w) for w in words])
        for words in tokens_with_synonyms
    ]
    if len(groups) == 1:
        return groups[0]
    if all(isinstance(group, PlainText) for group in groups):
        return PlainText(" ".join(g.query_string for g in groups), operator=operator)
    return reduce(lambda a, b: (a & b) if operator == "and" else (a | b), groups)


def _characters(text: str) -> SearchQuery:
    pairs = character_pairs(normalize(text))
    return Phrase(" ".join(pairs)) if pairs else PlainText(NOTHING)


def _plain_text(query: PlainText, characters: bool) -> SearchQuery:
    """Each run of the text (search.text.runs) as its words, or as its characters where
    jieba's cut of it cannot be trusted (Segmenter.is_reliable); runs joined by the operator."""
    segmenter = get_segmenter()
    word_tokens: list[str] = []
    groups: list[SearchQuery] = []
    for chunk in runs(query.query_string):
        tokens = segmenter.cut(chunk)
        if not tokens:
            continue
        if not characters or isinstance(query, Words) or segmenter.is_reliable(chunk):
            word_tokens.extend(tokens)
            continue
        expanded = segmenter.expand(tokens)
        as_characters = _characters(chunk)
        if any(len(group) > 1 for group in expanded):
            # A synonym of one of its words (思政 ↔ 思想政治) may stand in the text instead.
            groups.append(Or([as_characters, _terms(expanded, "and")]))
        else:
            groups.append(as_characters)
    if word_tokens:
        groups.insert(0, _terms(segmenter.expand(word_tokens), query.operator))
    if not groups:
        return PlainText(NOTHING)
    if len(groups) == 1:
        return groups[0]
    return And(groups) if query.operator == "and" else Or(groups)


def segment_query(query: SearchQuery, characters: bool = True) -> SearchQuery:
    """PlainText and Phrase are cut into words (with the editors' synonyms); the tree is kept.

    characters=False (autocomplete, whose index holds no character pairs) matches every
    chunk as words.
    """
    segmenter = get_segmenter()
    if isinstance(query, Characters):
        return (
            _characters(query.query_string)
            if characters
            else segment_query(PlainText(query.query_string), characters=False)
        )
    if isinstance(query, PlainText):
        return _plain_text(query, characters)
    if isinstance(query, Phrase):
        tokens = segmenter.cut(query.query_string)
        return Phrase(" ".join(tokens) if tokens else NOTHING)
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
