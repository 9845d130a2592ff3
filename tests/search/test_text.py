"""The analysis every backend shares: normalisation, segmentation, the editors' dictionary."""

import pytest

from search.models import DictionaryWord, SynonymGroup
from search.text import (
    LONGEST_WORD,
    PAIR_MARK,
    Segmenter,
    character_pairs,
    for_database,
    get_segmenter,
    normalize,
    runs,
    segment_for_index,
    segment_query,
)


def test_normalize_folds_width_script_and_case():
    assert normalize("Ｗａｇｔａｉｌ　３．０") == "wagtail 3.0"
    assert normalize("黨史學習教育") == "党史学习教育"
    assert normalize("PYTHON") == "python"


@pytest.mark.parametrize(
    ("query", "text"),
    [("和服", "和服务"), ("北京大学", "北京大学生电影节"), ("生计", "招生计划")],
)
def test_a_query_word_does_not_match_across_word_boundaries(query, text):
    seg = Segmenter()
    assert set(seg.cut(query)) - set(seg.cut_for_index(text)), (seg.cut(query), text)


def test_index_tokens_contain_a_long_word_and_its_parts():
    tokens = Segmenter().cut_for_index("北京大学生电影节")
    assert {"大学生", "电影节", "电影"} <= set(tokens)


def test_a_long_run_of_one_character_is_looked_up_a_bounded_number_of_times():
    """jieba keeps 汉 × 200,000 as one token; every length of its edges was looked up in the
    dictionary (a save took 232 s, holding the database's write lock). Only lengths a word
    can have (LONGEST_WORD) are, however long the run: counted at jieba's dictionary."""
    segmenter = Segmenter()

    class Counting:
        def __init__(self, jieba):
            self.jieba, self.lookups = jieba, 0

        def has_word(self, word):
            self.lookups += 1
            return self.jieba.has_word(word)

        def __getattr__(self, name):
            return getattr(self.jieba, name)

    counting = segmenter._jieba = Counting(segmenter._jieba)
    tokens = segmenter.cut_for_index("汉" * 20_000)
    assert tokens[0] == "汉" * 20_000
    assert counting.lookups <= 2 * LONGEST_WORD + 10
    # Long words are still found at the edges of longer ones.
    assert {"清华大学", "华南理工", "理工大学"} <= set(
        Segmenter().cut_for_index("清华大学电子工程系 华南理工大学")
    )


def test_punctuation_and_spaces_are_not_tokens():
    assert Segmenter().cut("“红船”，精神！ ") == ["红船", "精神"]
    assert Segmenter().cut("！？。，") == []


@pytest.mark.django_db
def test_editor_words_take_effect_without_a_restart():
    assert segment_query("红船工匠") == ["红船", "工匠"]
    word = DictionaryWord(word="红船工匠")
    word.full_clean()
    word.save()
    assert segment_query("培养红船工匠") == ["培养", "红船工匠"]
    assert "红船工匠" in segment_for_index("培养红船工匠").split()
    word.delete()
    assert segment_query("红船工匠") == ["红船", "工匠"]


@pytest.mark.django_db
def test_synonym_groups_expand_query_tokens():
    group = SynonymGroup(words="思政， 思想政治 思政")
    group.full_clean()
    group.save()
    assert group.words == "思政，思想政治"
    seg = get_segmenter()
    assert seg.expand(seg.cut("思想政治课程")) == [("思想政治", "思政"), ("课程",)]


@pytest.mark.django_db
def test_dictionary_input_is_validated_in_chinese():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="同义词组至少需要两个不同的词语"):
        SynonymGroup(words="思政，思政").full_clean()
    with pytest.raises(ValidationError, match="不能含有空格或标点"):
        DictionaryWord(word="红船 精神").full_clean()
    # Symbols, invisible characters and words normalising to over 40 characters (were saved).
    for word in ["红船%精神", "a-b", "<script>", "红船🎉", "红船\u200b精神"]:
        with pytest.raises(ValidationError, match="只能由汉字、字母和数字组成"):
            DictionaryWord(word=word).full_clean()
    with pytest.raises(ValidationError, match="不能超过 40 个字"):
        DictionaryWord(word="㍿" * 40).full_clean()
    with pytest.raises(ValidationError, match="只能由汉字、字母和数字组成：a.b"):
        SynonymGroup(words="思政，a.b").full_clean()
    DictionaryWord(word="5G网络").full_clean()  # letters and digits are fine
    # One character is a word already (党 would re-index nearly every article).
    with pytest.raises(ValidationError, match="词语至少要有两个字：党"):
        DictionaryWord(word="党").full_clean()
    with pytest.raises(ValidationError, match="词语至少要有两个字：党"):
        SynonymGroup(words="党，党组织").full_clean()
    with pytest.raises(ValidationError, match="不能超过 40 个字"):
        SynonymGroup(words="思政，" + "思" * 41).full_clean()


@pytest.mark.django_db
def test_a_word_belongs_to_one_synonym_group():
    from django.core.exceptions import ValidationError

    SynonymGroup.objects.create(words="思政，思想政治")
    for words in ["思政，思政课", "思想政治，思想政治理论"]:
        with pytest.raises(ValidationError, match="已在同义词组“思政 ↔ 思想政治”中"):
            SynonymGroup(words=words).full_clean()
    group = SynonymGroup.objects.get()
    group.words = "思政，思想政治，思政工作"  # extending the group itself is fine
    group.full_clean()
    SynonymGroup(words="党建，党的建设").full_clean()


@pytest.mark.django_db
def test_admin_says_once_why_a_word_is_refused(admin_client):
    for url, field, value, message in [
        ("/admin/snippets/search/dictionaryword/add/", "word", "红" * 41, "40"),
        ("/admin/snippets/search/synonymgroup/add/", "words", "思政，" + "思" * 400, "400"),
    ]:
        response = admin_client.post(url, {field: value})
        assert response.status_code == 200
        errors = response.context["form"].errors[field]
        assert len(errors) == 1 and message in errors[0], errors


@pytest.mark.django_db
def test_a_word_already_in_the_dictionary_is_named_when_refused(admin_client):
    """壞詞 is 坏词 to search: the message says so and names the entry, not Django's generic
    “具有 词语 的 搜索词典词语 已存在。”."""
    DictionaryWord.objects.create(word="坏词")
    other = DictionaryWord.objects.create(word="红色")
    for url in [
        "/admin/snippets/search/dictionaryword/add/",
        f"/admin/snippets/search/dictionaryword/edit/{other.pk}/",
    ]:
        response = admin_client.post(url, {"word": "壞詞", "note": "留言"})
        assert response.status_code == 200
        errors = response.context["form"].errors["word"]
        assert errors == ["词典中已有“坏词”（繁体与简体、全角与半角、大小写视为同一个词）"]
    assert sorted(DictionaryWord.objects.values_list("word", flat=True)) == ["坏词", "红色"]


def test_index_adds_edge_parts_but_not_inner_accidents():
    seg = Segmenter()
    assert "制作" not in seg.cut_for_index("抑制作用")
    assert "动机" not in seg.cut_for_index("发动机")
    assert "大学" in seg.cut_for_index("大学生")


def test_a_long_word_adds_the_whole_words_of_four_or_more_characters_at_its_edges():
    seg = Segmenter()
    # jieba keeps 清华大学电子工程系 as one word; its search mode offers only 2–3 characters.
    assert "清华大学" in seg.cut_for_index("清华大学电子工程系教授")
    assert {"华南理工", "理工大学"} <= set(seg.cut_for_index("华南理工大学"))
    # …but not a part whose rest is no word: 北京大学生 is 北京 + 大学生.
    assert "北京大学" not in seg.cut_for_index("北京大学生电影节")


def test_a_three_character_word_adds_its_tail_only_where_the_tail_is_the_word():
    seg = Segmenter()
    assert "增益" in seg.cut_for_index("高增益")
    assert "职工" in seg.cut_for_index("教职工")
    assert "性病" not in seg.cut_for_index("慢性病")


def test_character_pairs_are_marked_and_stop_at_spaces_and_punctuation():
    assert character_pairs("5g网络，ai 教学") == [
        PAIR_MARK + "5g网",
        PAIR_MARK + "网络",
        PAIR_MARK + "教学",
    ]
    assert character_pairs("wagtail cms") == []
    # At index time a break stands between the runs: no phrase of pairs spans the comma.
    assert character_pairs("中国，国家", breaks=True) == [
        PAIR_MARK + "中国",
        PAIR_MARK,
        PAIR_MARK + "国家",
    ]
    assert character_pairs("，中国，，a，国家，", breaks=True) == [
        PAIR_MARK + "中国",
        PAIR_MARK,
        PAIR_MARK + "国家",
    ]
    # No normalised text holds the mark, so a pair never equals a word of the text.
    assert PAIR_MARK not in normalize(PAIR_MARK + "党建")


@pytest.mark.django_db
def test_index_holds_words_then_pairs_autocomplete_words_only():
    assert segment_for_index("超大班额").split() == [
        "超大",
        "班额",
        PAIR_MARK + "超大",
        PAIR_MARK + "大班",
        PAIR_MARK + "班额",
    ]
    assert segment_for_index("超大班额", pairs=False).split() == ["超大", "班额"]


@pytest.mark.parametrize(
    ("chunk", "as_words"),
    [
        ("和服", True),  # in jieba's dictionary: 和服务 must not match
        ("北京大学", True),
        ("生计", True),
        ("wagtail", True),  # no Han character: the tokenizer's words
        ("党", True),  # one character: nothing to pair
        ("学霸", False),  # not in the dictionary: cut differently in 女学霸, 学霸们
        ("大班额", False),
        ("教师资格", False),  # in the dictionary, but too rare to be cut reliably
        ("红船工匠", False),
    ],
)
def test_known_words_match_as_words_the_rest_as_characters(chunk, as_words):
    assert Segmenter().is_reliable(chunk) is as_words


@pytest.mark.django_db
def test_editor_words_match_as_words():
    assert not get_segmenter().is_reliable("红船工匠")
    DictionaryWord.objects.create(word="红船工匠")
    assert get_segmenter().is_reliable("红船工匠")


def test_runs_keep_the_punctuation_jieba_keeps_in_words():
    assert runs("用c++和c#写，涨0.82%。1.7秒", joined=True) == [
        "用c++",
        "和c#",
        "写",
        "涨0.82%",
        "1.7秒",
    ]
    assert runs("微博#热搜 c ++", joined=True) == ["微博", "热搜", "c"]


def test_database_words_write_punctuation_as_letters():
    index = Segmenter().cut_for_index("学c++与c语言，增长0.82%，版本1.2.3")
    assert {"c++", "c", "0.82%", "1.2.3"} <= set(index)
    words = for_database(" ".join(index)).split()
    # One word each to SQLite's and PostgreSQL's tokenisers, which split at punctuation.
    assert len(words) == len(index) and all(word.isalnum() for word in words)
    assert len(set(words)) == len(set(index))  # c++ is not c, 1.2.3 not 123


def test_runs_end_at_spaces_and_punctuation():
    assert runs("红船，精神 党史学习教育！5G网络") == ["红船", "精神", "党史学习教育", "5g网络"]
    assert runs("“”！？") == []
