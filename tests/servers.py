"""Real processes for tests that attack the running system: gunicorn and a private PostgreSQL."""

from __future__ import annotations

import atexit
import contextlib
import glob
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode, urlparse
from urllib.request import Request, urlopen

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def search_in_postgres() -> bool:
    """Whether this run of the suite tests the PostgreSQL search backend (SEARCH_URL=postgres:)."""
    return os.environ.get("SEARCH_URL", "").startswith("postgres")


def site_env(workdir: Path, **extra: str) -> dict[str, str]:
    """Production-like settings on a throw-away folder: SQLite and the Whoosh index inside it
    or, when the suite tests the PostgreSQL search backend, a throw-away database of the
    suite's PostgreSQL server holding both (a DATABASE_URL given in `extra` is used instead)."""
    env = {
        **os.environ,
        "VAR_DIR": str(workdir),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "SEARCH_URL": f"whoosh://{workdir / 'index'}",
        "API_ANON_THROTTLE": "100000/minute",
        "API_USER_THROTTLE": "100000/minute",
        "API_EXPORT_THROTTLE": "100000/minute",
    }
    if search_in_postgres():
        env["DATABASE_URL"] = throwaway_database()
        env["SEARCH_URL"] = "postgres:"
    return {**env, **extra}


_throwaway_databases: list[str] = []
POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"  # runs before the suite and CI


def throwaway_database() -> str:
    """The URL of a new, empty database on the suite's PostgreSQL server (DATABASE_URL's, else
    the one on 127.0.0.1:5432), dropped when the test run ends."""
    import psycopg

    url = os.environ.get("DATABASE_URL", "")
    server = urlparse(url if url.startswith("postgres") else POSTGRES_SERVER)
    name = f"fagui_site_{os.getpid()}_{len(_throwaway_databases)}"
    admin = server._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    if not _throwaway_databases:
        atexit.register(_drop_throwaway_databases, admin)
    _throwaway_databases.append(name)
    return server._replace(path=f"/{name}").geturl()


def _drop_throwaway_databases(admin: str) -> None:
    import psycopg

    with psycopg.connect(admin, autocommit=True) as connection:
        for name in _throwaway_databases:
            with contextlib.suppress(psycopg.Error):
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True
    )


@contextlib.contextmanager
def gunicorn(env: dict[str, str], workdir: Path, *, workers: int = 1, threads: int = 4):
    """Serve the site; yield its base URL; stop it afterwards."""
    port = free_port()
    log_path = workdir / f"gunicorn-{port}.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "-c",
                "config/gunicorn.py",
                "--preload",
            ]
            + ["--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(150):
                try:
                    urlopen(base + "/api/v1/issuers/", timeout=2)
                    break
                except OSError:
                    if server.poll() is not None:
                        break
                    time.sleep(0.2)
            else:
                raise RuntimeError("gunicorn did not answer")
            if server.poll() is not None:
                raise RuntimeError(log_path.read_text())
            yield base
        finally:
            server.terminate()
            server.wait(timeout=20)


class PrivatePostgres:
    """A PostgreSQL cluster of its own, on its own port, that a test may stop and start; with
    `primary`, a streaming replica of that cluster (a pg_basebackup of it, following its WAL)."""

    def __init__(self, *, primary: PrivatePostgres | None = None):
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
        if not found:
            raise RuntimeError("PostgreSQL server binaries not found under /usr/lib/postgresql")
        self.bin = Path(found[-1]).parent
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="private-pg-"))
        self.data = self.folder / "data"
        # The server refuses to run as root: it runs as the postgres user when we are root.
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_owner:
            shutil.chown(self.folder, "postgres")
            self.folder.chmod(0o755)
        if primary is None:  # initdb's access rules trust local connections, replication too
            self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8")
        else:
            self._run(
                "pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
                "-D", str(self.data), "--write-recovery-conf", "--wal-method=stream",
                "--checkpoint=fast",
            )  # fmt: skip

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run(
            [*self.as_owner, str(self.bin / tool), *args], check=True, capture_output=True
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        log = str(self.folder / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def sql(self, statement: str, *params) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as connection:
            cursor = connection.execute(statement, params or None)
            return cursor.fetchall() if cursor.description else []

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def http_call(url, *, method="GET", body=None, token=None):
    """(status, parsed JSON or text) — errors included, never raised."""
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = f"Token {token}"
    data = json.dumps(body).encode() if body is not None else None
    try:
        with urlopen(Request(url, data=data, method=method, headers=headers), timeout=60) as r:
            status, raw, kind = r.status, r.read(), r.headers.get("Content-Type", "")
    except HTTPError as error:
        status, raw, kind = error.code, error.read(), error.headers.get("Content-Type", "")
    text = raw.decode()
    return status, json.loads(text) if "json" in kind else text


def search_url(base: str, query: str) -> str:
    return f"{base}/api/v1/search/?{urlencode({'q': query})}"


def prepare_site(env: dict[str, str], *laws: Path) -> str:
    """Migrate, ingest `laws`, collect the static files and make an editor (a superuser with
    the password a-long-test-password-1); return the editor's API token."""
    manage(env, "migrate", "-v0")
    manage(env, "ingest", "-v0", *map(str, laws))
    manage(env, "collectstatic", "--noinput", "-v0")
    env = {**env, "DJANGO_SUPERUSER_PASSWORD": "a-long-test-password-1"}
    manage(env, "createsuperuser", "--noinput", "--username", "editor", "--email", "e@x.cn")
    output = manage(env, "drf_create_token", "editor").stdout.decode()
    return re.search(r"Generated token (\w+)", output)[1]
