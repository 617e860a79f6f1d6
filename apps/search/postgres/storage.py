"""The PostgreSQL index's rows: made from haystack's prepared documents, written in the caller's
transaction, and the index's state (what BM25 needs, and a name for the caches)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import connection, connections

from apps.core.replicas import read_database
from apps.policies.models import Status

from ..analysis import cut_words
from ..exact import compact
from ..ranking import (
    AMENDING_ACT,
    AMENDING_ACT_WEIGHT,
    LEVEL_WEIGHTS,
    OTHER_WEIGHT,
    STATUS_WEIGHTS,
    defined_terms,
)

TABLE = "search_entry"
COLUMNS = (
    "key", "django_ct", "django_id", "body", "length", "grams", "words", "word_count",
    "defines", "title", "content_type", "level", "province", "city", "status", "year",
    "publication", "regulation", "number", "suffix", "issuers", "date", "valid_from",
    "valid_until", "lineage", "authority", "in_force", "stamp",
)  # fmt: skip
FACET_COLUMNS = ("content_type", "level", "province", "city", "status", "year", "publication")
FACET_COLUMNS += ("regulation", "number", "suffix")
MAX_POSITION = 16383  # a tsvector's last position: words past it share it
STATS_ROWS_KEPT = 200  # rows of search_stats past which a writer folds them into one
_UPSERT = (
    f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) VALUES "
    f"({', '.join('%s::tsvector' if c == 'words' else '%s' for c in COLUMNS)}) "
    f"ON CONFLICT (key) DO UPDATE SET "
    + ", ".join(f"{c} = EXCLUDED.{c}" for c in COLUMNS if c != "key")
    + ", written = pg_current_xact_id()"  # what mirrors read to catch up (postgres/mirror.py)
)


def authority_of(level: str, status: str, regulation: str) -> float:
    """The weight of a document's 效力级别, times that of its status and of an amending act
    (ranking.authority_weights, for one document)."""
    weight = LEVEL_WEIGHTS.get(level, OTHER_WEIGHT) * STATUS_WEIGHTS.get(status, 1.0)
    return weight * (AMENDING_ACT_WEIGHT if AMENDING_ACT.search(regulation) else 1.0)


def words_vector(words: list[str]) -> str:
    """A tsvector literal of jieba's words with their positions (1, 2 …)."""
    positions: dict[str, list[int]] = {}
    for at, word in enumerate(words, start=1):
        positions.setdefault(word, []).append(min(at, MAX_POSITION))
    return " ".join(
        "'"
        + word.replace("\\", "\\\\").replace("'", "''")
        + "':"
        + ",".join(map(str, dict.fromkeys(at)))
        for word, at in positions.items()
    )


def short_grams(body: str) -> list[str]:
    """The distinct characters and bigrams of a text: what one- and two-character queries find
    it by (pg_trgm needs three)."""
    return sorted(set(body) | {body[i : i + 2] for i in range(len(body) - 1)})


def _day(value) -> int:
    return value.toordinal() if isinstance(value, date) else int(value or 0)


def entry_row(doc: dict) -> tuple:
    """The row of a document haystack prepared (SearchIndex.full_prepare)."""
    body = compact(doc.get("chars") or "")
    words = [w.strip() for w in cut_words(doc.get("text") or "")]
    values = {name: str(doc.get(name) or "") for name in FACET_COLUMNS}
    values.update(
        key=doc["id"],
        django_ct=doc["django_ct"],
        django_id=str(doc["django_id"]),
        body=body,
        length=len(body),
        grams=short_grams(body),
        words=words_vector(words),
        word_count=len(words),
        defines=sorted(defined_terms(body)),
        title=compact(doc.get("title_chars") or ""),
        issuers=[str(name) for name in doc.get("issuer") or ()],
        date=_day(doc.get("date")),
        valid_from=int(doc.get("valid_from") or 0),
        valid_until=int(doc.get("valid_until") or 0),
        lineage=int(doc.get("lineage") or 0),
        authority=authority_of(values["level"], values["status"], values["regulation"]),
        in_force=values["status"] == Status.IN_FORCE,
        stamp=int(doc.get("stamp") or 0),
    )
    return tuple(values[name] for name in COLUMNS)


def entries_write(rows: list[tuple]) -> None:
    """Add or replace these rows (by key), in the current transaction."""
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(_UPSERT, rows)
        _stats_fold_if_long()


def entries_delete(keys: Iterable[str]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE key = ANY(%s)", [list(keys)])
    _stats_fold_if_long()


def entries_delete_type(django_cts: list[str]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE django_ct = ANY(%s)", [django_cts])


def entries_replace(batches: Iterable[list[tuple]]) -> int:
    """Every row replaced by the rows of `batches`, in the current transaction; other writers
    wait for it (readers do not: they read the rows before it until it commits). A batch is
    written at a time: the next one may be read from the database meanwhile."""
    written = 0
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {TABLE} IN EXCLUSIVE MODE")
        cursor.execute(f"DELETE FROM {TABLE}")
        # Every mirror loads the new rows whole: the removed ones need not be listed.
        cursor.execute("DELETE FROM search_removed")
        cursor.execute("UPDATE search_epoch SET epoch = epoch + 1, written = pg_current_xact_id()")
        for rows in batches:
            with cursor.cursor.copy(f"COPY {TABLE} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            written += len(rows)
        cursor.execute(f"ANALYZE {TABLE}")  # the planner's statistics of the new rows
    stats_fold()
    return written


def entry_stamps() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, stamp FROM {TABLE}")
        return dict(cursor.fetchall())


@dataclass(frozen=True)
class IndexState:
    """What BM25 needs, and a name for this state of the index (changed by every write)."""

    version: tuple[int, int]
    documents: int
    length: int
    words: int
    # The id of the reading transaction when it has written (its rows are not in any mirror).
    writer: int | None = None

    @property
    def average_length(self) -> float:
        return self.length / self.documents if self.documents else 1.0

    @property
    def average_words(self) -> float:
        return self.words / self.documents if self.documents else 1.0


def reading():
    """The connection a search reads from: this request's replica, or the primary."""
    return connections[read_database()]


# The index's version: it changes with every write (a row per write) and every fold (a new id).
VERSION_COLUMNS = "count(*), coalesce(max(id), 0)"


def index_state() -> IndexState:
    with reading().cursor() as cursor:
        cursor.execute(
            f"SELECT {VERSION_COLUMNS}, coalesce(sum(documents), 0),"
            " coalesce(sum(length), 0), coalesce(sum(words), 0),"
            " pg_current_xact_id_if_assigned()::text::bigint FROM search_stats"
        )
        rows, newest, documents, length, words, writer = cursor.fetchone()
    return IndexState((rows, newest), int(documents), int(length), int(words), writer)


def stats_fold() -> None:
    """search_stats as one row (the writes' rows summed). Rows another transaction is folding
    are skipped, not waited for: a fold never holds up a write, nor deadlocks with one."""
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH gone AS (DELETE FROM search_stats WHERE id IN (SELECT id FROM search_stats"
            " FOR UPDATE SKIP LOCKED) RETURNING documents, length, words) "
            "INSERT INTO search_stats (documents, length, words) "
            "SELECT sum(documents), sum(length), sum(words) FROM gone HAVING count(*) > 0"
        )


def _stats_fold_if_long() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM search_stats")
        if cursor.fetchone()[0] > STATS_ROWS_KEPT:
            stats_fold()
