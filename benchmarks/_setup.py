"""Point Django at a throw-away database and index before it starts (benchmarks only)."""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


POSTGRES_SERVER = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)


def throwaway_django(prefix: str, *, reuse: Path | None = None, search: str = "whoosh") -> Path:
    """Set Django up on a new temporary folder (or `reuse`, one kept from an earlier run).

    The folder is VAR_DIR: the default SQLite database and Whoosh index live in it; with
    `search="postgres"`, a new database of BENCH_POSTGRES_URL's server holds the records and the
    index instead (SEARCH_URL=postgres:), dropped when the process ends."""
    workdir = reuse.resolve() if reuse else Path(tempfile.mkdtemp(prefix=prefix))
    os.environ["VAR_DIR"] = str(workdir)
    os.environ.pop("SEARCH_URL", None)
    os.environ.pop("DATABASE_URL", None)
    if search == "postgres":
        os.environ["DATABASE_URL"] = _throwaway_database(f"fagui_bench_{workdir.name}")
        os.environ["SEARCH_URL"] = "postgres:"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return workdir


def _throwaway_database(name: str) -> str:
    """A new database named `name` (or the one kept by an earlier run of that name)."""
    import atexit
    from urllib.parse import urlparse

    import psycopg

    name = "".join(c if c.isalnum() else "_" for c in name).lower()
    server = urlparse(POSTGRES_SERVER)
    with psycopg.connect(POSTGRES_SERVER, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not exists.fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        if os.environ.get("BENCH_KEEP_DATABASE"):
            return
        with psycopg.connect(POSTGRES_SERVER, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    atexit.register(drop)
    return server._replace(path=f"/{name}").geturl()


def corpus_django(prefix: str, *, reuse: str | None) -> Path:
    """Django on a throw-away folder with the whole shipped corpus ingested, or on `reuse`, an
    ingested VAR_DIR kept from an earlier run (no ingestion)."""
    workdir = throwaway_django(prefix, reuse=Path(reuse) if reuse else None)
    if not reuse:
        from django.conf import settings

        from apps.ingest.services import corpus_ingest

        corpus_ingest(paths=[Path(settings.CORPUS_DIR)])
    return workdir
