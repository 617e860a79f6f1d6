"""The PostgreSQL search backend's tables (SEARCH_URL=postgres:), created on PostgreSQL only.

`CREATE EXTENSION pg_trgm` needs the CREATE privilege on the database (pg_trgm is a trusted
extension since PostgreSQL 13) or a superuser; where the application's role has neither, an
administrator runs it once beforehand and this migration finds it there.
"""

from django.db import migrations

SCHEMA_SQL = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- One row per indexed record; `id` is its document number (ties in the ranking go by it).
CREATE TABLE search_entry (
    id bigserial PRIMARY KEY,
    key text NOT NULL UNIQUE,               -- 'policies.clause.12'
    django_ct text NOT NULL,
    django_id text NOT NULL,
    body text NOT NULL,                     -- the text as matched: folded, without spaces
    length integer NOT NULL,
    grams text[] NOT NULL,                  -- its distinct characters and bigrams
    words tsvector NOT NULL,                -- jieba's words, with their positions
    word_count integer NOT NULL,
    defines text[] NOT NULL,                -- the terms the text defines (X，是指…)
    title text NOT NULL,                    -- a regulation's title and short title, as matched
    content_type text NOT NULL,
    level text NOT NULL,
    province text NOT NULL,
    city text NOT NULL,
    status text NOT NULL,
    year text NOT NULL,
    publication text NOT NULL,
    regulation text NOT NULL,
    number text NOT NULL,
    suffix text NOT NULL,
    issuers text[] NOT NULL,
    date integer NOT NULL,                  -- day ordinals, 0 when unknown
    valid_from integer NOT NULL,
    valid_until integer NOT NULL,
    lineage bigint NOT NULL,
    authority double precision NOT NULL,
    in_force boolean NOT NULL,
    stamp bigint NOT NULL
);
-- Substrings of three characters or more; one and two characters through `grams`.
CREATE INDEX search_entry_body_trgm ON search_entry USING gin (body gin_trgm_ops);
CREATE INDEX search_entry_grams ON search_entry USING gin (grams);
CREATE INDEX search_entry_words ON search_entry USING gin (words);
CREATE INDEX search_entry_defines ON search_entry USING gin (defines);
CREATE INDEX search_entry_title_trgm ON search_entry USING gin (title gin_trgm_ops)
    WHERE content_type = 'regulation';
CREATE INDEX search_entry_number ON search_entry (number, suffix)
    WHERE content_type = 'clause';
CREATE INDEX search_entry_regulation ON search_entry (regulation);

-- What BM25 needs (documents, their characters and words), kept by the writes themselves: a
-- row per write statement, summed by readers and folded into one row now and then. The rows'
-- count and newest id name the index's state, for the caches of every app server.
CREATE TABLE search_stats (
    id bigserial PRIMARY KEY,
    documents bigint NOT NULL,
    length bigint NOT NULL,
    words bigint NOT NULL
);

CREATE FUNCTION search_stats_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_stats (documents, length, words)
    SELECT count(*), sum(length), sum(word_count) FROM added HAVING count(*) > 0;
    RETURN NULL;
END $$;

CREATE FUNCTION search_stats_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_stats (documents, length, words)
    SELECT -count(*), -sum(length), -sum(word_count) FROM removed HAVING count(*) > 0;
    RETURN NULL;
END $$;

CREATE FUNCTION search_stats_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_stats (documents, length, words)
    SELECT 0, (SELECT coalesce(sum(length), 0) FROM added) - (SELECT coalesce(sum(length), 0) FROM removed),
           (SELECT coalesce(sum(word_count), 0) FROM added) - (SELECT coalesce(sum(word_count), 0) FROM removed)
    WHERE EXISTS (SELECT 1 FROM added);
    RETURN NULL;
END $$;

CREATE TRIGGER search_stats_insert AFTER INSERT ON search_entry
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION search_stats_added();
CREATE TRIGGER search_stats_delete AFTER DELETE ON search_entry
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION search_stats_removed();
CREATE TRIGGER search_stats_update AFTER UPDATE ON search_entry
    REFERENCING NEW TABLE AS added OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION search_stats_changed();
"""

DROP_SQL = """
DROP TABLE IF EXISTS search_entry;
DROP TABLE IF EXISTS search_stats;
DROP FUNCTION IF EXISTS search_stats_added();
DROP FUNCTION IF EXISTS search_stats_removed();
DROP FUNCTION IF EXISTS search_stats_changed();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SCHEMA_SQL)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL)


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create, drop)]
