"""Rewrite a search query into the segmented form the index holds (shared by every backend)."""

from __future__ import annotations

from functools import reduce

from modelsearch.query import And, Boost, Fuzzy, MatchAll, Not, Or, Phrase, PlainText, SearchQuery

from search.text import get_segmenter

# A query that can match nothing: a term no segmented index contains (tokens never hold spaces
# or this private-use character).
NOTHING = "\ue000"


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


def segment_query(query: SearchQuery) -> SearchQuery:
    """PlainText and Phrase are cut into words (with the editors' synonyms); the tree is kept."""
    segmenter = get_segmenter()
    if isinstance(query, PlainText):
        tokens = segmenter.cut(query.query_string)
        if not tokens:
            return PlainText(NOTHING)
        return _terms(segmenter.expand(tokens), query.operator)
    if isinstance(query, Phrase):
        tokens = segmenter.cut(query.query_string)
        return Phrase(" ".join(tokens) if tokens else NOTHING)
    if isinstance(query, Fuzzy):
        return query
    if isinstance(query, Boost):
        return Boost(segment_query(query.subquery), query.boost)
    if isinstance(query, Not):
        return Not(segment_query(query.subquery))
    if isinstance(query, And):
        return And([segment_query(q) for q in query.subqueries])
    if isinstance(query, Or):
        return Or([segment_query(q) for q in query.subqueries])
    if isinstance(query, MatchAll):
        return query
    return query
