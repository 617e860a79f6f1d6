"""The reviewed doctrine names: each row's clause exists in the law's latest text in the corpus
and holds the row's evidence; the file is well formed and large enough to matter."""

import re
from functools import cache
from pathlib import Path

import pytest

from lawtext.doctrines import DoctrineClause, doctrine_clauses, doctrine_rows
from lawtext.lawfile import parse_law_markdown

LAWS = Path(__file__).resolve().parents[2] / "fixtures" / "corpus" / "laws-full"
_FILE_NAME = re.compile(r"^(?P<title>.+?)(\((?P<date>\d{4}-\d{2}-\d{2})\))?\.md$")


@cache
def _latest_files() -> dict[str, list[Path]]:
    """Title (without 中华人民共和国) → the files of its latest text: a folder named by the title
    (民法典, one file per 编) is one text; otherwise the file with the latest date in its name."""
    latest: dict[str, tuple[str, list[Path]]] = {}
    for path in sorted(LAWS.rglob("*.md")):
        if path.parent.name == "民法典":
            latest.setdefault("民法典", ("", []))[1].append(path)
            continue
        match = _FILE_NAME.match(path.name)
        title, day = match["title"].replace("中华人民共和国", ""), match["date"] or ""
        if title not in latest or day > latest[title][0]:
            latest[title] = (day, [path])
    return {title: paths for title, (_, paths) in latest.items()}


@cache
def _clauses(title: str) -> dict[tuple[int, str], str]:
    """(number, suffix) → text of the clauses of a title's latest text."""
    clauses = {}
    for path in _latest_files().get(title, []):
        parsed = parse_law_markdown(path.read_text("utf-8"), filename=str(path))
        clauses.update({(c.number, c.suffix): c.text for c in parsed.clauses})
    return clauses


@pytest.mark.parametrize("row", doctrine_rows(), ids=lambda r: f"{r.term}-{r.title}{r.number}")
def test_each_row_names_a_clause_that_holds_its_evidence(row: DoctrineClause):
    clauses = _clauses(row.title)
    assert clauses, f"《{row.title}》 is not in laws-full"
    text = clauses.get((row.number, row.suffix))
    assert text is not None, f"《{row.title}》 has no clause {row.number}{row.suffix}"
    assert row.evidence in text.replace("\n", "")


def test_the_thesaurus_is_large_well_formed_and_sourced():
    rows = doctrine_rows()
    terms = {row.term for row in rows}
    assert len(terms) >= 200
    assert all(row.source and len(row.evidence) >= 4 for row in rows)
    assert len({(r.term, r.title, r.number, r.suffix) for r in rows}) == len(rows), "a row twice"
    # The rows of one term are adjacent: their order is the order of preference.
    seen, previous = set(), None
    for row in rows:
        assert row.term == previous or row.term not in seen, f"{row.term} split apart"
        seen.add(row.term)
        previous = row.term


def test_lookup_folds_width_and_keeps_order():
    first = doctrine_rows()[0]
    assert doctrine_clauses(f" {first.term} ")[0] == first
    assert doctrine_clauses("没有这个术语") == ()
