"""Each app server's copy of the PostgreSQL index in memory, brought up to date before a search.

PostgreSQL holds the index of record (written in the records' own transactions); matching every
document in SQL costs a pass over every matching row per query (~300 ms for a word in half the
corpus), so each process keeps the rows' compacted texts as an `exact.Base` and their narrow
columns (dates, versions, facets, authority) as numpy arrays, and runs queries on them as the
Whoosh backend does (`mirrored`). Before a search, a process whose copy is older than the index
state reads, in one snapshot of its own connection, only the rows written and removed since the
snapshot of its copy (`written` is each row's transaction, `search_removed` the removed ids,
`search_epoch` moves on with a rebuild: everything is read again). Rows the searching
transaction itself has written and not committed are laid over the copy for that search only.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import psycopg
from django.db import OperationalError, connections

from ..exact import Base, count_in
from ..scoring import NO_DOCS, NO_SCORES, Hits, bm25
from ..search_indexes import TYPE_REGULATION
from .storage import TABLE, VERSION_COLUMNS

# Columns with a value per row, kept as codes (index into their values) for filters and facets.
CODED = ("content_type", "level", "province", "city", "status", "year", "publication")
CODED += ("regulation", "number", "suffix", "django_ct")
NUMBERS = ("lineage", "date", "valid_from", "valid_until")
READ = (
    "id, key, body, authority, in_force, " + ", ".join(NUMBERS + CODED) + ", issuers, defines, "
    f"CASE WHEN content_type = '{TYPE_REGULATION}' THEN title ELSE '' END"
)
DELTA_LIMIT = 2000  # rows changed since the copy was loaded, past which it is loaded again
LOAD_BATCH = 2000  # rows read at a time when loading
_NO_CODE = -1


@dataclass(frozen=True)
class Row:
    id: int
    key: str
    body: str
    authority: float
    in_force: bool
    numbers: tuple[int, ...]  # NUMBERS
    coded: tuple[str, ...]  # CODED
    issuers: tuple[str, ...]
    defines: tuple[str, ...]
    title: str  # a regulation's, as matched

    @classmethod
    def of(cls, record: tuple) -> Row:
        id_, key, body, authority, in_force, *rest = record
        numbers, rest = rest[: len(NUMBERS)], rest[len(NUMBERS) :]
        coded, (issuers, defines, title) = rest[: len(CODED)], rest[len(CODED) :]
        return cls(
            id_, key, body, authority, in_force, tuple(numbers), tuple(coded),
            tuple(issuers), tuple(defines), title,
        )  # fmt: skip


class Columns:
    """The columns of some rows as arrays, their values coded by the dictionaries given (which
    grow with values not seen before)."""

    def __init__(self, rows: list[Row], code_of: dict[str, dict[str, int]]):
        self.ids = np.array([r.id for r in rows], dtype=np.int64)
        self.keys = [r.key for r in rows]
        self.authority = np.array([r.authority for r in rows], dtype=np.float64)
        self.in_force = np.array([r.in_force for r in rows], dtype=bool)
        self.lengths = np.array([len(r.body) for r in rows], dtype=np.int64)
        self.numbers = {
            name: np.array([r.numbers[at] for r in rows], dtype=np.int64)
            for at, name in enumerate(NUMBERS)
        }
        self.codes = {
            name: np.array(
                [code_of[name].setdefault(r.coded[at], len(code_of[name])) for r in rows],
                dtype=np.int32,
            )
            for at, name in enumerate(CODED)
        }
        issuers = code_of["issuer"]
        self.issuer_rows = np.array(
            [at for at, r in enumerate(rows) for _ in r.issuers], dtype=np.int64
        )
        self.issuer_codes = np.array(
            [issuers.setdefault(name, len(issuers)) for r in rows for name in r.issuers],
            dtype=np.int32,
        )
        self.defined: dict[str, list[int]] = {}
        for at, row in enumerate(rows):
            for term in row.defines:
                self.defined.setdefault(term, []).append(at)
        self.titles = [(at, r.title) for at, r in enumerate(rows) if r.title]

    @classmethod
    def joined(cls, parts: list[Columns]) -> Columns:
        """The columns of the parts' rows, one part after the other (coded alike)."""
        whole = cls.__new__(cls)
        offsets = np.cumsum([0] + [len(part.ids) for part in parts])
        for name in ("ids", "authority", "in_force", "lengths"):
            setattr(whole, name, np.concatenate([getattr(part, name) for part in parts]))
        whole.keys = [key for part in parts for key in part.keys]
        whole.numbers = {n: np.concatenate([p.numbers[n] for p in parts]) for n in NUMBERS}
        whole.codes = {n: np.concatenate([p.codes[n] for p in parts]) for n in CODED}
        whole.issuer_rows = np.concatenate(
            [p.issuer_rows + at for p, at in zip(parts, offsets, strict=False)]
        )
        whole.issuer_codes = np.concatenate([part.issuer_codes for part in parts])
        whole.defined = {}
        whole.titles = []
        for part, at in zip(parts, offsets, strict=False):
            for term, rows in part.defined.items():
                whole.defined.setdefault(term, []).extend(int(at) + row for row in rows)
            whole.titles += [(int(at) + row, title) for row, title in part.titles]
        return whole


class View:
    """The index as one state of it holds it: the loaded rows (the base: their texts in an
    `exact.Base`) and the rows changed since (the delta: texts searched by `in`), addressed by
    docnums — the base's rows first, in id order, then the delta's. Immutable."""

    def __init__(self, loaded: Loaded, delta: dict[int, Row | None], version):
        self.version = version
        self.loaded = loaded
        self.delta = delta
        self.base = loaded.base
        code_of = {name: dict(codes) for name, codes in loaded.code_of.items()}
        changed = [row for row in delta.values() if row is not None]
        changed.sort(key=lambda row: row.id)
        extra = Columns(changed, code_of)
        self.code_of = code_of
        self.values = {name: np.array(list(codes), dtype=object) for name, codes in code_of.items()}
        first = len(loaded.columns.ids)
        self.delta_start = first
        self.delta_texts = [(first + at, row.body) for at, row in enumerate(changed)]
        both = (loaded.columns, extra)
        self.ids = np.concatenate([c.ids for c in both])
        self.live = np.ones(len(self.ids), dtype=bool)
        if delta:
            self.live[:first] = ~np.isin(loaded.columns.ids, np.fromiter(delta, np.int64))
        self.authority = np.concatenate([c.authority for c in both])
        self.in_force = np.concatenate([c.in_force for c in both])
        self.lengths = np.concatenate([c.lengths for c in both])
        self.numbers = {n: np.concatenate([c.numbers[n] for c in both]) for n in NUMBERS}
        self.codes = {n: np.concatenate([c.codes[n] for c in both]) for n in CODED}
        self.issuer_docnums = np.concatenate(
            [loaded.columns.issuer_rows, extra.issuer_rows + first]
        )
        self.issuer_codes = np.concatenate([loaded.columns.issuer_codes, extra.issuer_codes])
        self._delta_docnum_of = {key: first + at for at, key in enumerate(extra.keys)}
        self._delta_defined = {t: [first + at for at in rows] for t, rows in extra.defined.items()}
        self._delta_titles = [(first + at, title) for at, title in extra.titles]
        self.live_docnums = np.flatnonzero(self.live)
        live_lengths = self.lengths[self.live_docnums]
        self.doc_count = len(self.live_docnums)
        self.average_length = float(live_lengths.mean()) if self.doc_count else 1.0

    # ------------------------------------------------------------ lookups

    def docnum_of(self, key: str) -> int | None:
        """The live document of an index id."""
        if key in self._delta_docnum_of:
            return self._delta_docnum_of[key]
        docnum = self.loaded.docnum_of.get(key)
        return docnum if docnum is not None and self.live[docnum] else None

    def docnums_of(self, keys) -> np.ndarray:
        found = sorted({d for key in keys if (d := self.docnum_of(key)) is not None})
        return np.array(found, dtype=np.int64)

    def defining(self, needles: list[str]) -> np.ndarray:
        """Live documents that define any of these terms (compacted)."""
        found = [self.loaded.columns.defined.get(n, ()) for n in needles]
        found += [self._delta_defined.get(n, ()) for n in needles]
        docnums = np.unique(np.array([d for part in found for d in part], dtype=np.int64))
        return docnums[self.live[docnums]]

    def titled(self, needle: str) -> np.ndarray:
        """Live regulations whose title (compacted) holds `needle`."""
        found = [d for d, title in self.loaded.columns.titles if needle in title]
        found += [d for d, title in self._delta_titles if needle in title]
        docnums = np.array(sorted(found), dtype=np.int64)
        return docnums[self.live[docnums]]

    def with_code(self, name: str, value: str) -> int:
        return self.code_of[name].get(value, _NO_CODE)

    # ------------------------------------------------------------ exact matching

    def hits(self, needle: str) -> Hits:
        """The live documents holding `needle` (compacted), scored by BM25 over its occurrences
        (exact.ExactView.hits)."""
        if not needle:
            return Hits(NO_DOCS, NO_SCORES)
        docnums, counts = [NO_DOCS], [NO_DOCS]
        if self.base is not None:
            found, found_counts = self.base.find(needle)
            keep = self.live[found]
            docnums.append(found[keep])
            counts.append(found_counts[keep])
        changed = [(d, text) for d, text in self.delta_texts if needle in text]
        if changed:
            docnums.append(np.array([d for d, _ in changed], dtype=np.int64))
            counts.append(np.array([count_in(t, needle) for _, t in changed], dtype=np.int64))
        docnums, counts = np.concatenate(docnums), np.concatenate(counts)
        scores = bm25(
            counts,
            self.lengths[docnums],
            average_length=self.average_length,
            doc_count=self.doc_count,
        )
        return Hits(docnums, scores)

    def body(self, docnum: int) -> str:
        if docnum >= self.delta_start:
            return self.delta_texts[docnum - self.delta_start][1]
        start, end = self.base.starts[docnum], self.base.starts[docnum + 1] - 1
        return np.asarray(self.base.text[start:end]).tobytes().decode("utf-32-le")


@dataclass
class Loaded:
    """Every row of the index as one snapshot held it."""

    epoch: int
    base: Base | None
    columns: Columns
    code_of: dict[str, dict[str, int]]
    docnum_of: dict[str, int]

    @classmethod
    def of(cls, epoch: int, batches: Iterable[list[Row]]) -> Loaded:
        """The rows read a batch at a time: only their columns and texts are kept."""
        code_of: dict[str, dict[str, int]] = {name: {} for name in (*CODED, "issuer")}
        parts, texts = [Columns([], code_of)], []
        for rows in batches:
            parts.append(Columns(rows, code_of))
            texts += [row.body for row in rows]
        columns = Columns.joined(parts)
        base = Base.in_memory(columns.keys, texts) if texts else None
        docnum_of = {key: at for at, key in enumerate(columns.keys)}
        return cls(epoch, base, columns, code_of, docnum_of)


class Mirror:
    """One database's index in this process: the rows loaded, the delta since, and the
    connection that reads them (its own: a snapshot of committed rows only, whatever the
    request's transaction holds)."""

    def __init__(self, alias: str):
        self.alias = alias
        self.lock = threading.Lock()
        self.loaded: Loaded | None = None
        self.delta: dict[int, Row | None] = {}
        self.snapshot = ""  # of the last read: the delta holds what committed until it
        self.view: View | None = None
        self._connection: psycopg.Connection | None = None
        self._pid = os.getpid()

    def current(self, version) -> View:
        """The view of the index at the state named `version` or later."""
        view = self.view
        if view is not None and view.version == version:
            return view
        with self.lock:
            if self.view is None or self.view.version != version:
                self.view = self._refresh()
            return self.view

    def _refresh(self) -> View:
        try:
            with self._connect().transaction():
                cursor = self._connection.cursor()
                cursor.execute(
                    "SELECT pg_current_snapshot()::text, (SELECT epoch FROM search_epoch),"
                    f" state.* FROM (SELECT {VERSION_COLUMNS} FROM search_stats) state"
                )
                snapshot, epoch, rows, newest = cursor.fetchone()
                version = (rows, newest)
                if self.loaded is None or self.loaded.epoch != epoch:
                    self._load(epoch, snapshot)
                else:
                    self._catch_up(cursor, snapshot)
        except psycopg.OperationalError as error:
            self._close()
            raise OperationalError(str(error)) from error
        return View(self.loaded, self.delta, version)

    def _load(self, epoch: int, snapshot: str) -> None:
        self.loaded = Loaded.of(epoch, self._every_row())
        self.delta, self.snapshot = {}, snapshot

    def _every_row(self) -> Iterator[list[Row]]:
        with self._connection.cursor(name="mirror_load") as cursor:  # on the server, in batches
            cursor.execute(f"SELECT {READ} FROM {TABLE} ORDER BY id")
            while records := cursor.fetchmany(LOAD_BATCH):
                yield [Row.of(record) for record in records]

    def _catch_up(self, cursor, snapshot: str) -> None:
        """The rows written and removed since the last read, on top of the delta."""
        since = self.snapshot
        newer = "written >= pg_snapshot_xmin(%(s)s::pg_snapshot) AND NOT " + (
            "pg_visible_in_snapshot(written, %(s)s::pg_snapshot)"
        )
        cursor.execute(f"SELECT id FROM search_removed WHERE {newer}", {"s": since})
        removed = [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT {READ} FROM {TABLE} WHERE {newer}", {"s": since})
        written = [Row.of(r) for r in cursor.fetchall()]
        delta = dict(self.delta)
        delta.update(dict.fromkeys(removed))
        delta.update((row.id, row) for row in written)
        if len(delta) > DELTA_LIMIT:
            self._load(self.loaded.epoch, snapshot)
        else:
            self.delta, self.snapshot = delta, snapshot

    def _connect(self) -> psycopg.Connection:
        if self._pid != os.getpid():  # forked: the parent's connection is not this process's
            self._connection, self._pid = None, os.getpid()
        if self._connection is None or self._connection.closed:
            params = connections[self.alias].get_connection_params()
            for name in ("context", "cursor_factory"):  # Django's, for its own connections
                params.pop(name, None)
            self._connection = psycopg.connect(**params)
            self._connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            self._connection.read_only = True
        return self._connection

    def _close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            finally:
                self._connection = None


def own_changes(connection) -> tuple[dict[int, Row | None], bool]:
    """The rows the current transaction of `connection` (a Django connection) has written or
    removed and not committed, by id (None: removed); and whether it has rebuilt the index."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT written = pg_current_xact_id() FROM search_epoch"  # rebuilt in it
        )
        (rebuilt,) = cursor.fetchone()
        if rebuilt:
            return {}, True
        cursor.execute("SELECT count(*) FROM search_entry WHERE written = pg_current_xact_id()")
        if cursor.fetchone()[0] > DELTA_LIMIT:
            return {}, True
        cursor.execute("SELECT id FROM search_removed WHERE written = pg_current_xact_id()")
        changes: dict[int, Row | None] = dict.fromkeys(row[0] for row in cursor.fetchall())
        cursor.execute(f"SELECT {READ} FROM {TABLE} WHERE written = pg_current_xact_id()")
        changes.update((row.id, row) for row in map(Row.of, cursor.fetchall()))
    return changes, False


def view_with_own_changes(view: View, connection) -> View | None:
    """`view` with the rows the current transaction of `connection` has written and not
    committed laid over it; None when that transaction has rebuilt the index or written more
    rows than a delta holds (its search is run in SQL)."""
    changes, rebuilt = own_changes(connection)
    if rebuilt:
        return None
    return View(view.loaded, {**view.delta, **changes}, ("own", view.version))


_MIRRORS: dict[str, Mirror] = {}
_MIRRORS_LOCK = threading.Lock()


def mirror_of(alias: str) -> Mirror:
    with _MIRRORS_LOCK:
        if alias not in _MIRRORS:
            _MIRRORS[alias] = Mirror(alias)
        return _MIRRORS[alias]


def mirrors_close() -> None:
    """Close every mirror's connection (a test database cannot be dropped while one is open)."""
    with _MIRRORS_LOCK:
        for mirror in _MIRRORS.values():
            with mirror.lock:
                mirror._close()
