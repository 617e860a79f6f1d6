"""The change log's order: a cursor never passes an entry that commits later.

These run against both engines whatever the suite's database is: a scratch PostgreSQL database
(the server every run has at 127.0.0.1) and a scratch SQLite file, each with the change table, a
table with the triggers the apps install, and the feed's own query (`feed_sql`).
"""

import sqlite3
import threading
import uuid

import psycopg
import pytest

from apps.core.changes import Trigger, feed_sql, record_triggers

TABLE = "CREATE TABLE synced (id {serial} PRIMARY KEY, slug TEXT NOT NULL)"
CHANGE = (
    "CREATE TABLE core_change (id {serial} PRIMARY KEY, txid BIGINT NOT NULL, at {stamp},"
    " kind TEXT, action TEXT, object_id BIGINT, slug TEXT, number INTEGER, suffix TEXT)"
)
TRIGGERS: list[Trigger] = record_triggers(
    name="synced", table="synced", kind="regulation", select="{row}.id, {row}.slug, NULL, ''"
)


def _feed(cursor, rows: list[tuple]) -> tuple[tuple[int, int], list[tuple]]:
    """The entries after `cursor` and the cursor after them (as a client keeps it)."""
    return (rows[-1][1], rows[-1][0]) if rows else cursor, rows


@pytest.fixture
def scratch_postgres():
    name = f"changes_{uuid.uuid4().hex[:12]}"
    admin = psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True)
    admin.execute(f"CREATE DATABASE {name}")
    dsn = f"host=127.0.0.1 user=postgres dbname={name}"
    with psycopg.connect(dsn, autocommit=True) as setup:
        setup.execute(TABLE.format(serial="BIGSERIAL"))
        setup.execute(CHANGE.format(serial="BIGSERIAL", stamp="TIMESTAMPTZ"))
        for trigger in TRIGGERS:
            for sql in trigger.create("postgresql"):
                setup.execute(sql)
        setup.execute("INSERT INTO synced (slug) VALUES ('a'), ('b')")
    yield dsn
    admin.execute(f"DROP DATABASE {name} WITH (FORCE)")
    admin.close()


def test_postgresql_a_transaction_that_commits_late_is_not_passed_by_the_cursor(
    scratch_postgres,
):
    early = psycopg.connect(scratch_postgres)  # draws its id first, commits last
    late = psycopg.connect(scratch_postgres)
    reader = psycopg.connect(scratch_postgres, autocommit=True)
    sql = feed_sql("postgresql")

    def read(cursor):
        rows = reader.execute(
            sql.replace("%s", "{}").format(cursor[0], cursor[0], cursor[1], 100)
        ).fetchall()
        return _feed(cursor, rows)

    cursor, created = read((0, 0))
    assert [row[5] for row in created] == [1, 2]  # both rows' creation, in order
    early.execute("UPDATE synced SET slug = 'a2' WHERE id = 1")
    late.execute("UPDATE synced SET slug = 'b2' WHERE id = 2")
    late.commit()
    # The naive order (by id, committed rows only) already hands out the later entry, and a
    # cursor past it would never see the earlier one, committed after.
    naive = reader.execute(
        "SELECT id FROM core_change WHERE id > %s ORDER BY id", (cursor[1],)
    ).fetchall()
    assert len(naive) == 1
    cursor, served = read(cursor)
    assert served == [], "an entry is served while an older transaction may still commit"
    early.commit()
    cursor, served = read(cursor)
    assert [(row[4], row[5], row[6]) for row in served] == [
        ("updated", 1, "a2"),
        ("updated", 2, "b2"),
    ]
    assert read(cursor)[1] == []
    for connection in (early, late, reader):
        connection.close()


def test_postgresql_a_transaction_in_another_database_does_not_hold_the_feed_back(
    scratch_postgres,
):
    """Transaction ids are the cluster's: a long transaction of another database (a load, a
    test run beside) is older than the entries committed since, and must not stop them."""
    elsewhere = psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres")
    elsewhere.execute("SELECT pg_current_xact_id()")  # holds an id, and stays open
    writer = psycopg.connect(scratch_postgres, autocommit=True)
    reader = psycopg.connect(scratch_postgres, autocommit=True)
    writer.execute("UPDATE synced SET slug = 'a3' WHERE id = 1")
    sql = feed_sql("postgresql").replace("%s", "{}").format(0, 0, 0, 100)
    served = reader.execute(sql).fetchall()
    assert [(row[4], row[6]) for row in served][-1] == ("updated", "a3")
    # A transaction of this database still holds back what committed after it began.
    early = psycopg.connect(scratch_postgres)
    early.execute("UPDATE synced SET slug = 'b3' WHERE id = 2")
    writer.execute("UPDATE synced SET slug = 'a4' WHERE id = 1")
    last = served[-1]
    after = feed_sql("postgresql").replace("%s", "{}").format(last[1], last[1], last[0], 100)
    assert reader.execute(after).fetchall() == []
    early.commit()
    assert [row[6] for row in reader.execute(after).fetchall()] == ["b3", "a4"]
    for connection in (elsewhere, writer, reader, early):
        connection.close()


def test_sqlite_has_one_writer_so_ids_follow_commit_order(tmp_path):
    path = tmp_path / "changes.sqlite3"
    with sqlite3.connect(path) as setup:
        setup.execute(TABLE.format(serial="INTEGER"))
        setup.execute(CHANGE.format(serial="INTEGER", stamp="TEXT"))
        for trigger in TRIGGERS:
            for sql in trigger.create("sqlite"):
                setup.execute(sql)
        setup.execute("INSERT INTO synced (slug) VALUES ('a'), ('b')")
    setup.close()
    early = sqlite3.connect(path, isolation_level=None, timeout=10)
    early.execute("BEGIN")
    early.execute("UPDATE synced SET slug = 'a2' WHERE id = 1")
    done = threading.Event()

    def write_late():
        late = sqlite3.connect(path, isolation_level=None, timeout=10)
        late.execute("UPDATE synced SET slug = 'b2' WHERE id = 2")  # autocommit: waits
        late.close()
        done.set()

    writer = threading.Thread(target=write_late)
    writer.start()
    assert not done.wait(0.5), "a second writer went ahead while the first was open"
    early.execute("COMMIT")
    writer.join(10)
    assert done.is_set()
    rows = early.execute(
        feed_sql("sqlite").replace("%s", "?"), (0, 0, 2, 100)
    ).fetchall()  # after the two creations
    assert [(row[5], row[6]) for row in rows] == [(1, "a2"), (2, "b2")]
    early.close()
