"""Scored sets of matched documents: combining them, BM25, and the jieba-word re-ranking.

A word's matches are scored by BM25 over its exact occurrences; the best of a query's matches
are then ranked again by Whoosh with the query's jieba words added, through `DocSet`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from whoosh import query as wq
from whoosh.collectors import TopCollector
from whoosh.matching import ListMatcher, NullMatcher

K1, B = 1.2, 0.75  # BM25, as Whoosh's defaults
RERANK_DEPTH = 100  # the best by occurrences that their jieba words rank again; <= KEEP_RANKED

NO_DOCS = np.empty(0, dtype=np.int64)
NO_SCORES = np.empty(0, dtype=np.float64)


@dataclass(eq=False)
class Hits:
    """Matched documents: docnums ascending and unique, a score for each."""

    docnums: np.ndarray
    scores: np.ndarray

    @classmethod
    def union(cls, parts: list[Hits]) -> Hits:
        """Documents in any part, their scores summed."""
        if len(parts) == 1:
            return parts[0]
        docnums = np.concatenate([p.docnums for p in parts]) if parts else NO_DOCS
        scores = np.concatenate([p.scores for p in parts]) if parts else NO_SCORES
        unique, inverse = np.unique(docnums, return_inverse=True)
        return cls(unique, np.bincount(inverse, weights=scores, minlength=len(unique)))

    def intersect(self, other: Hits) -> Hits:
        common, mine, theirs = np.intersect1d(
            self.docnums, other.docnums, assume_unique=True, return_indices=True
        )
        return Hits(common, self.scores[mine] + other.scores[theirs])

    def without(self, other: Hits) -> Hits:
        keep = ~np.isin(self.docnums, other.docnums, assume_unique=True)
        return Hits(self.docnums[keep], self.scores[keep])

    def within(self, mask: np.ndarray) -> Hits:
        keep = mask[self.docnums]
        return Hits(self.docnums[keep], self.scores[keep])


def bm25(
    counts: np.ndarray, lengths: np.ndarray, *, average_length: float, doc_count: int
) -> np.ndarray:
    """The BM25 score of each matched document, from the occurrences of the word in it and its
    length; every document that holds the word is in `counts`."""
    matched = len(counts)
    idf = np.log(1 + (doc_count - matched + 0.5) / (matched + 0.5))
    norm = K1 * (1 - B + B * lengths / average_length)
    return idf * counts * (K1 + 1) / (counts + norm)


class DocSet(wq.Query):
    """Documents already matched (global docnums and scores) as a Whoosh query, so that Whoosh
    can add the scores of their jieba words."""

    def __init__(self, hits: Hits):
        self.hits = hits

    def __eq__(self, other):
        return other.__class__ is self.__class__ and other.hits is self.hits

    def __hash__(self):
        return id(self.hits)

    def __repr__(self):
        return f"DocSet({len(self.hits.docnums)} documents)"

    def estimate_size(self, ixreader):
        return len(self.hits.docnums)

    def matcher(self, searcher, context=None):
        parent = searcher.parent() if searcher.parent else None
        offset = parent._offset_for_subsearcher(searcher) if parent else 0
        docnums = self.hits.docnums
        low, high = np.searchsorted(docnums, [offset, offset + searcher.doc_count_all()])
        if low == high:
            return NullMatcher()
        return ListMatcher(
            (docnums[low:high] - offset).tolist(), weights=self.hits.scores[low:high].tolist()
        )


def rerank_head(
    searcher, hits: Hits, order: np.ndarray, words: list[str], ranked: list[tuple[int, float]]
) -> list[tuple[int, float]]:
    """`ranked` (the hits in `order`) with its head ranked again, the query's jieba `words`
    added to their scores: where the query is a whole word (办理登记) before where it is inside
    another (登记机关).

    Always the same head (the best RERANK_DEPTH by occurrences), whatever the page asked for:
    pages never overlap.
    """
    head = np.sort(order[:RERANK_DEPTH])
    boosted = wq.AndMaybe(
        DocSet(Hits(hits.docnums[head], hits.scores[head])),
        wq.Or([wq.Term("text", w) for w in words]),
    )
    collector = TopCollector(limit=len(head), usequality=False)
    searcher.search_with_collector(boosted, collector)
    results = collector.results()
    reranked = [
        (results.docnum(i), results.score(i) or 0.0) for i in range(results.scored_length())
    ]
    return reranked + ranked[len(head) :]
