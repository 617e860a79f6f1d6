"""The README's mirror example against a running server: a copy kept through the change feed
equals the base record for record, though editors write while it pages through the feed."""

import json
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import quote
from urllib.request import Request, urlopen

from tests.servers import ROOT, gunicorn, manage, site_env

LAWS = ROOT / "fixtures" / "corpus" / "laws"
SEEDS = ROOT / "fixtures" / "corpus" / "seeds"
MIRROR = ROOT / "examples" / "mirror.py"


def _call(url: str, *, method: str = "GET", body=None, token: str = ""):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    data = json.dumps(body).encode() if body is not None else None
    try:
        with urlopen(Request(url, data=data, method=method, headers=headers), timeout=60) as r:
            raw = r.read()
            return r.status, json.loads(raw) if raw else None
    except HTTPError as error:
        raise AssertionError(f"{method} {url}: {error.code} {error.read().decode()}") from None


def _run_mirror(base: str, db: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(MIRROR), "--base", base, "--db", str(db), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _mirror(base: str, db: Path, *args: str) -> None:
    process = _run_mirror(base, db, *args)
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0, err.decode()


def _base_records(base: str) -> dict[tuple[str, int], dict]:
    with urlopen(f"{base}/api/v1/export/", timeout=300) as answer:
        lines = answer.read().decode().splitlines()
    records = {}
    for line in lines:
        record = json.loads(line)
        records[(record.pop("type"), record["id"])] = record
    return records


def _mirror_records(db: Path) -> dict[tuple[str, int], dict]:
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT type, id, data FROM records").fetchall()
    return {(kind, id_): json.loads(data) for kind, id_, data in rows}


def _mirror_started(db: Path) -> bool:
    """Whether the mirror has applied a page; its file exists a moment before its tables do."""
    try:
        return db.exists() and bool(_mirror_records(db))
    except sqlite3.OperationalError:  # no such table yet
        return False


def _assert_same(base: str, db: Path) -> int:
    expected, mirrored = _base_records(base), _mirror_records(db)
    assert set(mirrored) == set(expected), (
        sorted(set(expected) - set(mirrored))[:5],
        sorted(set(mirrored) - set(expected))[:5],
    )
    different = [key for key in expected if mirrored[key] != expected[key]]
    assert not different, [(key, expected[key], mirrored[key]) for key in different[:2]]
    return len(expected)


def _edit(base: str, token: str, round_: int, state: dict) -> None:
    """Edits, additions and deletions of regulations and clauses, through the API."""
    api = f"{base}/api/v1"
    regulations = _call(f"{api}/regulations/?has_full_text=true&page_size=20")[1]["results"]
    target = regulations[round_]
    slug = quote(target["slug"])
    _call(
        f"{api}/regulations/{slug}/",
        method="PATCH",
        body={"doc_number": f"镜像〔2026〕{round_}号"},
        token=token,
    )
    clauses = _call(f"{api}/regulations/{slug}/clauses/?page_size=5")[1]["results"]
    _call(
        clauses[0]["url"],
        method="PATCH",
        body={"text": clauses[0]["text"] + "（镜像测试）"},
        token=token,
    )
    _call(clauses[1]["url"], method="DELETE", token=token)
    _call(
        f"{api}/regulations/{slug}/clauses/",
        method="POST",
        body={"number": 900 + round_, "text": f"镜像测试新增的第{round_}条。"},
        token=token,
    )
    _, created = _call(
        f"{api}/regulations/",
        method="POST",
        body={"title": f"镜像测试条例{round_}", "level": "行政法规", "issuers": ["国务院"]},
        token=token,
    )
    for number in (1, 2):
        _call(
            f"{api}/regulations/{quote(created['slug'])}/clauses/",
            method="POST",
            body={"number": number, "text": f"镜像测试条例{round_}的第{number}条。"},
            token=token,
        )
    if "created" in state:  # the last round's regulation, with its clauses
        _call(f"{api}/regulations/{quote(state['created'])}/", method="DELETE", token=token)
    state["created"] = created["slug"]
    gone = regulations[10 + round_]  # a whole regulation of the corpus
    _call(f"{api}/regulations/{quote(gone['slug'])}/", method="DELETE", token=token)


def test_the_mirror_example_equals_the_base_while_editors_write(tmp_path):
    env = site_env(tmp_path)
    manage(env, "migrate", "-v0")
    manage(env, "ingest", "-v0", str(LAWS), str(SEEDS))
    env["DJANGO_SUPERUSER_PASSWORD"] = "a-long-test-password-1"
    manage(env, "createsuperuser", "--noinput", "--username", "editor", "--email", "e@x.cn")
    token = re.search(
        r"Generated token (\w+)", manage(env, "drf_create_token", "editor").stdout.decode()
    )[1]
    kept = tmp_path / "kept.sqlite3"
    with gunicorn(env, tmp_path, workers=2) as base:
        # A first copy, in two runs: stopped after two pages, then resumed.
        _mirror(base, kept, "--limit", "200", "--pages", "2")
        assert 0 < len(_mirror_records(kept)) <= 400
        _mirror(base, kept, "--limit", "200")
        total = _assert_same(base, kept)
        assert total > 1000
        state: dict = {}
        for round_ in (1, 2):
            # A second mirror copies the base from scratch in small pages while editors write.
            fresh = tmp_path / f"fresh-{round_}.sqlite3"
            paging = _run_mirror(base, fresh, "--limit", "20")
            for _ in range(300):  # it has applied its first page
                if _mirror_started(fresh):
                    break
                time.sleep(0.05)
            _edit(base, token, round_, state)
            _, err = paging.communicate(timeout=300)
            assert paging.returncode == 0, err.decode()
            # Run again: both copies equal the base, every record, every field.
            for db in (kept, fresh):
                _mirror(base, db)
                _assert_same(base, db)
