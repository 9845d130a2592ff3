from modelsearch.query import And, Not, Phrase, PlainText

from search.query_parser import clean_query, parse_query


def test_words_phrases_and_exclusions():
    query = parse_query('党建 "红船精神" -工匠 -“党史 学习”')
    assert isinstance(query, And)
    first, phrase, not_word, not_phrase = query.subqueries
    assert isinstance(first, PlainText) and first.query_string == "党建"
    assert isinstance(phrase, Phrase) and phrase.query_string == "红船精神"
    assert isinstance(not_word, Not) and not_word.subquery.query_string == "工匠"
    assert isinstance(not_phrase.subquery, Phrase)
    assert not_phrase.subquery.query_string == "党史 学习"


def test_nothing_searchable():
    for text in ("", "-党建", '""', "-", "“”"):
        assert parse_query(text) is None, text


def test_unclosed_quote_is_a_phrase_to_the_end():
    query = parse_query('"党史学习')
    assert isinstance(query, Phrase) and query.query_string == "党史学习"


def test_clean_query_caps_and_strips():
    assert clean_query("  党建\x00\n 引领  ") == "党建 引领"
    assert len(clean_query("字" * 2000)) == 200
