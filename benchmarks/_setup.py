"""Point Django at a throw-away database and index before it starts (benchmarks only)."""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def throwaway_django(prefix: str, *, reuse: Path | None = None) -> Path:
    """Set Django up on a new temporary folder (or `reuse`, one kept from an earlier run)."""
    workdir = reuse.resolve() if reuse else Path(tempfile.mkdtemp(prefix=prefix))
    # The folder is VAR_DIR: the default SQLite database and Whoosh index live in it.
    os.environ["VAR_DIR"] = str(workdir)
    os.environ.pop("SEARCH_URL", None)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return workdir


def corpus_django(prefix: str, *, reuse: str | None) -> Path:
    """Django on a throw-away folder with the whole shipped corpus ingested, or on `reuse`, an
    ingested VAR_DIR kept from an earlier run (no ingestion)."""
    workdir = throwaway_django(prefix, reuse=Path(reuse) if reuse else None)
    if not reuse:
        from django.conf import settings

        from apps.ingest.services import corpus_ingest

        corpus_ingest(paths=[Path(settings.CORPUS_DIR)])
    return workdir
