"""What the law adds to relevance: definitions, proximity, doctrine names among other words."""

import pytest

from apps.policies.models import Clause
from apps.policies.selectors import heading_openers
from apps.search import services as index_services
from apps.search.exact import compact
from apps.search.ranking import (
    LEVEL_WEIGHTS,
    WINDOW_AFTER,
    WINDOW_BEFORE,
    _defines,
    defined_terms,
    defining,
    proximity_factors,
    shortest_span,
)
from apps.search.selectors import search_documents
from lawtext.metadata import LEVELS
from lawtext.structure import heading_name


@pytest.mark.parametrize(
    ("text", "term", "defines"),
    [
        ("本法所称电子商务，是指通过互联网等信息网络销售商品", "电子商务", True),
        ("本法所称的作品，是指文学、艺术和科学领域内具有独创性", "作品", True),
        ("（三）网络运营者，是指网络的所有者、管理者", "网络运营者", True),
        ("数据处理，包括数据的收集、存储、使用", "数据处理", True),
        ("（五）“交通事故”，是指车辆在道路上因过错或者意外造成", "交通事故", True),
        ("法人是具有民事权利能力和民事行为能力", "法人", True),
        ("对该发行人证券的市场价格有重大影响的尚未公开的信息，为内幕信息。", "内幕信息", True),
        ("有下列情形之一的，为假药：（一）药品所含成份与国家药品标准规定", "假药", True),
        ("依照本法认定为假药的，没收", "假药", False),
        # A longer term that holds the word defines that term, not the word.
        ("敏感个人信息是一旦泄露或者非法使用", "个人信息", False),
        ("本法所称个人信息处理者，是指", "个人信息", False),
        ("本法所称法人、非法人组织的受益所有人，是指", "法人", False),
        # The word used, not defined; a clause opening "X是" only counts at its opening.
        ("网络运营者应当制定网络安全事件应急预案", "网络运营者", False),
        ("依法设立的法人是否登记", "法人", False),
    ],
)
def test_a_definition_defines_the_term_itself(text, term, defines):
    text, term = compact(text), compact(term)
    padded = "\x00" * WINDOW_BEFORE + text + "\x00" * WINDOW_AFTER
    windows = [
        padded[at : at + WINDOW_BEFORE + len(term) + WINDOW_AFTER]
        for at in range(len(text))
        if text.startswith(term, at)
    ]
    assert any(_defines(window, len(term)) for window in windows) is defines
    assert (term in defined_terms(text)) is defines  # as the PostgreSQL backend stores them


@pytest.mark.django_db
@pytest.mark.whoosh
def test_the_terms_a_text_defines_are_those_the_occurrences_of_each_term_define():
    """`defined_terms` (stored per document by the PostgreSQL backend) and `defining` (read from
    the occurrences of one term by the Whoosh backend) find the same documents, for every term
    some document of the corpus defines."""
    from haystack import connections

    from apps.search.storage import exact_view

    backend = connections["default"].get_backend()
    index_services.index_repair()

    def compare(gen):
        view = exact_view(gen)
        holders: dict[str, set[int]] = {}
        for docnum in view.docnum_of.values():
            (text,) = view.compact_texts([docnum])
            for term in defined_terms(text):
                holders.setdefault(term, set()).add(docnum)
        assert len(holders) > 100  # the corpus defines many terms
        for term, docnums in holders.items():
            assert set(defining(view, [term]).tolist()) == docnums, term

    backend.store.read(backend.searcher, compare)


def test_shortest_span_and_proximity():
    text = "平台内经营者甲乙丙丁戊己庚辛壬癸连带责任。平台内经营者承担连带责任"
    assert shortest_span(text, ["平台内经营者", "连带责任"]) == len("连带责任。平台内经营者")
    assert shortest_span(text, ["平台内经营者", "罚款"]) is None
    near, far, missing = proximity_factors(
        ["甲连带责任乙平台", "平台" + "丙" * 40 + "连带责任", "平台"], ["平台", "连带责任"]
    )
    assert near > far > missing == 1.0
    assert list(proximity_factors(["平台"], ["平台"])) == [1.0]  # one word: nothing to weigh


def test_the_authority_weights_follow_the_order_of_the_legislation_law():
    ranked = [LEVEL_WEIGHTS.get(level, 1.0) for level in LEVELS]
    # 宪法 > 法律 > 行政法规 = 监察法规 > 司法解释 > 地方性法规 … ≥ the rest, never rising.
    assert ranked == sorted(ranked, reverse=True)
    assert LEVEL_WEIGHTS["法律"] > LEVEL_WEIGHTS["司法解释"] > LEVEL_WEIGHTS["地方性法规"]


@pytest.mark.django_db
def test_a_doctrine_name_among_other_words_means_its_clause():
    page = search_documents(query="霸王条款 格式条款", filters={"type": "clause"})
    first = page.results[0].clause
    assert (first.regulation.title, first.number) == ("中华人民共和国消费者权益保护法", 26)
    assert "「霸王条款」通常指《中华人民共和国消费者权益保护法》第二十六条。" in page.notices
    # Quoted, the name is literal text: no clause spells it, and nothing is said about it.
    quoted = search_documents(query='"霸王条款" 格式条款')
    assert quoted.mode == "partial" and not any("通常指" in n for n in quoted.notices)


@pytest.mark.django_db
def test_the_clause_opening_a_chapter_named_by_the_word_counts_as_its_definition():
    opener = Clause.objects.get(
        regulation__title="中华人民共和国消费者权益保护法", number=36, suffix=""
    )
    assert heading_name(opener.chapter) == "消费者组织"
    assert heading_openers(name="消费者组织") == [opener.pk]
    assert heading_openers(name="法律责任") == []  # a heading of many laws names no subject
    first = search_documents(query="消费者组织", filters={"type": "clause"}).results[0]
    assert first.clause == opener
