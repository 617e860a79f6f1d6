"""The change log behind the change feed: the triggers that write it, its cursor, and its reads.

Triggers, not signals: ingestion writes clauses with bulk_create, cascades and queryset updates
send no signal, and a feed that misses one write leaves every mirror silently wrong. The apps
whose records are synced install triggers for their tables in a migration (`install` /
`uninstall`), on SQLite and PostgreSQL alike.

Order. SQLite has one writer at a time, so ids follow commit order. On PostgreSQL ids are drawn
before commit, and a transaction that drew a lower id may commit after a reader passed it; so each
entry records its transaction id, the feed is read in (txid, id) order, and only entries whose
transaction is older than the oldest one still running are served: nothing can appear behind a
cursor any more.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.db import connection
from django.db.models import QuerySet
from django.utils.dateparse import parse_date, parse_datetime

from .exceptions import ApiError
from .models import Change, ChangeHorizon

COLUMNS = "txid, at, kind, action, object_id, slug, number, suffix"
_STAMP = {
    # Milliseconds written as Django writes a time (six digits), so that times compare as text.
    "sqlite": "0, strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'",
    "postgresql": "pg_current_xact_id()::text::bigint, clock_timestamp()",
}


def _log_sql(vendor: str, kind: str, action: str, select: str) -> str:
    """Log `action` for the `kind` records that `select` names (object_id, slug, number,
    suffix, optionally followed by FROM/WHERE)."""
    return (
        f"INSERT INTO core_change ({COLUMNS}) "
        f"SELECT {_STAMP[vendor]}, '{kind}', '{action}', {select}"
    )


@dataclass(frozen=True)
class Trigger:
    """After `event` on `table`, log `action` for the `kind` records that `select` names.

    `select` gives object_id, slug, number, suffix (with `{row}` for NEW or OLD), optionally
    followed by FROM/WHERE for several records; `when` is a condition on OLD and NEW.
    """

    name: str
    table: str
    event: str  # INSERT, UPDATE or DELETE
    kind: str
    action: str
    select: str
    when: str = ""

    def statement(self, vendor: str) -> str:
        row = "OLD" if self.event == "DELETE" else "NEW"
        return _log_sql(vendor, self.kind, self.action, self.select.format(row=row))

    def create(self, vendor: str) -> list[str]:
        if vendor == "sqlite":
            when = f" WHEN {self.when}" if self.when else ""
            return [
                f"CREATE TRIGGER {self.name} AFTER {self.event} ON {self.table} FOR EACH ROW"
                f"{when} BEGIN {self.statement(vendor)}; END"
            ]
        when = f" WHEN ({self.when})" if self.when else ""
        return [
            f"CREATE OR REPLACE FUNCTION {self.name}() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN {self.statement(vendor)}; RETURN NULL; END $$",
            f"CREATE TRIGGER {self.name} AFTER {self.event} ON {self.table} FOR EACH ROW"
            f"{when} EXECUTE FUNCTION {self.name}()",
        ]

    def drop(self, vendor: str) -> list[str]:
        if vendor == "sqlite":
            return [f"DROP TRIGGER IF EXISTS {self.name}"]
        return [
            f"DROP TRIGGER IF EXISTS {self.name} ON {self.table}",
            f"DROP FUNCTION IF EXISTS {self.name}()",
        ]


def record_triggers(
    *, name: str, table: str, kind: str, select: str = "{row}.id, '', NULL, ''"
) -> list[Trigger]:
    """The three triggers of a synced table: created, updated, deleted."""
    return [
        Trigger(f"change_{name}_{event.lower()}", table, event, kind, action, select)
        for event, action in (("INSERT", "created"), ("UPDATE", "updated"), ("DELETE", "deleted"))
    ]


def install(schema_editor, triggers: list[Trigger]) -> None:
    """Create the triggers (for a migration's RunPython)."""
    vendor = schema_editor.connection.vendor
    for trigger in triggers:
        for sql in trigger.drop(vendor) + trigger.create(vendor):
            schema_editor.execute(sql)


def uninstall(schema_editor, triggers: list[Trigger]) -> None:
    vendor = schema_editor.connection.vendor
    for trigger in triggers:
        for sql in trigger.drop(vendor):
            schema_editor.execute(sql)


def backfill(schema_editor, *, kind: str, table: str, select: str) -> None:
    """Log every existing row of `table` as created (records written before the log existed)."""
    rows = f"{select.format(row=table)} FROM {table} ORDER BY {table}.id"
    schema_editor.execute(_log_sql(schema_editor.connection.vendor, kind, "created", rows))


# ---------------------------------------------------------------- cursor and reads

_CURSOR = re.compile(r"^(?:(\d{1,9})\.)?(\d{1,19})\.(\d{1,19})$")
_BIGINT = 2**63 - 1
_BAD_SINCE = (
    "since 应为上次应答中的 cursor（如 0.0.1234）或 ISO 8601 时间（如 2026-12-01T00:00:00Z）。"
)


@dataclass(frozen=True)
class Cursor:
    """A position in the feed (after the entry `txid`.`id`) and the pruning generation it was
    handed out in. Written '<generation>.<txid>.<id>'."""

    txid: int = 0
    id: int = 0
    generation: int = 0

    @property
    def position(self) -> tuple[int, int]:
        return (self.txid, self.id)

    def __str__(self) -> str:
        return f"{self.generation}.{self.txid}.{self.id}"

    def after(self, change: Change) -> Cursor:
        return Cursor(change.txid, change.id, self.generation)


@dataclass(frozen=True)
class Horizon:
    """The newest tombstone pruning removed, and how many prunings have removed any."""

    position: tuple[int, int] = (0, 0)
    generation: int = 0


def horizon() -> Horizon:
    row = ChangeHorizon.objects.filter(pk=1).first()
    if row is None:
        return Horizon()
    return Horizon((row.pruned_txid, row.pruned_id), row.generation)


def cursor_expired(cursor: Cursor, limit: Horizon, *, from_time: bool) -> bool:
    """May a client at `cursor` have missed a deletion whose tombstone is gone (`limit`)?

    From the start it has no copy to leave stale. A cursor handed out before the last pruning
    that lies behind the newest tombstone removed may have. A time names no generation: behind
    that tombstone is too late."""
    if cursor.position == (0, 0):
        return False
    behind = cursor.position < limit.position
    return behind if from_time else behind and cursor.generation < limit.generation


def cursor_parse(value: str) -> Cursor:
    match = _CURSOR.match(value.strip())
    if not match or max(int(match[2]), int(match[3])) > _BIGINT:
        raise ApiError(_BAD_SINCE, fields={"since": ["无效的游标或时间"]})
    return Cursor(int(match[2]), int(match[3]), int(match[1] or 0))


MAX_OFFSET = timedelta(hours=14)  # the widest of the world's time zones (PostgreSQL: 15:59)


def moment_parse(value: str, *, name: str) -> datetime:
    """An ISO 8601 time ('2026-12-01T08:00:00+08:00', 'Z' for UTC) or day ('2026-12-01', at
    midnight UTC); a time without its offset is UTC. Down to the millisecond: SQLite's clock,
    which stamps the log, counts no finer (so a change in the same millisecond is included)."""
    value = value.strip()
    try:
        moment = parse_datetime(value) or (
            datetime.combine(day, time.min) if (day := parse_date(value)) else None
        )
    except ValueError:
        moment = None
    offset = moment.utcoffset() if moment is not None else None
    if moment is None or not 1900 <= moment.year <= 2100 or (offset and abs(offset) > MAX_OFFSET):
        raise ApiError(
            f"{name} 应为 ISO 8601 时间（如 2026-12-01T00:00:00Z）或日期（如 2026-12-01）。",
            fields={name: ["无效的时间"]},
        )
    moment = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def since_parse(value: str) -> tuple[Cursor, bool]:
    """`since`: a cursor from an earlier answer, or a time (the entries logged from then on)
    → (the cursor, whether it came from a time; such a cursor names no pruning generation)."""
    if _CURSOR.match(value.strip()):
        return cursor_parse(value), False
    try:
        return cursor_before(moment_parse(value, name="since")), True
    except ApiError:
        raise ApiError(_BAD_SINCE, fields={"since": ["无效的游标或时间"]}) from None


def changed_since(queryset: QuerySet, *, kind: str, moment: datetime) -> QuerySet:
    """The records of `queryset` created or updated at or after `moment` (by the change log,
    which also sees bulk writes that leave `updated_at` alone)."""
    changed = Change.objects.filter(kind=kind, at__gte=moment).exclude(action="deleted")
    return queryset.filter(pk__in=changed.values("object_id"))


def cursor_before(moment: datetime) -> Cursor:
    """The position just before the first entry logged at or after `moment`."""
    first = (
        Change.objects.filter(at__gte=moment).order_by("txid", "id").values("txid", "id").first()
    )
    if first is None:
        return _last_position()
    return Cursor(first["txid"], first["id"] - 1)


def _last_position() -> Cursor:
    last = Change.objects.order_by("-txid", "-id").values("txid", "id").first()
    return Cursor(last["txid"], last["id"]) if last else Cursor()


def cursor_latest() -> Cursor:
    """The cursor after every entry logged so far, in the current pruning generation."""
    last = _last_position()
    return Cursor(last.txid, last.id, horizon().generation)


# The oldest transaction of this database still running when the statement's snapshot was
# taken (else the snapshot's xmax: every transaction before it has ended). Transactions of the
# cluster's other databases never write this feed, and are left out: a long load elsewhere must
# not hold it back. A transaction that ended between the snapshot and the reading of
# pg_stat_activity is found in no database and counts as this one's (it only holds the feed
# back a moment); a backend whose xid the reader may not see counts as this database's too.
_HORIZON = (
    "(SELECT coalesce(min(running.xid), pg_snapshot_xmax(pg_current_snapshot())::text::bigint)"
    " FROM (SELECT xip::text::bigint AS xid FROM pg_snapshot_xip(pg_current_snapshot()) xip)"
    " running WHERE mod(running.xid, 4294967296) NOT IN ("
    "SELECT backend_xid::text::bigint FROM pg_stat_activity"
    " WHERE backend_xid IS NOT NULL AND datname IS DISTINCT FROM current_database()))"
)


def feed_sql(vendor: str) -> str:
    """The feed's query: entries after a cursor (txid, txid, id) in feed order, at most `limit`.

    On PostgreSQL only entries of transactions older than the oldest one of this database still
    running are served (`_HORIZON`, from the statement's own snapshot); a transaction also sees
    its own entries (a test's; a request that reads the feed writes nothing)."""
    settled = ""
    if vendor == "postgresql":
        settled = (
            f" AND (txid < {_HORIZON}"
            " OR txid = COALESCE(pg_current_xact_id_if_assigned()::text::bigint, -1))"
        )
    return (
        f"SELECT id, {COLUMNS} FROM core_change"
        f" WHERE (txid > %s OR (txid = %s AND id > %s)){settled}"
        " ORDER BY txid, id LIMIT %s"
    )


def changes_after(cursor: Cursor, *, limit: int) -> list[Change]:
    """Up to `limit` entries after `cursor`, in feed order (`feed_sql`)."""
    params = [cursor.txid, cursor.txid, cursor.id, limit]
    return list(Change.objects.raw(feed_sql(connection.vendor), params))
