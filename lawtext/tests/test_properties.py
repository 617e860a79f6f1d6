"""Property-based tests: the pure parsers take any text without raising and stay well-formed."""

from hypothesis import given, settings
from hypothesis import strategies as st

from lawtext.citations import find_citations
from lawtext.numerals import cn_to_int, int_to_cn, parse_clause_number
from lawtext.publication import repair_text
from lawtext.structure import parse_structure
from lawtext.textnorm import clean_line, find_dates, parse_date

LEGAL_ALPHABET = st.sampled_from(
    list("第条之一二三四五六七八九十百千零章节编（）、，。：；《》“”0123456789 \n\t\x00\u3000")
    + ["本法", "电子商务", "2014年8月7日", "#"]
)
legalish = st.lists(LEGAL_ALPHABET, max_size=120).map("".join)
anything = st.one_of(st.text(max_size=300), legalish)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=1, max_value=99999))
def test_chinese_numerals_round_trip(number):
    assert cn_to_int(int_to_cn(number)) == number
    assert parse_clause_number(f"第{int_to_cn(number)}条") == (number, "")
    assert parse_clause_number(str(number)) == (number, "")


@settings(max_examples=300, deadline=None)
@given(anything)
def test_clause_number_parser_never_raises(text):
    result = parse_clause_number(text)
    if result is not None:
        number, suffix = result
        assert number > 0 and (suffix == "" or suffix.startswith("之"))


@settings(max_examples=300, deadline=None)
@given(anything)
def test_dates_are_valid_or_absent(text):
    for found in find_dates(text):
        assert 1 <= found.month <= 12
    parsed = parse_date(text)
    assert parsed is None or parsed.year >= 0


@settings(max_examples=200, deadline=None)
@given(st.lists(anything, max_size=20))
def test_text_repair_keeps_every_word_character(lines):
    repaired = repair_text(lines)
    assert all(isinstance(p, str) and p == p.strip() for p in repaired)
    before = sum(ch.isalnum() for line in lines for ch in clean_line(line))
    after = sum(ch.isalnum() for p in repaired for ch in p)
    assert after <= before  # repair joins and cleans lines, it never invents text


@settings(max_examples=200, deadline=None)
@given(st.lists(anything, max_size=30))
def test_structure_parser_never_raises_and_numbers_are_positive(paragraphs):
    preamble, clauses = parse_structure(paragraphs)
    assert all(clause.number >= 0 and clause.label for clause in clauses)


@settings(max_examples=300, deadline=None)
@given(anything)
def test_citations_point_inside_the_text(text):
    for citation in find_citations(text):
        assert 0 <= citation.start < citation.end <= len(text)
        assert text[citation.start : citation.end] == citation.raw
