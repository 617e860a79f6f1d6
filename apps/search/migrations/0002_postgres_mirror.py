"""What each app server's mirror of the PostgreSQL index reads to stay current (PostgreSQL only).

Every row carries the transaction that last wrote it (`written`), every removed row leaves its
id in `search_removed`, and a rebuild moves `search_epoch` on: a mirror taken in one snapshot
is brought up to the next by reading only what committed in between (postgres/mirror.py).
"""

from django.db import migrations

SCHEMA_SQL = """
ALTER TABLE search_entry ADD COLUMN written xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX search_entry_written ON search_entry (written);

CREATE TABLE search_removed (
    id bigint NOT NULL,
    written xid8 NOT NULL DEFAULT pg_current_xact_id()
);
CREATE INDEX search_removed_written ON search_removed (written);

-- One row: a rebuild replaces every row, and every mirror loads them again.
CREATE TABLE search_epoch (
    epoch bigint NOT NULL,
    written xid8 NOT NULL DEFAULT pg_current_xact_id()
);
INSERT INTO search_epoch (epoch) VALUES (1);

CREATE FUNCTION search_entry_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_removed (id) SELECT id FROM removed;
    RETURN NULL;
END $$;

CREATE TRIGGER search_entry_removed AFTER DELETE ON search_entry
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION search_entry_removed();
"""

DROP_SQL = """
DROP TRIGGER IF EXISTS search_entry_removed ON search_entry;
DROP FUNCTION IF EXISTS search_entry_removed();
DROP TABLE IF EXISTS search_epoch;
DROP TABLE IF EXISTS search_removed;
ALTER TABLE search_entry DROP COLUMN IF EXISTS written;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SCHEMA_SQL)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_postgres_index")]

    operations = [migrations.RunPython(create, drop)]
