"""Doctrine names (情势变更, 表见代理) and the clauses they name, from a reviewed data file.

`data/doctrines.csv` gives, for each term a lawyer types, the clauses customarily meant by it —
the regulation's title without 中华人民共和国 (the form of `short_names.csv`), the article, a
passage of that clause's text (`evidence`, checked by the project's tests against the clause in
force) and the source of the entry. A term may name several clauses, the most customary first.
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .numerals import CN_NUMERAL_CHARS, cn_to_int

__all__ = ["DoctrineClause", "doctrine_clauses", "doctrine_rows"]


@dataclass(frozen=True)
class DoctrineClause:
    term: str
    title: str  # without 中华人民共和国
    number: int
    suffix: str  # "" or 之一
    evidence: str
    source: str


def _article(raw: str) -> tuple[int, str]:
    """'533' → (533, ''); '133之一' → (133, '之一')."""
    number, _, suffix = raw.strip().partition("之")
    if not number.isdigit() or (suffix and not all(ch in CN_NUMERAL_CHARS for ch in suffix)):
        raise ValueError(f"bad article {raw!r} in doctrines.csv")
    if suffix and cn_to_int(suffix) is None:
        raise ValueError(f"bad article suffix {raw!r} in doctrines.csv")
    return int(number), f"之{suffix}" if suffix else ""


@lru_cache(maxsize=1)
def doctrine_rows() -> tuple[DoctrineClause, ...]:
    """Every row of the data file, in its order, loaded once."""
    text = resources.files("lawtext").joinpath("data/doctrines.csv").read_text("utf-8")
    rows = []
    for row in csv.DictReader(text.splitlines()):
        number, suffix = _article(row["article"])
        rows.append(
            DoctrineClause(
                term=_key(row["term"]),
                title=row["title"].strip(),
                number=number,
                suffix=suffix,
                evidence=row["evidence"].strip(),
                source=row["source"].strip(),
            )
        )
    return tuple(rows)


def _key(term: str) -> str:
    return unicodedata.normalize("NFKC", term).strip()


@lru_cache(maxsize=1)
def _by_term() -> dict[str, tuple[DoctrineClause, ...]]:
    grouped: dict[str, list[DoctrineClause]] = {}
    for row in doctrine_rows():
        grouped.setdefault(row.term, []).append(row)
    return {term: tuple(rows) for term, rows in grouped.items()}


def doctrine_clauses(term: str) -> tuple[DoctrineClause, ...]:
    """The clauses a doctrine name customarily names, most customary first; () if unknown."""
    return _by_term().get(_key(term), ())
