import haystack
import pytest
from django.conf import settings

from apps.policies.services import corpus_ingest


@pytest.fixture(scope="session", autouse=True)
def search_index_dir(tmp_path_factory):
    """Tests never touch the developer's index: the Whoosh index lives in a temporary folder."""
    info = haystack.connections.connections_info["default"]
    if info["ENGINE"].endswith("ChineseWhooshEngine"):
        info["PATH"] = str(tmp_path_factory.mktemp("whoosh"))
        haystack.connections.reload("default")
    return info.get("PATH")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, search_index_dir):
    """The bundled corpus, ingested once for the whole session (tests read it, and roll back)."""
    with django_db_blocker.unblock():
        report = corpus_ingest(paths=[settings.CORPUS_DIR / "laws"])
    failed = [(f.path, f.message) for f in report.failed]
    assert not failed, failed
