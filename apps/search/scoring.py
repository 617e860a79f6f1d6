"""Scored sets of matched documents: combining them, BM25, and the jieba-word re-ranking.

A word's matches are scored by BM25 over its exact occurrences; the best of a query's matches
are then ranked again with the BM25F scores of the query's jieba words (Whoosh's word field)
added, read from its postings.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

K1, B = 1.2, 0.75  # BM25, as Whoosh's defaults
WORD_FIELD = "text"  # the jieba-word field of the index
RERANK_DEPTH = 100  # the best by occurrences that their jieba words rank again; <= KEEP_RANKED

DENSE_UNION = 20_000  # matches in all parts above which a union counts over the docnum range
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
        if len(docnums) > DENSE_UNION:  # summed over the docnum range: no sort of the parts
            size = int(docnums.max()) + 1
            present = np.bincount(docnums, minlength=size) > 0
            summed = np.bincount(docnums, weights=scores, minlength=size)
            unique = np.flatnonzero(present)
            return cls(unique, summed[unique])
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
    return bm25_with_idf(idf, counts, lengths, average_length)


def bm25_with_idf(
    idf: float, tf: np.ndarray, lengths: np.ndarray, average_length: float
) -> np.ndarray:
    """BM25 in the order of operations of whoosh.scoring.bm25, so that the scores are Whoosh's
    to the last bit."""
    return idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * lengths / average_length)))


def rerank_head(
    searcher,
    hits: Hits,
    order: np.ndarray,
    words: list[str],
    ranked: list[tuple[int, float]],
    weights: np.ndarray,
) -> list[tuple[int, float]]:
    """`ranked` (the hits in `order`) with its head ranked again, the BM25F score of each of the
    query's jieba `words` (in Whoosh's word field), times the documents' `weights` (by docnum),
    added: where the query is a whole word (办理登记) before where it is inside another (登记机关).

    Always the same head (the best RERANK_DEPTH by occurrences), whatever the page asked for:
    pages never overlap.
    """
    head = np.sort(order[:RERANK_DEPTH])
    docnums = hits.docnums[head]
    scores = hits.scores[head].copy()
    words_score = np.zeros(len(docnums))
    for word in words:
        words_score += word_scores(searcher, WORD_FIELD, word, docnums)
    scores += words_score * weights[docnums]
    best = np.lexsort((docnums, -scores))
    reranked = [(int(docnums[i]), float(scores[i])) for i in best]
    return reranked + ranked[len(head) :]


def word_scores(searcher, field: str, word: str, docnums: np.ndarray) -> np.ndarray:
    """The BM25F score of `word` in each of `docnums` (ascending global docnums), as Whoosh's
    BM25F weighting scores a Term query, 0 where the document does not hold the word.

    Only the posting blocks that can hold one of `docnums` are decoded, and a block at once:
    Whoosh's own skip_to steps through a block a posting at a time in Python, which made the
    re-ranking of a frequent word (应当: 40,000 postings) most of a search's time.
    """
    scores = np.zeros(len(docnums))
    if not searcher.schema[field].scorable:
        return scores
    idf = searcher.idf(field, word)
    average_length = searcher.avg_field_length(field) or 1
    for leaf, offset in searcher.leaf_searchers():
        reader = leaf.reader()
        low, high = np.searchsorted(docnums, [offset, offset + reader.doc_count_all()])
        if low == high or (field, word) not in reader:
            continue
        local = docnums[low:high] - offset
        postings = reader.postings(field, word)
        # The documents asked about are live: no need for the deleted-documents filter.
        weights = _posting_weights(getattr(postings, "child", postings), local)
        present = np.flatnonzero(weights)
        lengths = np.array([reader.doc_field_length(int(d), field) for d in local[present]])
        scores[low + present] = bm25_with_idf(idf, weights[present], lengths, average_length)
    return scores


def _posting_weights(postings, targets: np.ndarray) -> np.ndarray:
    """The weight of each of `targets` (ascending segment docnums) in a posting list, 0 where
    it has none.

    `postings` is Whoosh 3's block reader (whoosh.codec.whoosh3.W3LeafMatcher; Whoosh is
    pinned): its block calls skip a block without decoding it and decode one at once.
    """
    weights = np.zeros(len(targets))
    at = 0
    while postings.is_active() and at < len(targets):
        if targets[at] <= postings.block_max_id():
            postings._read_ids()  # noqa: SLF001
            postings._read_weights()  # noqa: SLF001
            ids = np.asarray(postings._ids)  # noqa: SLF001
            end = at + int(np.searchsorted(targets[at:], ids[-1], side="right"))
            where = np.searchsorted(ids, targets[at:end])
            found = ids[np.minimum(where, len(ids) - 1)] == targets[at:end]
            block_weights = np.asarray(postings._weights, dtype=np.float64)  # noqa: SLF001
            weights[at:end][found] = block_weights[where[found]]
            at = end
        postings._next_block()  # noqa: SLF001
    return weights
