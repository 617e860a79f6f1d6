"""A parsed query run on a process's mirror of the PostgreSQL index (`mirror.View`).

The same steps as `matching`'s SQL statement, with the same results, on arrays: the exact
matches scored by BM25 over their occurrences, times the texts' authority, the steps for
definitions, article references and pinned documents; the filters, days and versions; the
facet counts; the ranked head, then ranked again by jieba's words as `matching` does it.
"""

from __future__ import annotations

import time

import numpy as np

from .. import matching as whoosh_matching
from .. import ranking
from ..exact import compact
from ..fields import NO_SUFFIX
from ..matching import (
    ARTICLE_BOOST,
    KEEP_RANKED,
    PARTIAL_STEP,
    PINNED_STEP,
    Narrowing,
    VersionScope,
    defined_terms_asked,
    top_order,
    valid_on,
    within_days,
)
from ..query import ParsedQuery
from ..scoring import NO_DOCS, NO_SCORES, Hits
from ..search_indexes import TYPE_CLAUSE, TYPE_REGULATION
from .matching import DAY_COLUMNS, FILTER_COLUMNS, SORT_COLUMNS, Found, ranked_again
from .mirror import View
from .storage import IndexState


def run(
    view: View,
    state: IndexState,
    parsed: ParsedQuery,
    filters,
    sortedby: str | None,
    reverse: bool,
    limit: int,
    facets: list[str],
    scope: VersionScope,
    narrowing: Narrowing,
) -> Found:
    """The matches of a query: ranked up to `limit` (0: counted and faceted only)."""
    counting = limit == 0
    limit = 0 if counting else max(limit, KEEP_RANKED)
    if sortedby and sortedby not in SORT_COLUMNS:
        raise ValueError(f"cannot sort by {sortedby!r}")
    scored = not parsed.is_empty
    skipped: tuple[str, ...] = ()
    if scored:
        hits, skipped = _all_hits(view, parsed, scope, narrowing)
    else:
        hits = Hits(view.live_docnums, np.zeros(len(view.live_docnums)))
    if filters:
        hits = hits.within(_allowed(view, filters))
    hits = _within_days(view, hits, narrowing.day_ranges)
    hits, versions = _in_scope(view, hits, scope)
    found = Found([], {}, len(hits.docnums), _facet_counts(view, hits.docnums, facets), skipped)
    if counting or not len(hits.docnums):
        return found
    ids = view.ids[hits.docnums]
    if sortedby:
        keys = view.numbers[SORT_COLUMNS[sortedby]][hits.docnums]
        order = top_order(-keys if reverse else keys, ids, limit)
    elif scored:
        order = top_order(-hits.scores, ids, limit)
    else:
        order = top_order(ids, ids, limit)
    found.ranked = [(int(ids[i]), float(hits.scores[i])) for i in order]
    if versions is not None:
        found.versions = {int(ids[i]): int(versions[i]) for i in order}
    if scored and not sortedby:
        head, head_ids = hits.docnums[order], ids[order].tolist()
        lineage = dict(zip(head_ids, view.numbers["lineage"][head].tolist(), strict=True))
        in_force = dict(zip(head_ids, view.in_force[head].tolist(), strict=True))
        found.ranked = ranked_again(
            state, parsed, found.ranked, scope, narrowing, lineages=(lineage, in_force)
        )
    return found


# ---------------------------------------------------------------- matching and scoring


def _all_hits(
    view: View, parsed: ParsedQuery, scope: VersionScope, narrowing: Narrowing
) -> tuple[Hits, tuple[str, ...]]:
    """Every document the query matches, scored, before filters and versions; and the
    alternatives left out past SEARCH_BUDGET_SECONDS (matching._all_hits)."""
    deadline = time.perf_counter() + whoosh_matching.SEARCH_BUDGET_SECONDS
    skipped: list[str] = []
    if narrowing.titles_only:
        hits = _title_hits(view, parsed)
    else:
        hits = _word_hits(view, parsed, scope, narrowing, deadline, skipped)
    if narrowing.pinned:
        pinned = [(view.docnum_of(key), at) for at, key in enumerate(narrowing.pinned)]
        pinned = sorted((d, PINNED_STEP * (len(narrowing.pinned) - at)) for d, at in pinned if d)
        hits = Hits.union([hits, _scored([d for d, _ in pinned], [s for _, s in pinned])])
    return hits, tuple(skipped)


def _scored(docnums, scores) -> Hits:
    return Hits(np.array(docnums, dtype=np.int64), np.array(scores, dtype=np.float64))


def _word_hits(view: View, parsed, scope, narrowing, deadline: float, skipped: list) -> Hits:
    meant = {word: view.docnums_of(keys) for word, keys in narrowing.meant}
    groups = []
    for group in parsed.must:
        parts = []
        for position, term in enumerate(group):
            if position and time.perf_counter() > deadline:
                skipped.append(term.text)
                continue
            parts += [view.hits(compact(variant)) for variant in term.variants()]
            if term.text in meant:
                docnums = meant[term.text]
                parts.append(Hits(docnums, np.full(len(docnums), ranking.DEFINITION_STEP)))
        either = Hits.union(parts) if parts else Hits(NO_DOCS, NO_SCORES)
        groups.append(Hits(either.docnums, either.scores * view.authority[either.docnums]))
    hits = None
    if scope.partial and groups:  # each word held counts PARTIAL_STEP: more words rank first
        hits = Hits.union([Hits(g.docnums, g.scores + PARTIAL_STEP) for g in groups])
    for either in () if scope.partial else groups:
        hits = either if hits is None else hits.intersect(either)
    if hits is not None:
        hits = _with_definitions(view, hits, parsed, narrowing)
    if parsed.article:
        docnums = _article_docs(view, parsed)
        article = Hits(docnums, np.full(len(docnums), ARTICLE_BOOST))
        hits = article if hits is None else Hits.union([article, hits])
    if parsed.must_not:
        if hits is None:  # a pure negation: everything except it
            hits = Hits(view.live_docnums, np.zeros(len(view.live_docnums)))
        negated = [view.hits(compact(v)) for t in parsed.must_not for v in t.variants()]
        hits = hits.without(Hits.union(negated))
    return hits if hits is not None else Hits(NO_DOCS, NO_SCORES)


def _with_definitions(view: View, hits: Hits, parsed, narrowing: Narrowing) -> Hits:
    """DEFINITION_STEP times the authority added to the hits that define the query's word
    (matching._definitions)."""
    terms = defined_terms_asked(parsed)
    needles = [compact(t) for t in terms if len(t) in ranking.DEFINED_TERM_CHARS]
    definitions = view.defining(needles)
    if narrowing.defined and terms:
        definitions = np.union1d(definitions, view.docnums_of(narrowing.defined))
    if not len(definitions):
        return hits
    step = np.isin(hits.docnums, definitions) * ranking.DEFINITION_STEP
    return Hits(hits.docnums, hits.scores + step * view.authority[hits.docnums])


def _titled(view: View, text: str) -> np.ndarray:
    """Regulations whose title holds `text` (two characters or more)."""
    needle = compact(text)
    return view.titled(needle) if len(needle) >= 2 else NO_DOCS


def _title_hits(view: View, parsed: ParsedQuery) -> Hits:
    """Regulations whose titles hold the query's words, scored by their authority."""
    regulation = view.with_code("content_type", TYPE_REGULATION)
    docnums = view.live_docnums[view.codes["content_type"][view.live_docnums] == regulation]
    for group in parsed.must:
        either = [_titled(view, v) for term in group for v in term.variants()]
        docnums = np.intersect1d(docnums, np.unique(np.concatenate(either)))
    for term in parsed.must_not:
        for variant in term.variants():
            docnums = np.setdiff1d(docnums, _titled(view, variant))
    return Hits(docnums, view.authority[docnums])


def _article_docs(view: View, parsed: ParsedQuery) -> np.ndarray:
    """The live clauses an article reference names (in the regulations titled so, when named)."""
    ref = parsed.article
    docnums = view.live_docnums
    wanted = {
        "content_type": TYPE_CLAUSE,
        "number": str(ref.number),
        "suffix": ref.suffix or NO_SUFFIX,
    }
    for name, value in wanted.items():
        docnums = docnums[view.codes[name][docnums] == view.with_code(name, value)]
    if ref.name:
        named = view.codes["regulation"][_titled(view, ref.title)]
        docnums = docnums[np.isin(view.codes["regulation"][docnums], named)]
    return docnums


# ---------------------------------------------------------------- filters and versions


def _issuer_mask(view: View, value: str) -> np.ndarray:
    mask = np.zeros(len(view.ids), dtype=bool)
    code = view.with_code("issuer", value)
    mask[view.issuer_docnums[view.issuer_codes == code]] = True
    return mask


def _allowed(view: View, filters) -> np.ndarray:
    """Per docnum: does it pass the filters (each group: any of its (field, value))."""
    allowed = np.ones(len(view.ids), dtype=bool)
    for group in filters:
        either = np.zeros(len(view.ids), dtype=bool)
        for name, value in group:
            if name == "issuer":
                either |= _issuer_mask(view, value)
            elif name in FILTER_COLUMNS and value != "":
                column = FILTER_COLUMNS[name]
                either |= view.codes[column] == view.with_code(column, value)
            elif name not in FILTER_COLUMNS:
                raise ValueError(f"cannot filter by {name!r}")
        allowed &= either
    return allowed


def _within_days(view: View, hits: Hits, day_ranges) -> Hits:
    def column(name: str) -> np.ndarray:
        if name not in DAY_COLUMNS:
            raise ValueError(f"cannot filter days by {name!r}")  # as the SQL path refuses it
        return view.numbers[name]

    return within_days(hits, day_ranges, column)


def _in_scope(view: View, hits: Hits, scope: VersionScope) -> tuple[Hits, np.ndarray | None]:
    """The hits of the versions in scope, and (collapsed) how many versions each stands for."""
    if scope.as_of is not None:
        hits = valid_on(hits, scope.as_of, view.numbers.__getitem__)
    if not scope.collapse or not len(hits.docnums):
        return hits, None
    return _collapsed(view, hits)


def _collapsed(view: View, hits: Hits) -> tuple[Hits, np.ndarray]:
    """One hit per lineage: its version in force, else its latest (then the highest id), with
    the best score of its versions, and how many of them matched (matching.collapse_versions)."""
    docnums = hits.docnums
    lineage = view.numbers["lineage"][docnums]
    order = np.lexsort(
        (view.ids[docnums], view.numbers["date"][docnums], view.in_force[docnums], lineage)
    )
    groups, first = np.unique(lineage[order], return_index=True)
    last = np.append(first[1:], len(order)) - 1
    chosen = order[last]  # the best version of each lineage comes last in it
    best = np.maximum.reduceat(hits.scores[order], first)
    counts = np.diff(np.append(first, len(order)))
    by_docnum = np.argsort(docnums[chosen], kind="stable")
    return Hits(docnums[chosen][by_docnum], best[by_docnum]), counts[by_docnum]


def _facet_counts(view: View, docnums: np.ndarray, facets: list[str]) -> dict:
    """(value, matches) per facet, the most frequent first, empty values left out."""
    counted = {}
    for name in facets:
        if name == "issuer":
            mask = np.zeros(len(view.ids), dtype=bool)
            mask[docnums] = True
            codes, values = view.issuer_codes[mask[view.issuer_docnums]], view.values["issuer"]
        else:
            column = FILTER_COLUMNS[name]
            codes, values = view.codes[column][docnums], view.values[column]
        tally = np.bincount(codes, minlength=len(values))
        present = np.flatnonzero(tally)
        pairs = [(values[c], int(tally[c])) for c in present.tolist() if values[c] != ""]
        counted[name] = sorted(pairs, key=lambda pair: (-pair[1], pair[0]))
    return counted
