"""Exact substring matching (apps.search.exact): numpy base, delta, and the engine on top."""

import random
import tempfile
from pathlib import Path

import pytest
from haystack import connections
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.policies.models import Clause
from apps.search import exact
from apps.search import services as index_services
from apps.search.exact import Base, Texts, compact, count_in, manifest_for
from apps.search.selectors import search_documents

# A small alphabet: needles occur often, overlap, and sit at the edges of documents.
ALPHABET = st.sampled_from(list("法律条款第一二𠀀a"))
texts_strategy = st.lists(st.text(ALPHABET, max_size=30), min_size=1, max_size=12)
needle_strategy = st.text(ALPHABET, min_size=1, max_size=5)


def _brute_force(texts: list[str], needle: str) -> list[tuple[int, int]]:
    return [(i, count_in(t, needle)) for i, t in enumerate(texts) if needle in t]


@settings(max_examples=300, deadline=None)
@given(texts_strategy, st.lists(needle_strategy, min_size=1, max_size=6))
def test_base_finds_every_occurrence_of_every_substring(texts, needles):
    with tempfile.TemporaryDirectory() as folder:
        Base.write(Path(folder) / "base", [str(i) for i in range(len(texts))], texts)
        base = Base(Path(folder) / "base")
        for needle in needles + [t[1:4] for t in texts if len(t) > 3]:
            documents, counts = base.find(needle)
            assert list(zip(documents.tolist(), counts.tolist(), strict=True)) == _brute_force(
                texts, needle
            ), needle
        assert [text for _, text in base.texts()] == texts
        assert base.lengths.tolist() == [len(t) for t in texts]


def test_no_match_spans_two_documents_and_empty_needles_match_nothing(tmp_path):
    Base.write(tmp_path / "base", ["a", "b"], ["电子商", "务法"])
    base = Base(tmp_path / "base")
    assert not len(base.find("商务")[0])
    assert not len(base.find("")[0])
    assert base.find("务")[0].tolist() == [1]
    assert base.find("商")[0].tolist() == [0]  # the last character of a document


def test_compact_folds_and_drops_spaces():
    assert compact("電子 商務\u3000法") == "电子商务法"
    assert count_in("aaaa", "aa") == 3


def _effective(folder, generation: int) -> dict:
    texts = Texts(folder, generation)
    current = dict(texts.base.texts()) if texts.base else {}
    current.update(texts.delta)
    return {i: t for i, t in current.items() if t is not None}


def test_delta_records_changes_and_folds_into_a_new_base(tmp_path, monkeypatch):
    monkeypatch.setattr(exact, "DELTA_LIMIT", 3)
    Texts.build(tmp_path, [("a", "甲乙"), ("b", "丙丁"), ("c", "戊")], generation=1)
    first_base = Texts(tmp_path, 1).base.folder
    Texts.apply(tmp_path, {"a": "甲乙丙", "d": "新"}, generation=2)
    Texts.apply(tmp_path, {"b": None}, generation=3)
    assert Texts(tmp_path, 3).base.folder == first_base  # three changes: still a delta
    assert _effective(tmp_path, 3) == {"a": "甲乙丙", "c": "戊", "d": "新"}
    Texts.apply(tmp_path, {"e": "己"}, generation=4)  # the fourth: folded into a new base
    texts = Texts(tmp_path, 4)
    assert texts.delta == {} and texts.base.folder != first_base
    assert _effective(tmp_path, 4) == {"a": "甲乙丙", "c": "戊", "d": "新", "e": "己"}
    # Each generation still reads its own texts, until the cleanup lets it go.
    assert _effective(tmp_path, 2) == {"a": "甲乙丙", "b": "丙丁", "c": "戊", "d": "新"}
    Texts.clean(tmp_path, [2, 4])
    assert _effective(tmp_path, 2) == {"a": "甲乙丙", "b": "丙丁", "c": "戊", "d": "新"}
    assert first_base.exists()
    Texts.clean(tmp_path, [4])
    assert not first_base.exists() and Texts(tmp_path, 4).base.folder.exists()
    assert sorted(p.name for p in tmp_path.glob("exact-*.json")) == ["exact-4.json"]


def test_a_generation_reads_the_newest_manifest_not_newer_than_itself(tmp_path):
    assert manifest_for(tmp_path, 5) is None
    Texts.apply(tmp_path, {"x": "电子商务"}, generation=2)
    Texts.apply(tmp_path, {"y": "平台"}, generation=6)  # not committed yet for a reader of 5
    assert manifest_for(tmp_path, 5) == "exact-2.json"
    assert _effective(tmp_path, 5) == {"x": "电子商务"}
    assert _effective(tmp_path, 6) == {"x": "电子商务", "y": "平台"}
    assert Texts(tmp_path, 1).base is None and _effective(tmp_path, 1) == {}


# ---------------------------------------------------------------- through the search engine


def _expected_count(texts: dict[int, str], needle: str) -> int:
    return sum(compact(needle) in compact(text) for text in texts.values())


def _searched_count(needle: str) -> int:
    # Every version's text: the exact-substring promise holds for each record.
    return search_documents(query=f'"{needle}"', filters={"type": "clause"}, versions="all").count


@pytest.mark.django_db
@pytest.mark.whoosh
def test_engine_agrees_with_the_database_on_a_base_a_delta_and_after_folding(monkeypatch):
    index_services.index_rebuild()
    backend = connections["default"].get_backend()
    clause_index = connections["default"].get_unified_index().get_index(Clause)
    texts = dict(Clause.objects.values_list("pk", "text"))
    rng = random.Random(11)
    needles = ["电子商务", "的", "应当", "平台内经营者", "甲乙丙丁戊"]
    for text in rng.sample(sorted(texts.values()), 30):
        start = rng.randrange(0, max(1, len(text) - 6))
        needles.append(text[start : start + rng.randint(1, 6)])
    # 第…条 is also read as an article reference (its clause is added): not a plain substring.
    needles = [n for n in needles if n.strip() and "条" not in n and '"' not in n]

    def agree():
        for needle in needles:
            assert _searched_count(needle) == _expected_count(texts, needle), needle

    agree()  # the base only
    edited = list(Clause.objects.order_by("pk")[:4])
    originals = {clause.pk: clause.text for clause in edited}

    def write(clauses, edit) -> None:
        # The backend indexes what the database holds (it reads the records again under the
        # index's write lock): the texts are written first, without the signals.
        for clause in clauses:
            texts[clause.pk] = edit(clause)
            Clause.objects.filter(pk=clause.pk).update(text=texts[clause.pk])
        backend.update(clause_index, clauses)

    try:
        write(edited[:2], lambda clause: "甲乙丙丁戊" + clause.text[5:])
        agree()  # base and delta
        monkeypatch.setattr(exact, "DELTA_LIMIT", 3)
        write(edited[2:], lambda clause: clause.text + "甲乙丙丁戊")
        latest = backend.index.latest_generation()
        assert Texts(backend.store.folder, latest).delta == {}  # folded into a new base
        agree()
    finally:
        write(edited, lambda clause: originals[clause.pk])
    assert index_services.index_check().clean


@settings(max_examples=200, deadline=None)
@given(texts_strategy, needle_strategy, st.integers(0, 3), st.integers(0, 3))
def test_windows_read_the_same_from_the_base_and_from_the_delta(texts, needle, before, after):
    """Every occurrence, with `before` and `after` characters around it, SEPARATOR past a
    document's edge — whether the text is in the numpy base or in the delta."""
    padded = ["\x00" * before + t + "\x00" * after for t in texts]
    expected = sorted(
        (i, padded[i][at : at + before + len(needle) + after])
        for i, t in enumerate(texts)
        for at in range(len(t))
        if t.startswith(needle, at)
    )
    ids = [str(i) for i in range(len(texts))]
    docnum_of = {i: int(i) for i in ids}
    with tempfile.TemporaryDirectory() as folder:
        Base.write(Path(folder) / "base", ids, texts)
        from_base = Texts.__new__(Texts)
        from_base.base, from_base.delta = Base(Path(folder) / "base"), {}
        view = exact.ExactView(from_base, docnum_of, doc_count=len(ids), doc_count_all=len(ids))
        found = view.windows(needle, before=before, after=after)
        assert sorted(zip(*found, strict=True)) == expected
        from_delta = Texts.__new__(Texts)
        from_delta.base, from_delta.delta = None, dict(zip(ids, texts, strict=True))
        view = exact.ExactView(from_delta, docnum_of, doc_count=len(ids), doc_count_all=len(ids))
        assert sorted(zip(*view.windows(needle, before=before, after=after), strict=True)) == (
            expected
        )
