"""Facet values of every document as numpy tables, the live documents, and filtering by facets.

Facet fields are exact, unsplit ID fields; their tables are read once per Whoosh segment and
combined once per index generation, then counted for any set of matches with numpy.
"""

from __future__ import annotations

from functools import partial

import numpy as np

from .caches import Generation


class FacetTable:
    """One (docnum, value code) pair per document and value of a field, counted with numpy."""

    def __init__(self, values: list[str], docs: np.ndarray, codes: np.ndarray):
        self.values, self.docs, self.codes = values, docs, codes
        self.code_of = {value: code for code, value in enumerate(values)}
        self._code_by_doc: np.ndarray | None = None
        self._one_value: bool | None = None

    @classmethod
    def read(cls, reader, field: str) -> FacetTable:
        values: list[str] = []
        docs: list[int] = []
        codes: list[int] = []
        if field in reader.schema:
            for code, text in enumerate(reader.lexicon(field)):
                values.append(text.decode("utf-8"))
                ids = list(reader.postings(field, text).all_ids())
                docs += ids
                codes += [code] * len(ids)
        return cls(values, np.array(docs, dtype=np.int64), np.array(codes, dtype=np.int64))

    @classmethod
    def combine(cls, parts: list[tuple[FacetTable, int]]) -> FacetTable:
        """One table for segments read apart: (table, docnum offset of its segment)."""
        values = sorted({value for table, _ in parts for value in table.values})
        code_of = {value: code for code, value in enumerate(values)}
        docs, codes = [np.empty(0, dtype=np.int64)], [np.empty(0, dtype=np.int64)]
        for table, offset in parts:
            if table.values:
                recode = np.array([code_of[v] for v in table.values], dtype=np.int64)
                docs.append(table.docs + offset)
                codes.append(recode[table.codes])
        return cls(values, np.concatenate(docs), np.concatenate(codes))

    def counts(self, docnums: np.ndarray, mask: np.ndarray) -> list[tuple[str, int]]:
        """(value, documents) for `docnums` (unique; `mask` is True at each of them), most
        frequent first."""
        if not self.values:
            return []
        if self._one_value_each():  # only the matches are looked at, not every document
            codes = self.codes_of(docnums)
            tally = np.bincount(codes[codes >= 0], minlength=len(self.values))
        else:
            tally = np.bincount(self.codes[mask[self.docs]], minlength=len(self.values))
        found = [(self.values[i], int(tally[i])) for i in np.flatnonzero(tally)]
        return sorted(found, key=lambda kv: (-kv[1], kv[0]))

    def _one_value_each(self) -> bool:
        if self._one_value is None:
            self._one_value = len(np.unique(self.docs)) == len(self.docs)
        return self._one_value

    def codes_of(self, docnums: np.ndarray) -> np.ndarray:
        """The value code of each of these documents (-1: none), for one-valued fields."""
        if self._code_by_doc is None:
            size = int(self.docs.max()) + 1 if len(self.docs) else 0
            self._code_by_doc = np.full(size, -1, dtype=np.int64)
            self._code_by_doc[self.docs] = self.codes
        inside = docnums < len(self._code_by_doc)
        return np.where(inside, self._code_by_doc[np.where(inside, docnums, 0)], -1)

    def docs_with(self, value: str) -> np.ndarray:
        code = self.code_of.get(value)
        return self.docs[self.codes == code] if code is not None else self.docs[:0]


def facet_table(gen: Generation, field: str) -> FacetTable:
    """The field's values for every document: per segment, read once (their deleted
    documents never match a query), combined per generation."""

    def build():
        read = partial(FacetTable.read, field=field)
        return FacetTable.combine(gen.per_segment(field, read))

    return gen.cached(("facet", field), build)


def docnum_mask(docnums: np.ndarray, searcher) -> np.ndarray:
    """True at these docnums, for every document of the searcher."""
    mask = np.zeros(searcher.doc_count_all(), dtype=bool)
    mask[docnums] = True
    return mask


def live_docs(gen: Generation) -> np.ndarray:
    """Docnums of the documents not deleted, ascending."""

    def build():
        reader = gen.searcher.reader()
        live = np.ones(reader.doc_count_all(), dtype=bool)
        for segment_reader, offset in reader.leaf_readers():
            dead = list(segment_reader.segment().deleted_docs())
            live[np.array(dead, dtype=np.int64) + offset] = False
        return np.flatnonzero(live)

    return gen.cached(("live",), build)


def live_mask(gen: Generation) -> np.ndarray:
    """True at the docnum of every document not deleted."""

    return gen.cached(("live mask",), lambda: docnum_mask(live_docs(gen), gen.searcher))


def allowed(gen: Generation, filters) -> tuple[np.ndarray, np.ndarray]:
    """The live docnums that pass every filter group (ascending, and as a mask).

    `filters` are groups of (field, value): any term of a group, every group.
    """

    def build():
        docnums = live_docs(gen)
        for group in filters:
            either = [facet_table(gen, f).docs_with(v) for f, v in group]
            # A mask, not np.intersect1d: no sort of 100,000 docnums (14 ms at full scale).
            passing = docnum_mask(np.concatenate(either), gen.searcher)
            docnums = docnums[passing[docnums]]
        return docnums, docnum_mask(docnums, gen.searcher)

    return gen.cached(("filter", filters), build)
