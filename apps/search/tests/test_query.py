from hypothesis import example, given, settings
from hypothesis import strategies as st

from apps.search.analysis import BigramTokenizer, cut_words, phrase_grams
from apps.search.highlight import highlight
from apps.search.normalize import fold
from apps.search.query import MAX_QUERY_CHARS, ArticleRef, Term, parse_query


def test_words_are_anded_and_or_groups_alternatives():
    query = parse_query("电子商务 平台 OR 经营者 -罚款")
    assert query.must == [[Term("电子商务")], [Term("平台"), Term("经营者")]]
    assert query.must_not == [Term("罚款")]


def test_pipe_is_or():
    assert parse_query("平台|经营者").must == [[Term("平台"), Term("经营者")]]


def test_quotes_make_an_exact_phrase_even_with_spaces_and_chinese_quotes():
    assert parse_query('"平台内 经营者"').must == [[Term("平台内 经营者", exact=True)]]
    assert parse_query("“平台内经营者”").must == [[Term("平台内经营者", exact=True)]]
    assert parse_query('-"罚 款"').must_not == [Term("罚 款", exact=True)]


def test_unbalanced_quote_takes_the_rest_as_phrase():
    assert parse_query('"平台内经营者').must == [[Term("平台内经营者", exact=True)]]


def test_lone_minus_and_operators_alone_are_ignored():
    assert parse_query("-").is_empty
    assert parse_query("OR").is_empty
    assert parse_query("AND 平台").must == [[Term("平台")]]


def test_whoosh_syntax_is_plain_text():
    query = parse_query("title:电子 商务^2 经营* (平台) [a TO b]")
    texts = [t.text for group in query.must for t in group]
    assert texts == ["title", "电子", "商务", "2", "经营", "平台", "a", "TO", "b"]


def test_control_characters_and_length_are_handled():
    query = parse_query("\x00平台\x07" + "字" * 20000)
    assert query.notices
    assert sum(len(t.text) for g in query.must for t in g) <= MAX_QUERY_CHARS


def test_article_references():
    assert parse_query("电子商务法第38条").article == ArticleRef(38, "", "电子商务法")
    assert parse_query("电子商务法 第三十八条").article == ArticleRef(38, "", "电子商务法")
    assert parse_query("《电子商务法》第三十八条之一").article == ArticleRef(
        38, "之一", "电子商务法"
    )
    assert parse_query("第38条").article == ArticleRef(38, "", "")
    assert parse_query("平台 经营者").article is None


def test_article_numbers_match_both_spellings():
    assert set(Term("第38条").variants()) == {"第38条", "第三十八条"}
    assert set(Term("本法第三十八条规定").variants()) == {"本法第三十八条规定", "本法第38条规定"}
    assert Term("第38条", exact=True).variants() == ("第38条",)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
@example("[-0")  # once read back as "exclude 0"
@example("[OR x")  # once read back as an operator
def test_any_text_parses_and_round_trips(text):
    query = parse_query(text)
    again = parse_query(query.to_query_string())
    assert again.must == query.must
    assert again.must_not == query.must_not
    for group in query.must:
        for term in group:
            assert term.text.strip()


def test_fold_keeps_length_and_simplifies():
    text = "中華人民共和國電子商務法 ＡＢＣ１２３\u3000"
    folded = fold(text)
    assert len(folded) == len(text)
    assert folded == "中华人民共和国电子商务法 abc123 "


def test_character_tokenizers_skip_spaces_and_number_positions():
    bigrams = [(t.text, t.pos) for t in BigramTokenizer()("电子 商务", positions=True)]
    assert bigrams == [("电子", 0), ("子商", 1), ("商务", 2)]
    assert [t.text for t in BigramTokenizer()("电子商务", tokenize=False)] == ["电子商务"]
    assert phrase_grams("電子商務") == ["电子", "子商", "商务"]
    assert phrase_grams("法") == ["法"]


def test_jieba_keeps_legal_terms_digits_and_latin():
    words = cut_words("电子商务经营者应当于2014年在O2O平台公示")
    assert "电子商务经营者" in words
    assert "2014" in words and "o2o" in words


def test_highlight_marks_original_text_and_escapes():
    html = highlight("電子商務經營者<script>alert(1)</script>公示", ["电子商务经营者", "alert"])
    assert "<mark>電子商務經營者</mark>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<mark>alert</mark>" in html


def test_highlight_picks_the_matching_part_of_a_long_text():
    text = "甲" * 400 + "目标短语" + "乙" * 400
    html = highlight(text, ["目标短语"])
    assert "<mark>目标短语</mark>" in html
    assert html.startswith("…") and html.endswith("…")
    assert len(html) < 250


def test_highlight_across_spaces():
    assert highlight("自 2014 年起", ["2014年"]) == "自 <mark>2014 年</mark>起"


MIXED = list("电子商务法第三十八条经营者应当 ,.;ab12_-#%（）\n\t。")


@settings(max_examples=200, deadline=None)
@given(st.text(st.sampled_from(MIXED), max_size=80))
def test_cutting_run_by_run_gives_what_jieba_gives(text):
    from apps.search.analysis import _cut, jieba_tokenizer

    assert list(_cut(text)) == list(jieba_tokenizer().cut(text, HMM=False))


def test_quoted_article_numbers_are_literal_text():
    assert parse_query("第三十八条").article is not None
    quoted = parse_query('"第三十八条"')
    assert quoted.article is None and quoted.must == [[Term("第三十八条", exact=True)]]
    assert parse_query('电子商务法 "第三十八条"').article is None


def test_a_pure_negation_is_a_query():
    query = parse_query("-罚款")
    assert not query.is_empty and query.must_not == [Term("罚款")]
