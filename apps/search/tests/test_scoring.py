"""Ranking: jieba words scored exactly as Whoosh's BM25F would, read a block at a time; the head
of the matches sorted without sorting them all."""

import haystack
import numpy as np
import pytest
from whoosh import query as wq

from apps.policies.models import Clause
from apps.search import services as index_services
from apps.search.matching import top_order
from apps.search.scoring import WORD_FIELD, word_scores
from apps.search.sync import IndexChanges, index_apply

pytestmark = [pytest.mark.django_db, pytest.mark.whoosh]

WORDS = ["经营者", "应当", "消费者", "电子商务", "罚款", "不存在的词语"]


def _whoosh_and_ours(word):
    searcher = haystack.connections["default"].get_backend().searcher()
    reader = searcher.reader()
    expected = {
        hit.docnum: hit.score for hit in searcher.search(wq.Term(WORD_FIELD, word), limit=None)
    }
    live = np.array([d for d in range(reader.doc_count_all()) if not reader.is_deleted(d)])
    scores = word_scores(searcher, WORD_FIELD, word, live)
    return expected, {int(d): float(s) for d, s in zip(live, scores, strict=True) if s}


@pytest.mark.parametrize("word", WORDS)
def test_word_scores_are_whoosh_bm25f_scores(word):
    expected, ours = _whoosh_and_ours(word)
    assert ours == expected  # to the last bit
    assert bool(expected) == (word != "不存在的词语")


def test_word_scores_over_segments_with_deleted_documents():
    index_services.index_repair()
    ids = list(Clause.objects.filter(text__contains="经营者").values_list("pk", flat=True)[:30])
    # Re-indexing writes a new segment and deletes the documents' old copies in the first one.
    index_apply(IndexChanges(saves={f"policies.clause.{pk}": (Clause, pk) for pk in ids}))
    searcher = haystack.connections["default"].get_backend().searcher()
    assert len(searcher.leaf_searchers()) > 1 and searcher.reader().has_deletions()
    for word in WORDS:
        expected, ours = _whoosh_and_ours(word)
        assert ours == expected  # to the last bit


@pytest.mark.parametrize("limit", [1, 5, 100, 1000])
def test_top_order_is_the_head_of_a_full_sort_ties_included(limit):
    rng = np.random.default_rng(limit)
    keys = rng.integers(0, 20, 500).astype(np.float64)  # many ties on every key
    docnums = np.sort(rng.choice(10_000, 500, replace=False))
    expected = np.lexsort((docnums, keys))[:limit]
    assert top_order(keys, docnums, limit).tolist() == expected.tolist()


@pytest.mark.parametrize("size", [50, 30_000])
def test_union_sums_the_same_sparse_or_dense(size):
    """Above DENSE_UNION matches a union sums over the docnum range instead of sorting: the same
    documents and the same scores either way."""
    import numpy as np

    from apps.search.scoring import Hits

    rng = np.random.default_rng(7)
    parts = [Hits(np.unique(rng.integers(0, 100_000, size)), np.zeros(0)) for _ in range(3)]
    parts = [Hits(p.docnums, rng.random(len(p.docnums))) for p in parts]
    together = Hits.union(parts)
    docnums = np.concatenate([p.docnums for p in parts])
    scores = np.concatenate([p.scores for p in parts])
    unique, inverse = np.unique(docnums, return_inverse=True)
    assert np.array_equal(together.docnums, unique)
    assert np.allclose(together.scores, np.bincount(inverse, weights=scores))
