import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.request import urlopen

import haystack
import pytest
from django.conf import settings
from django.core.cache import cache

from apps.policies.services import corpus_ingest


@pytest.fixture(scope="session", autouse=True)
def search_index_dir(tmp_path_factory):
    """Tests never touch the developer's index: the Whoosh index lives in a temporary folder."""
    info = haystack.connections.connections_info["default"]
    if info["ENGINE"].endswith("ChineseWhooshEngine"):
        info["PATH"] = str(tmp_path_factory.mktemp("whoosh"))
        haystack.connections.reload("default")
    return info.get("PATH")


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: pages cached by another test's (rolled back) edits
    must not be served to it."""
    cache.clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, search_index_dir):
    """The bundled corpus, ingested once for the whole session (tests read it, and roll back)."""
    with django_db_blocker.unblock():
        report = corpus_ingest(paths=[settings.CORPUS_DIR])
    failed = [(f.path, f.message) for f in report.failed]
    assert not failed, failed


ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def live_site(tmp_path_factory):
    """gunicorn serving the bundled corpus from a throw-away SQLite database and index."""
    workdir = tmp_path_factory.mktemp("site")
    env = {
        **os.environ,
        "VAR_DIR": str(workdir),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "SEARCH_URL": f"whoosh://{workdir / 'index'}",
        "API_ANON_THROTTLE": "100000/minute",
    }
    python = sys.executable
    commands = (["migrate", "-v0"], ["ingest", "-v0"], ["collectstatic", "--noinput", "-v0"])
    for command in commands:
        subprocess.run([python, "manage.py", *command], cwd=ROOT, env=env, check=True)
    log = open(workdir / "server.log", "wb")  # noqa: SIM115 - closed after the server stops
    port = _free_port()
    server = subprocess.Popen(
        [
            python,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "4",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urlopen(base + "/", timeout=2)
            break
        except OSError:
            time.sleep(0.2)
    else:
        server.kill()
        raise RuntimeError((workdir / "server.log").read_text())
    yield base
    server.terminate()
    server.wait(timeout=10)
    log.close()
