"""A parsed query run in PostgreSQL, as `apps.search.matching` runs it on Whoosh and numpy.

One statement finds the matches (exact substrings: pg_trgm for three characters or more, the
rows' character and bigram arrays for one or two), scores them (BM25 over the occurrences,
times the authority of the text, the steps for definitions, article references and pinned
documents), keeps those that pass the filters, days and versions, and returns the ranked head,
the count and the facet counts. The head is then ranked again in Python as on Whoosh: the
BM25 of jieba's words (from the rows' tsvectors), how close the words stand, and the version
in force before the versions it replaced.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
from django.db import OperationalError, transaction
from psycopg.errors import QueryCanceled

from .. import ranking
from ..analysis import cut_words
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
)
from ..query import ParsedQuery
from ..scoring import K1, RERANK_DEPTH, B, bm25_with_idf
from ..search_indexes import TYPE_CLAUSE, TYPE_REGULATION
from .storage import TABLE, IndexState, reading

# Filter fields (haystack's narrow queries) and the columns they read.
FILTER_COLUMNS = {
    "content_type": "content_type",
    "level": "level",
    "province": "province",
    "city": "city",
    "status": "status",
    "year": "year",
    "publication": "publication",
    "regulation": "regulation",
    "django_ct": "django_ct",
}
FACET_COLUMNS = FILTER_COLUMNS | {"issuer": "issuers"}
SORT_COLUMNS = {"date": "date"}
# A query's further alternatives may take this long, the whole statement included (the Whoosh
# backend gives their lookups matching.SEARCH_BUDGET_SECONDS).
ALTERNATIVES_BUDGET_SECONDS = 1.0
WORK_MEM = "64MB"
ISSUER_SEPARATOR = "\x1f"  # joins a document's issuing bodies into one facet value
DAY_COLUMNS = {"date", "valid_from"}


@dataclass
class Found:
    """What a query found: the ranked head (entry id, score), how many versions each stands
    for, every match counted, and the facet counts asked for."""

    ranked: list[tuple[int, float]]
    versions: dict[int, int]
    count: int
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    skipped: tuple[str, ...] = ()  # alternatives not looked up: the time budget ran out


class _Sql:
    """The parameters of a statement built piece by piece, each named (the pieces are put
    together in another order than they are made)."""

    def __init__(self):
        self.params: dict = {}

    def param(self, value) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f"%({name})s"


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _overlaps_itself(needle: str) -> bool:
    """Whether two occurrences of `needle` can overlap (哈哈 in 哈哈哈)."""
    return any(needle[:size] == needle[-size:] for size in range(1, len(needle)))


def _regex_literal(text: str) -> str:
    """`text` as a PostgreSQL regular expression matching itself."""
    return "".join(char if char.isalnum() else "\\" + char for char in text)


def _holds(sql: _Sql, needle: str, column: str = "body") -> str:
    """The condition that `column` holds `needle` (compacted, not empty)."""
    if column == "body" and len(needle) <= 2:
        return f"grams @> ARRAY[{sql.param(needle)}]::text[]"
    return f"{column} LIKE {sql.param(_like(needle))}"


def _occurrences(sql: _Sql, needle: str) -> str:
    """How often the body holds `needle`, overlapping occurrences included (as numpy counts)."""
    if _overlaps_itself(needle):
        return f"regexp_count(body, {sql.param('(?=' + _regex_literal(needle) + ')')})"
    return (
        f"(length(body) - length(replace(body, {sql.param(needle)}, '')))"
        f" / {sql.param(len(needle))}"
    )


def run(
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
    """The matches of a query: ranked up to `limit` (0: counted and faceted only).

    A query with alternatives (平台 OR 消费者) has ALTERNATIVES_BUDGET_SECONDS: past it, the
    statement is cancelled and run again with the first alternative of each group only, and
    the others are named in `skipped` (as the Whoosh backend does past its budget)."""
    arguments = (state, filters, sortedby, reverse, limit, facets, scope, narrowing)
    further = [term.text for group in parsed.must for term in group[1:]]
    if not further:
        return _run(parsed, *arguments)
    if ALTERNATIVES_BUDGET_SECONDS > 0:
        try:
            return _run(parsed, *arguments, budget=ALTERNATIVES_BUDGET_SECONDS)
        except OperationalError as error:  # Django's, around psycopg's
            if not isinstance(error.__cause__, QueryCanceled):
                raise
    first_only = replace(parsed, must=[group[:1] for group in parsed.must])
    found = _run(first_only, *arguments)
    found.skipped = tuple(further)
    return found


def _run(
    parsed: ParsedQuery,
    state: IndexState,
    filters,
    sortedby: str | None,
    reverse: bool,
    limit: int,
    facets: list[str],
    scope: VersionScope,
    narrowing: Narrowing,
    *,
    budget: float | None = None,
) -> Found:
    counting = limit == 0
    limit = 0 if counting else max(limit, KEEP_RANKED)
    if sortedby and sortedby not in SORT_COLUMNS:
        raise ValueError(f"cannot sort by {sortedby!r}")
    sql = _Sql()
    ctes: list[str] = []
    scored = not parsed.is_empty
    if scored:
        hits = _hits(sql, ctes, state, parsed, scope, narrowing)
    else:
        hits = None
    ctes.append(_scoped(sql, hits, filters, scope, narrowing))
    ctes.append(_collapsed(scope))
    if sortedby:
        order = f"date {'DESC' if reverse else 'ASC'}, id"
    elif scored:
        order = "score DESC, id"
    else:
        order = "id"
    selects = ["SELECT 'count', NULL, NULL::bigint, NULL::float8, count(*), 0::bigint FROM final"]
    if not counting:
        selects.append(
            "SELECT 'hit', NULL, id, score, versions, row_number() OVER () FROM "
            f"(SELECT id, score, versions FROM final ORDER BY {order} LIMIT {int(limit)}) head"
        )
    if facets:
        selects.append(_facet_counts(sql, facets))
    statement = "WITH " + ",\n".join(ctes) + "\n" + "\nUNION ALL ".join(selects)
    found = Found([], {}, 0, {name: [] for name in facets})
    database = reading()
    with transaction.atomic(using=database.alias), database.cursor() as cursor:
        # Sorting and grouping tens of thousands of matches in memory, not on disk.
        cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
        if budget is not None:
            cursor.execute("SET LOCAL statement_timeout = %s", [f"{round(budget * 1000)}ms"])
        cursor.execute(statement, sql.params)
        rows = cursor.fetchall()
    head = []
    tallies: dict[str, dict[str, int]] = {name: {} for name in facets}
    for kind, value, entry, score, number, position in rows:
        if kind == "count":
            found.count = int(number)
        elif kind == "hit":
            head.append((int(position), int(entry), float(score), int(number)))
        else:  # a facet's value; the issuers of a document as one value, joined
            for one in value.split(ISSUER_SEPARATOR) if kind == "issuer" else (value,):
                tallies[kind][one] = tallies[kind].get(one, 0) + int(number)
    for name, tally in tallies.items():
        found.facets[name] = sorted(tally.items(), key=lambda kv: (-kv[1], kv[0]))
    head.sort()
    found.versions = {entry: versions for _, entry, _, versions in head}
    found.ranked = [(entry, score) for _, entry, score, _ in head]
    if scored and not sortedby and found.ranked:
        found.ranked = ranked_again(state, parsed, found.ranked, scope, narrowing)
    return found


def _facet_counts(sql: _Sql, facets: list[str]) -> str:
    """A SELECT of (facet name, value, count) rows over `final`, every facet in one pass
    (grouping sets); a document's issuers are counted as one value, split afterwards."""
    columns = {name: FACET_COLUMNS[name] for name in facets}
    values = ", ".join(
        f"array_to_string(issuers, {sql.param(ISSUER_SEPARATOR)}) AS issuers"
        if column == "issuers"
        else column
        for column in columns.values()
    )
    which = " ".join(
        f"WHEN GROUPING({column}) = 0 THEN {sql.param(name)}" for name, column in columns.items()
    )
    sets = ", ".join(f"({column})" for column in columns.values())
    return (
        f"SELECT which, value, NULL, NULL, n, 0 FROM (SELECT CASE {which} END AS which, "
        f"COALESCE({', '.join(columns.values())}) AS value, count(*) AS n "
        f"FROM (SELECT {values} FROM final) f GROUP BY GROUPING SETS ({sets})) g "
        "WHERE value <> ''"
    )


# ---------------------------------------------------------------- matching and scoring


def _hits(
    sql: _Sql, ctes: list[str], state: IndexState, parsed, scope, narrowing: Narrowing
) -> str:
    """CTEs of the documents the query matches and their scores, before filters and versions
    (matching._all_hits); returns the name of the last, `hits` (id, score)."""
    if narrowing.titles_only:
        ctes.append(f"matched AS ({_title_hits(sql, parsed)})")
    else:
        ctes.append(f"matched AS ({_word_hits(sql, ctes, state, parsed, scope, narrowing)})")
    parts = ["SELECT id, score FROM matched"]
    if narrowing.pinned:
        pinned = [
            (key, PINNED_STEP * (len(narrowing.pinned) - at))
            for at, key in enumerate(narrowing.pinned)
        ]
        keys, scores = sql.param([k for k, _ in pinned]), sql.param([s for _, s in pinned])
        parts.append(
            f"SELECT e.id, p.score FROM {TABLE} e JOIN unnest({keys}::text[], {scores}::float8[])"
            " AS p(key, score) ON e.key = p.key"
        )
    ctes.append(
        "hits AS (SELECT id, sum(score) AS score FROM ("
        + " UNION ALL ".join(parts)
        + ") u GROUP BY id)"
    )
    return "hits"


def _word_hits(sql: _Sql, ctes: list[str], state: IndexState, parsed, scope, narrowing) -> str:
    """The SELECT of (id, score) of the documents the words match (matching._hits)."""
    groups = []
    meant = dict(narrowing.meant)
    for group in parsed.must:
        parts = []
        for term in group:
            for variant in term.variants():
                needle = compact(variant)
                if needle:
                    parts.append(_variant_scores(sql, ctes, state, needle))
            if term.text in meant:
                parts.append(
                    f"SELECT id, {sql.param(ranking.DEFINITION_STEP)}::float8 AS score "
                    f"FROM {TABLE} WHERE key = ANY({sql.param(list(meant[term.text]))})"
                )
        if not parts:
            parts.append("SELECT NULL::bigint AS id, NULL::float8 AS score WHERE false")
        name = f"g{len(groups)}"
        ctes.append(
            f"{name} AS (SELECT id, sum(score) AS score FROM ("
            + " UNION ALL ".join(parts)
            + ") u GROUP BY id)"
        )
        groups.append(name)
    pieces = []
    if groups:
        required = "" if scope.partial else f" HAVING count(*) = {len(groups)}"
        ctes.append(
            "grouped AS (SELECT id, sum(score) AS score, count(*) AS held FROM ("
            + " UNION ALL ".join(f"SELECT id, score FROM {g}" for g in groups)
            + f") u GROUP BY id{required})"
        )
        partial = f" + {sql.param(PARTIAL_STEP)}::float8 * g.held" if scope.partial else ""
        definitions = _definitions(sql, parsed, narrowing)
        pieces.append(
            f"SELECT g.id, g.score * e.authority{partial}{definitions} AS score "
            f"FROM grouped g JOIN {TABLE} e USING (id)"
        )
    if parsed.article:
        boost = sql.param(ARTICLE_BOOST)
        pieces.append(f"SELECT id, {boost}::float8 AS score FROM {_article_docs(sql, parsed)}")
    if not pieces:  # a pure negation: everything except it
        pieces.append(f"SELECT id, 0::float8 AS score FROM {TABLE}")
    union = f"SELECT id, sum(score) AS score FROM ({' UNION ALL '.join(pieces)}) w GROUP BY id"
    if not parsed.must_not:
        return union
    negated = [_holds(sql, n) for t in parsed.must_not for v in t.variants() if (n := compact(v))]
    if not negated:
        return union
    return (
        f"SELECT w.id, w.score FROM ({union}) w JOIN {TABLE} e USING (id) "
        f"WHERE NOT ({' OR '.join(negated)})"
    )


def _variant_scores(sql: _Sql, ctes: list[str], state: IndexState, needle: str) -> str:
    """A CTE of the documents holding `needle` with their occurrences and lengths; returns the
    SELECT of their BM25 scores (exact.ExactView.hits)."""
    name = f"v{len(ctes)}"
    ctes.append(
        f"{name} AS MATERIALIZED (SELECT id, {_occurrences(sql, needle)} AS tf, length "
        f"FROM {TABLE} WHERE {_holds(sql, needle)})"
    )
    documents = sql.param(state.documents)
    idf = f"ln(1 + ({documents}::bigint - c.n + 0.5::float8) / (c.n + 0.5::float8))"
    k1, k1_plus_1 = sql.param(K1), sql.param(K1 + 1)
    b, one_minus_b = sql.param(B), sql.param(1 - B)
    average = sql.param(state.average_length)
    return (
        f"SELECT v.id, {idf} * ((v.tf * {k1_plus_1}::float8) / (v.tf + {k1}::float8 * "
        f"({one_minus_b}::float8 + {b}::float8 * v.length / {average}::float8))) AS score "
        f"FROM {name} v, (SELECT count(*) AS n FROM {name}) c"
    )


def _definitions(sql: _Sql, parsed, narrowing: Narrowing) -> str:
    """The step a document that defines the query's word gains (ranking.with_definitions), as
    a term to add to the score; '' when the query asks for no definition."""
    terms = [] if narrowing.titles_only else defined_terms_asked(parsed)
    needles = [compact(t) for t in terms if len(t) in ranking.DEFINED_TERM_CHARS]
    conditions = []
    if needles:
        conditions.append(f"e.defines && {sql.param(needles)}::text[]")
    if narrowing.defined and terms:
        conditions.append(f"e.key = ANY({sql.param(list(narrowing.defined))})")
    if not conditions:
        return ""
    step = sql.param(ranking.DEFINITION_STEP)
    return f" + CASE WHEN {' OR '.join(conditions)} THEN {step}::float8 * e.authority ELSE 0 END"


def _title_holds(sql: _Sql, text: str) -> str:
    """Regulation titles holding `text` (two characters or more: matching._title_docs)."""
    needle = compact(text)
    if len(needle) < 2:
        return "false"
    return _holds(sql, needle, column="title")


def _title_hits(sql: _Sql, parsed) -> str:
    """The SELECT of (id, score) of the regulations whose titles hold the query's words."""
    conditions = [f"content_type = {sql.param(TYPE_REGULATION)}"]
    for group in parsed.must:
        either = [_title_holds(sql, v) for term in group for v in term.variants()]
        conditions.append("(" + " OR ".join(either) + ")")
    for term in parsed.must_not:
        conditions += [f"NOT {_title_holds(sql, v)}" for v in term.variants()]
    return f"SELECT id, authority AS score FROM {TABLE} WHERE {' AND '.join(conditions)}"


def _article_docs(sql: _Sql, parsed) -> str:
    """The clauses an article reference names (in the regulations titled so, when named)."""
    ref = parsed.article
    conditions = [
        f"content_type = {sql.param(TYPE_CLAUSE)}",
        f"number = {sql.param(str(ref.number))}",
        f"suffix = {sql.param(ref.suffix or NO_SUFFIX)}",
    ]
    if ref.name:
        conditions.append(  # the titles read once, not per clause
            f"regulation = ANY(ARRAY(SELECT regulation FROM {TABLE} WHERE content_type = "
            f"{sql.param(TYPE_REGULATION)} AND {_title_holds(sql, ref.title)}))"
        )
    return f"{TABLE} WHERE {' AND '.join(conditions)}"


# ---------------------------------------------------------------- filters and versions


def _scoped(sql: _Sql, hits: str | None, filters, scope: VersionScope, narrowing) -> str:
    """The CTE `scoped`: the hits (or every document) that pass the filters, days and as_of."""
    conditions = []
    for group in filters:
        either = []
        for name, value in group:
            if name == "issuer":
                either.append(f"{sql.param(value)} = ANY(e.issuers)")
            elif name in FILTER_COLUMNS and value != "":
                either.append(f"e.{FILTER_COLUMNS[name]} = {sql.param(value)}")
            elif name not in FILTER_COLUMNS:
                raise ValueError(f"cannot filter by {name!r}")
        conditions.append("(" + (" OR ".join(either) or "false") + ")")
    for column, first, last in narrowing.day_ranges:
        if column not in DAY_COLUMNS:
            raise ValueError(f"cannot filter days by {column!r}")
        conditions.append(f"e.{column} BETWEEN {sql.param(max(first, 1))} AND {sql.param(last)}")
    if scope.as_of is not None:
        day = sql.param(scope.as_of)
        conditions.append(f"e.valid_from <= {day} AND {day} < e.valid_until")
    where = (" WHERE " + " AND ".join(conditions)) if conditions else ""
    columns = ", ".join(f"e.{c}" for c in FACET_COLUMNS.values() if c != "django_ct")
    if hits is None:
        source, score = f"{TABLE} e", "0::float8"
    else:
        source, score = f"{hits} h JOIN {TABLE} e USING (id)", "h.score"
    return (
        f"scoped AS MATERIALIZED (SELECT e.id, {score} AS score, e.lineage, e.in_force, e.date, "
        f"{columns} FROM {source}{where})"
    )


def _collapsed(scope: VersionScope) -> str:
    """The CTE `final`: one hit per lineage when collapsed (its version in force, else its
    latest, with the best score of its versions and how many matched: collapse_versions)."""
    columns = ", ".join(c for c in FACET_COLUMNS.values() if c != "django_ct")
    if not scope.collapse:
        return f"final AS (SELECT id, score, 1 AS versions, date, {columns} FROM scoped)"
    return (
        f"final AS (SELECT id, best AS score, versions, date, {columns} FROM ("
        "SELECT *, max(score) OVER lineages AS best, count(*) OVER lineages AS versions, "
        "row_number() OVER (PARTITION BY lineage ORDER BY in_force DESC, date DESC, id DESC) "
        "AS place FROM scoped WINDOW lineages AS (PARTITION BY lineage)) versioned "
        "WHERE place = 1)"
    )


# ---------------------------------------------------------------- the head, ranked again


def ranked_again(
    state: IndexState, parsed, ranked, scope: VersionScope, narrowing, *, lineages=None
) -> list:
    """The head re-ranked as matching._run does: jieba's words (scoring.rerank_head), the
    words' proximity (matching._closest_first), the version in force first (in_force_first).
    `lineages`: (lineage, in force) by entry id of the ranked, when the caller has them."""
    words = (
        []
        if narrowing.titles_only
        else [w for group in parsed.must for t in group for w in cut_words(t.text)]
    )
    proximity = len(parsed.must) > 1 and not scope.partial and not narrowing.titles_only
    head_ids = sorted(entry for entry, _ in ranked[:RERANK_DEPTH])
    rows = _head_rows(head_ids, sorted(set(words)), with_body=proximity)
    if words:
        ranked = _rerank_words(state, ranked, words, rows)
    if proximity:
        head = ranked[:RERANK_DEPTH]
        texts = [rows[entry]["body"] for entry, _ in head]
        factors = ranking.proximity_factors(texts, [compact(g[0].text) for g in parsed.must])
        rescored = [(e, s * f) for (e, s), f in zip(head, factors, strict=True)]
        rescored.sort(key=lambda pair: (-pair[1], pair[0]))
        ranked = rescored + ranked[len(head) :]
    if not scope.collapse and len(ranked) > 1:
        entries = [entry for entry, _ in ranked]
        if lineages is None:
            lineage, in_force = _lineages(entries)
        else:
            lineage = np.array([lineages[0][e] for e in entries], dtype=np.int64)
            in_force = np.array([bool(lineages[1][e]) for e in entries])
        ranked = ranking.in_force_first_of(ranked, lineage, in_force)
    return ranked


def _head_rows(ids: list[int], words: list[str], *, with_body: bool) -> dict[int, dict]:
    """Per head entry: its authority, word count, body (when asked) and the occurrences of
    each of `words` in its tsvector."""
    body = "body" if with_body else "''"
    with reading().cursor() as cursor:
        cursor.execute(
            f"SELECT id, authority, word_count, {body}, ARRAY(SELECT coalesce(("
            "SELECT array_length(u.positions, 1) FROM unnest(e.words) u WHERE u.lexeme = w.word"
            "), 0) FROM unnest(%s::text[]) WITH ORDINALITY AS w(word, at) ORDER BY w.at) "
            f"FROM {TABLE} e WHERE id = ANY(%s)",
            [words, ids],
        )
        return {
            row[0]: {"authority": row[1], "word_count": row[2], "body": row[3],
                     "tf": dict(zip(words, row[4], strict=True))}
            for row in cursor.fetchall()
        }  # fmt: skip


_DOC_FREQUENCY: dict = {}


def _documents_with(state: IndexState, word: str) -> int:
    """How many documents hold the jieba word (its document frequency), per index state."""
    key = (state.version, word)
    if key not in _DOC_FREQUENCY:
        if len(_DOC_FREQUENCY) > 10_000:
            _DOC_FREQUENCY.clear()
        with reading().cursor() as cursor:
            literal = "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"
            cursor.execute(f"SELECT count(*) FROM {TABLE} WHERE words @@ %s::tsquery", [literal])
            _DOC_FREQUENCY[key] = cursor.fetchone()[0]
    return _DOC_FREQUENCY[key]


def _rerank_words(state: IndexState, ranked, words: list[str], rows: dict) -> list:
    """scoring.rerank_head with the words' BM25 read from the rows' tsvectors: the BM25F of
    each word (Whoosh's idf, log(N / (df + 1)) + 1), times the document's authority, added."""
    head = sorted(ranked[:RERANK_DEPTH])
    ids = np.array([entry for entry, _ in head], dtype=np.int64)
    scores = np.array([score for _, score in head])
    lengths = np.array([rows[e]["word_count"] for e in ids.tolist()], dtype=np.float64)
    authority = np.array([rows[e]["authority"] for e in ids.tolist()])
    words_score = np.zeros(len(ids))
    for word in words:
        tf = np.array([rows[e]["tf"].get(word, 0) for e in ids.tolist()], dtype=np.float64)
        present = np.flatnonzero(tf)
        if not len(present):
            continue
        idf = np.log(state.documents / (_documents_with(state, word) + 1)) + 1
        words_score[present] += bm25_with_idf(
            idf, tf[present], lengths[present], state.average_words or 1
        )
    scores += words_score * authority
    best = np.lexsort((ids, -scores))
    return [(int(ids[i]), float(scores[i])) for i in best] + ranked[len(head) :]


def _lineages(entries: list[int]) -> tuple[np.ndarray, np.ndarray]:
    with reading().cursor() as cursor:
        cursor.execute(f"SELECT id, lineage, in_force FROM {TABLE} WHERE id = ANY(%s)", [entries])
        found = {row[0]: row[1:] for row in cursor.fetchall()}
    lineage = np.array([found.get(e, (-e, False))[0] for e in entries], dtype=np.int64)
    in_force = np.array([bool(found.get(e, (0, False))[1]) for e in entries])
    return lineage, in_force
