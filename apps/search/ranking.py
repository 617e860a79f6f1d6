"""What the law adds to a match's relevance: the authority of its 效力级别, and the clause that
defines a term before the clauses that use it.

Both are factors on the score of a match, so relevance still comes first: a clause that holds
the words many times in a short text can outrank a more authoritative one that mentions them
in passing, but between two texts that say the same thing the law comes before the 实施条例,
the 司法解释 and the local regulation that repeat it.
"""

from __future__ import annotations

import numpy as np

from .caches import Generation
from .facets import facet_table
from .scoring import Hits

# 效力级别 in the order of 立法法: 宪法 > 法律 > 行政法规, 监察法规 > 地方性法规, 部门规章
# > 地方政府规章 > 规范性文件; a 司法解释 applies a law and ranks below it. A level not listed
# (an article of a publication) weighs as a normative document.
LEVEL_WEIGHTS = {
    "宪法": 2.2,
    "法律": 2.0,
    "行政法规": 1.6,
    "监察法规": 1.6,
    "司法解释": 1.45,
    "地方性法规": 1.25,
    "自治条例": 1.25,
    "单行条例": 1.25,
    "经济特区法规": 1.25,
    "部门规章": 1.25,
    "地方政府规章": 1.1,
}
OTHER_WEIGHT = 1.0
# 本法所称X，是指… / X，是指…: where a term is defined. The law's own definition comes first
# for the term itself; a quoted phrase is literal text and is not read as a term.
DEFINITION_WEIGHT = 3.0
DEFINITION_FORMS = ("所称{}", "{}，是指", "{}是指", "{}，指")
DEFINED_TERM_CHARS = range(2, 13)


def authority_weights(gen: Generation) -> np.ndarray:
    """Per docnum: the weight of its 效力级别."""

    def build():
        levels = facet_table(gen, "level")
        weights = np.full(len(levels.values) + 1, OTHER_WEIGHT)
        for code, level in enumerate(levels.values):
            weights[code] = LEVEL_WEIGHTS.get(level, OTHER_WEIGHT)
        everything = np.arange(gen.searcher.reader().doc_count_all(), dtype=np.int64)
        return weights[levels.codes_of(everything)]  # -1 (no level) reads the last: OTHER

    return gen.cached(("authority",), build)


def defining(view, terms: list[str]) -> np.ndarray:
    """Docnums, ascending, of the documents that define one of `terms` (本法所称…，是指…)."""
    found = [
        view.hits(form.format(term)).docnums
        for term in terms
        if len(term) in DEFINED_TERM_CHARS
        for form in DEFINITION_FORMS
    ]
    return np.unique(np.concatenate(found)) if found else np.empty(0, dtype=np.int64)


def factors(gen: Generation, docnums: np.ndarray, definitions: np.ndarray) -> np.ndarray:
    """The factor of each of `docnums` on its score: its authority and, where it defines a term
    of the query (one of `definitions`), DEFINITION_WEIGHT."""
    weights = authority_weights(gen)[docnums]
    if len(definitions):
        weights = weights * np.where(np.isin(docnums, definitions), DEFINITION_WEIGHT, 1.0)
    return weights


def weighed(gen: Generation, hits: Hits, definitions: np.ndarray) -> Hits:
    return Hits(hits.docnums, hits.scores * factors(gen, hits.docnums, definitions))
