"""Running a parsed query on one index generation: its matches, ranked, kept, and paged.

A query word matches wherever it occurs as a substring, however jieba would cut the text: the
matching is done by `apps.search.exact`, and scored by how often the word occurs (BM25). Whoosh
holds the documents, their jieba words (which lift whole-word matches in the ranking), facets,
dates and article numbers. The query string is read by `apps.search.query`, the same parser the
selector uses.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dc_field

import numpy as np
from haystack.constants import DJANGO_CT, DJANGO_ID
from haystack.models import SearchResult
from haystack.utils.app_loading import haystack_get_model
from whoosh import query as wq

from apps.policies.models import Status

from . import ranking
from .analysis import cut_words, phrase_grams
from .caches import Generation
from .exact import compact
from .facets import allowed, docnum_mask, facet_table, live_docs, live_mask
from .fields import NO_SUFFIX
from .phrase import ExactPhrase
from .query import ParsedQuery
from .scoring import NO_DOCS, RERANK_DEPTH, Hits, rerank_head
from .search_indexes import TYPE_REGULATION
from .storage import exact_view

ARTICLE_BOOST = 50.0
PARTIAL_STEP = 1000.0  # above any score of the words themselves
PINNED_STEP = 10 * PARTIAL_STEP
KEEP_RANKED = 100  # ranked matches kept per query: the first five pages of twenty
# Past this, a query's further OR alternatives are not looked up: it answers with what the
# others match, and says so (100 frequent characters OR'ed took 5 s before the term cap).
SEARCH_BUDGET_SECONDS = 0.03


@dataclass(eq=False)
class Matches:
    """What a query matched: the ranked head, every docnum, facet counts filled in on demand."""

    ranked: list[tuple[int, float]]  # (docnum, score), best first
    docnums: np.ndarray  # every match, ascending
    complete: bool  # `ranked` holds every match
    facets: dict = dc_field(default_factory=dict)
    mask: np.ndarray | None = None
    versions: np.ndarray | None = None  # per docnum: how many versions matched (collapsed)
    skipped: tuple[str, ...] = ()  # alternatives not looked up: the time budget ran out

    def versions_of(self, docnum: int) -> int:
        if self.versions is None:
            return 1
        return int(self.versions[np.searchsorted(self.docnums, docnum)])

    def facet_counts(self, gen: Generation, field: str) -> list[tuple[str, int]]:
        """(value, matches) of a facet field, most frequent first; counted once per query."""
        counts = self.facets.get(field)
        if counts is None:
            if self.mask is None:
                self.mask = docnum_mask(self.docnums, gen.searcher)
            counts = self.facets[field] = facet_table(gen, field).counts(self.docnums, self.mask)
        return counts


@dataclass(frozen=True)
class VersionScope:
    """What a search sees: one hit per clause lineage or work (`collapse`: the version in
    force, else the latest, scored as its best-matching version), only the versions in force on
    a day (`as_of`, a day ordinal), and documents holding all the words or any (`partial`)."""

    collapse: bool = False
    as_of: int | None = None
    # Any of the words rather than all (when all find nothing): the more words a document
    # holds, the higher it ranks.
    partial: bool = False


ALL_VERSIONS = VersionScope()


@dataclass(frozen=True)
class Narrowing:
    """What else a search is told: index ids matched and put first in their order (a doctrine
    name's clauses), the documents a word means, day ranges (column, first, last day ordinal) a
    document's dates must fall in, and whether the words are looked for in titles only."""

    pinned: tuple[str, ...] = ()
    day_ranges: tuple[tuple[str, int, int], ...] = ()
    titles_only: bool = False
    # (query word, index ids): documents that count as holding the word though they do not
    # spell it — the clauses of a doctrine name among other words (醉驾 拘役).
    meant: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # Index ids of documents that define the query's word beside those ranking.defining finds:
    # the clause that opens a 章 or 节 named by it (第七章 代理 → 第一百六十一条).
    defined: tuple[str, ...] = ()


NOTHING_MORE = Narrowing()


def matches(
    gen: Generation,
    parsed,
    filters,
    sortedby,
    reverse,
    limit,
    scope=ALL_VERSIONS,
    narrowing=NOTHING_MORE,
) -> Matches:
    """The matches of a query, from the per-generation cache when it holds enough of them."""
    key = (*gen.key(), repr(parsed), filters, sortedby, reverse, scope, narrowing)
    found = gen.caches.cached_matches(key)
    if found is None or (not found.complete and len(found.ranked) < limit):
        found = _run(gen, parsed, filters, sortedby, reverse, limit, scope, narrowing)
        gen.caches.keep_matches(key, found)
    return found


def _run(gen: Generation, parsed, filters, sortedby, reverse, limit, scope, narrowing) -> Matches:
    counting = limit == 0  # only the matches and their facet counts are wanted: no ranking
    limit = 0 if counting else max(limit, KEEP_RANKED)
    permitted, mask = allowed(gen, filters) if filters else (None, None)
    versions, skipped = None, ()
    if parsed.is_empty:
        docnums = permitted if permitted is not None else live_docs(gen)
        hits = _within_days(gen, Hits(docnums, np.zeros(len(docnums))), narrowing.day_ranges)
        hits, versions = _in_scope(gen, hits, scope)
        if not sortedby:  # browsing by facets: documents in index order, nothing to score
            docnums = hits.docnums
            ranked = [(int(d), 0.0) for d in docnums[:limit]]
            return Matches(ranked, docnums, len(ranked) == len(docnums), versions=versions)
    else:
        hits, skipped = gen.caches.hits(
            (*gen.key(), repr(parsed), scope.partial, narrowing),
            lambda: _all_hits(gen, parsed, scope, narrowing),
        )
        if mask is not None:
            hits = hits.within(mask)
        hits = _within_days(gen, hits, narrowing.day_ranges)
        hits, versions = _in_scope(gen, hits, scope)
    if counting:
        return Matches([], hits.docnums, complete=False, versions=versions, skipped=skipped)
    if sortedby:
        keys = _sort_keys(gen, sortedby)[hits.docnums]
        order = top_order(-keys if reverse else keys, hits.docnums, limit)
    else:
        order = top_order(-hits.scores, hits.docnums, limit)
    ranked = [(int(hits.docnums[i]), float(hits.scores[i])) for i in order]
    words = [w for group in parsed.must for t in group for w in cut_words(t.text)]
    words = [] if narrowing.titles_only else words
    if words and not sortedby and len(order):
        ranked = rerank_head(
            gen.searcher, hits, order, words, ranked, ranking.authority_weights(gen)
        )
    if len(parsed.must) > 1 and not sortedby and not scope.partial and not narrowing.titles_only:
        ranked = _closest_first(gen, parsed, ranked)
    if not scope.collapse and not sortedby:
        ranked = in_force_first(gen, ranked)
    complete = len(ranked) == len(hits.docnums)
    return Matches(ranked, hits.docnums, complete, versions=versions, skipped=skipped)


def _closest_first(gen: Generation, parsed: ParsedQuery, ranked: list[tuple[int, float]]):
    """The ranked head again, each score times its proximity factor (ranking.proximity_factors)
    for the query's words, each group's first spelling: words that stand together first."""
    head = ranked[:RERANK_DEPTH]
    view = exact_view(gen)
    texts = view.compact_texts([docnum for docnum, _ in head])
    words = [compact(group[0].text) for group in parsed.must]
    factors = ranking.proximity_factors(texts, words)
    rescored = [(docnum, score * f) for (docnum, score), f in zip(head, factors, strict=True)]
    rescored.sort(key=lambda pair: (-pair[1], pair[0]))
    return rescored + ranked[len(head) :]


def _all_hits(
    gen: Generation, parsed, scope: VersionScope, narrowing: Narrowing
) -> tuple[Hits, tuple[str, ...]]:
    """Every document the query matches, scored, before filters and versions; and the
    alternatives left out when the lookups ran past SEARCH_BUDGET_SECONDS."""
    deadline = time.perf_counter() + SEARCH_BUDGET_SECONDS
    skipped: list[str] = []
    terms = [] if narrowing.titles_only else defined_terms_asked(parsed)
    definitions = ranking.defining(exact_view(gen), terms)
    if narrowing.defined and terms:
        definitions = np.union1d(definitions, _docnums_of(gen, narrowing.defined))
    if narrowing.titles_only:
        hits = _title_hits(gen, parsed)
    else:
        meant = {word: _docnums_of(gen, ids) for word, ids in narrowing.meant}
        hits = _hits(
            gen,
            parsed,
            definitions,
            meant,
            partial=scope.partial,
            deadline=deadline,
            skipped=skipped,
        )
    if narrowing.pinned:
        hits = Hits.union([hits, _pinned_hits(gen, narrowing.pinned)])
    return hits, tuple(skipped)


def in_force_first(gen: Generation, ranked: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """The ranked head with, in each lineage, the version in force in the place of the best
    ranked of its versions: a superseded text never outranks the text in force."""
    if len(ranked) < 2:
        return ranked
    docnums = np.fromiter((d for d, _ in ranked), np.int64, len(ranked))
    groups = _sort_keys(gen, "lineage")[docnums]
    return ranking.in_force_first_of(ranked, groups, _in_force(gen)[docnums])


def _within_days(gen: Generation, hits: Hits, day_ranges) -> Hits:
    return within_days(hits, day_ranges, lambda name: _sort_keys(gen, name))


def _in_scope(gen: Generation, hits: Hits, scope: VersionScope) -> tuple[Hits, np.ndarray | None]:
    """The hits of the versions in scope, and (collapsed) how many versions each stands for."""
    if scope.as_of is not None:
        hits = valid_on(hits, scope.as_of, lambda name: _sort_keys(gen, name))
    if not scope.collapse or not len(hits.docnums):
        return hits, None
    return collapse_versions(gen, hits)


def within_days(hits: Hits, day_ranges, column: Callable[[str], np.ndarray]) -> Hits:
    """The hits whose dates fall in every range (a document without the date falls in none);
    `column(name)` gives a day column per docnum (shared with the PostgreSQL mirror)."""
    for name, first, last in day_ranges:
        days = column(name)[hits.docnums]
        keep = (days >= max(first, 1)) & (days <= last)
        hits = Hits(hits.docnums[keep], hits.scores[keep])
    return hits


def valid_on(hits: Hits, day: int, column: Callable[[str], np.ndarray]) -> Hits:
    """The hits of the versions valid on `day` (valid_from <= day < valid_until)."""
    starts = column("valid_from")[hits.docnums]
    ends = column("valid_until")[hits.docnums]
    keep = (starts <= day) & (day < ends)
    return Hits(hits.docnums[keep], hits.scores[keep])


def collapse_versions(gen: Generation, hits: Hits) -> tuple[Hits, np.ndarray]:
    """One hit per lineage: its version in force, else its latest, entering the ranking with
    the best score of its versions (the head is then re-ranked on its own words), and the
    number of versions that matched. Linear in the hits: the versions' order is the index's."""
    rank, group_of, group_count, doc_at = _version_ranks(gen)
    groups, ranks = group_of[hits.docnums], rank[hits.docnums]
    best_rank = np.full(group_count, -1, dtype=np.int64)
    np.maximum.at(best_rank, groups, ranks)
    best_score = np.full(len(best_rank), -np.inf)
    np.maximum.at(best_score, groups, hits.scores)
    present = np.flatnonzero(best_rank >= 0)
    chosen = doc_at[best_rank[present]]
    counts = np.bincount(groups, minlength=len(best_rank))[present]
    by_docnum = np.argsort(chosen, kind="stable")
    return Hits(chosen[by_docnum], best_score[present][by_docnum]), counts[by_docnum]


def _version_ranks(gen: Generation) -> tuple[np.ndarray, np.ndarray, int, np.ndarray]:
    """Per docnum, its rank among all documents ordered by (lineage, in force, date, docnum) —
    the best version of a lineage ranks highest — and its lineage as a dense number; the number
    of lineages; and the docnum at each rank."""

    def build():
        lineages = _sort_keys(gen, "lineage")
        everything = np.arange(len(lineages), dtype=np.int64)
        order = np.lexsort((everything, _sort_keys(gen, "date"), _in_force(gen), lineages))
        rank = np.empty(len(lineages), dtype=np.int64)
        rank[order] = everything
        distinct, group_of = np.unique(lineages, return_inverse=True)
        return rank, group_of.astype(np.int64), len(distinct), order

    return gen.cached(("version-ranks",), build)


def _in_force(gen: Generation) -> np.ndarray:
    """Per docnum: is it (a document of) a version in force."""

    def build():
        statuses = facet_table(gen, "status")
        everything = np.arange(gen.searcher.reader().doc_count_all(), dtype=np.int64)
        return statuses.codes_of(everything) == statuses.code_of.get(Status.IN_FORCE, -2)

    return gen.cached(("in-force",), build)


def top_order(keys: np.ndarray, docnums: np.ndarray, limit: int) -> np.ndarray:
    """Indices of the `limit` smallest keys, in order of key then docnum: the head of
    `np.lexsort((docnums, keys))` without sorting every match."""
    if len(keys) > limit:
        kth = np.partition(keys, limit - 1)[limit - 1]
        candidates = np.flatnonzero(keys <= kth)  # all ties of the last key kept, then sorted
        return candidates[np.lexsort((docnums[candidates], keys[candidates]))][:limit]
    return np.lexsort((docnums, keys))


def defined_terms_asked(parsed: ParsedQuery) -> list[str]:
    """The words of the query whose definition is looked for: a query of one word (or of
    alternatives), unquoted, as typed. Among several words, where they stand together decides
    (_closest_first)."""
    if len(parsed.must) != 1 or parsed.article:
        return []
    return [term.text for term in parsed.must[0] if not term.exact]


def _hits(
    gen: Generation,
    parsed: ParsedQuery,
    definitions: np.ndarray,
    meant: dict[str, np.ndarray] | None = None,
    *,
    partial: bool = False,
    deadline: float = float("inf"),
    skipped: list[str] | None = None,
) -> Hits:
    """Every document the query matches, with its BM25 score over exact occurrences times its
    authority, and a step up for the `definitions` of a query word (ranking.with_definitions).

    Terms of a group are alternatives, groups are all required; an article reference adds
    its clause (first, by its boost) to what the words match, or is the whole query; the
    negated terms are taken out (of everything, when nothing else is asked). Past the
    `deadline` (time.perf_counter), a group's further alternatives are not looked up: they are
    added to `skipped`, and the result is what the others match.
    """
    view = exact_view(gen)
    hits = None
    skipped = [] if skipped is None else skipped
    meant = meant or {}
    groups = [
        ranking.weighed(
            gen,
            Hits.union(
                _alternatives_hits(view, group, deadline, skipped)
                + [_meant_hits(meant[t.text]) for t in group if t.text in meant]
            ),
        )
        for group in parsed.must
    ]
    if partial and groups:  # each word held counts PARTIAL_STEP: more words rank first
        hits = Hits.union([Hits(g.docnums, g.scores + PARTIAL_STEP) for g in groups])
    for either in () if partial else groups:
        hits = either if hits is None else hits.intersect(either)
    if hits is not None:
        hits = ranking.with_definitions(gen, hits, definitions)
    if parsed.article:
        docnums = _article_docs(gen, parsed)
        article = Hits(docnums, np.full(len(docnums), ARTICLE_BOOST))
        hits = article if hits is None else Hits.union([article, hits])
    if parsed.must_not:
        if hits is None:  # a pure negation: everything except it
            everything = live_docs(gen)
            hits = Hits(everything, np.zeros(len(everything)))
        hits = hits.without(
            Hits.union([view.hits(v) for t in parsed.must_not for v in t.variants()])
        )
    return hits


def _title_hits(gen: Generation, parsed: ParsedQuery) -> Hits:
    """Regulations whose title (or short title) holds the query's words (each group: any of its
    spellings; every group; none of the negated), the more authoritative first."""
    docnums = None
    for group in parsed.must:
        either = np.unique(
            np.concatenate([_title_docs(gen, v) for term in group for v in term.variants()])
        )
        docnums = either if docnums is None else np.intersect1d(docnums, either)
    if docnums is None:  # a pure negation: every regulation but those
        docnums = facet_table(gen, "content_type").docs_with(TYPE_REGULATION)
        docnums = np.unique(docnums[live_mask(gen)[docnums]])
    for term in parsed.must_not:
        for variant in term.variants():
            docnums = np.setdiff1d(docnums, _title_docs(gen, variant), assume_unique=True)
    return Hits(docnums, ranking.authority_weights(gen)[docnums])


def _title_docs(gen: Generation, text: str) -> np.ndarray:
    """Live docnums of the regulations whose title holds `text` (two characters or more)."""
    grams = phrase_grams(text)
    if not grams or len(grams[0]) < 2:
        return NO_DOCS
    title = (
        ExactPhrase("title_chars", grams) if len(grams) > 1 else wq.Term("title_chars", grams[0])
    )
    docnums = np.fromiter(title.docs(gen.searcher), dtype=np.int64)
    return np.unique(docnums[live_mask(gen)[docnums]])


def _alternatives_hits(view, group, deadline: float, skipped: list[str]) -> list[Hits]:
    """The hits of each spelling of each alternative of a group; past the deadline, only the
    first alternative's (the others are named in `skipped`)."""
    found = []
    for position, term in enumerate(group):
        if position and time.perf_counter() > deadline:
            skipped.append(term.text)
            continue
        found += [view.hits(v) for v in term.variants()]
    return found


def _meant_hits(docnums: np.ndarray) -> Hits:
    """The documents a word means without spelling it, scored as a definition of it."""
    docnums = np.unique(docnums)
    return Hits(docnums, np.full(len(docnums), ranking.DEFINITION_STEP))


def _docnums_of(gen: Generation, ids: tuple[str, ...]) -> np.ndarray:
    docnum_of = exact_view(gen).docnum_of
    return np.array([docnum_of[i] for i in ids if i in docnum_of], dtype=np.int64)


def _pinned_hits(gen: Generation, pinned: tuple[str, ...]) -> Hits:
    """The live documents of these index ids, scored above anything else in their order."""
    docnum_of = exact_view(gen).docnum_of
    found = [
        (docnum_of[i], PINNED_STEP * (len(pinned) - at))
        for at, i in enumerate(pinned)
        if i in docnum_of
    ]
    found.sort()
    return Hits(
        np.array([d for d, _ in found], dtype=np.int64),
        np.array([s for _, s in found], dtype=float),
    )


def _article_docs(gen: Generation, parsed: ParsedQuery) -> np.ndarray:
    """Live docnums of the clause an article reference names (in any regulation if unnamed)."""
    ref = parsed.article
    docs = facet_table(gen, "number").docs_with(str(ref.number))
    suffixes = facet_table(gen, "suffix")
    docs = docs[suffixes.codes_of(docs) == suffixes.code_of.get(ref.suffix or NO_SUFFIX, -2)]
    if ref.name:
        regulations = facet_table(gen, "regulation")
        named = _regulations_named(gen, ref.title)
        docs = docs[np.isin(regulations.codes_of(docs), named)]
    return np.unique(docs[live_mask(gen)[docs]])


def _regulations_named(gen: Generation, name: str) -> np.ndarray:
    """Codes (in the regulation facet) of the regulations whose title or short title
    contains `name`.

    Only regulation documents carry the titles, so clauses are found through their
    regulation's slug instead of each repeating the title in the index.
    """
    return np.unique(facet_table(gen, "regulation").codes_of(_title_docs(gen, name)))


def _sort_keys(gen: Generation, field: str) -> np.ndarray:
    """Every document's value of a sortable column, by docnum."""

    def read(segment_reader) -> np.ndarray:  # once per segment: a write reads only its own
        count = segment_reader.doc_count_all()
        return np.fromiter(segment_reader.column_reader(field), np.int64, count)

    def build():
        if not gen.searcher.reader().has_column(field):
            raise ValueError(f"cannot sort by {field!r}")
        parts = [part for part, _ in gen.per_segment(f"column {field}", read)]
        return np.concatenate(parts) if parts else np.empty(0, np.int64)

    return gen.cached(("column", field), build)


def page(gen: Generation, found: Matches, start: int, end: int, result_class) -> list:
    """The search results of matches `start` to `end` (those of models still registered)."""
    result_class = result_class or SearchResult
    results = []
    for docnum, score in found.ranked[start:end]:
        fields = gen.searcher.stored_fields(docnum)
        app_label, model_name = fields[DJANGO_CT].split(".")
        if haystack_get_model(app_label, model_name) is not None:
            result = result_class(app_label, model_name, fields[DJANGO_ID], score)
            result.versions = found.versions_of(docnum)
            results.append(result)
    return results
