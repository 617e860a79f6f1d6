"""Mirror the 法规知识库 into a local SQLite file through its change feed (standard library only).

    python examples/mirror.py --base http://127.0.0.1:8000 --db mirror.sqlite3

Run it as often as you like (nightly, say): it resumes from the cursor it saved, and each page of
the feed is applied in one transaction together with its cursor, so an interrupted run loses
nothing and applies nothing twice. Each record is kept whole, as the API gives it, in
records(type, id, data) — publications, articles, regulations and clauses. If the server has
pruned deletions older than the saved cursor (HTTP 410), the mirror starts over from scratch.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    type TEXT NOT NULL, id INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (type, id)
);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def get(url: str, token: str = "") -> tuple[int, dict]:
    """GET a JSON answer; waits and retries when the server says to slow down (429/503)."""
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    for _ in range(20):
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as answer:
                return answer.status, json.load(answer)
        except urllib.error.HTTPError as error:
            if error.code in (429, 503):
                time.sleep(float(error.headers.get("Retry-After") or 1))
                continue
            return error.code, json.load(error)
    raise RuntimeError(f"the server kept refusing: {url}")


def mirror(base: str, db: str, *, limit: int = 500, token: str = "", pages: int = 0) -> int:
    """Bring the mirror up to date → the number of feed entries applied. `pages` > 0 stops
    after that many pages (to show that a run can stop anywhere and resume)."""
    connection = sqlite3.connect(db)
    connection.executescript(SCHEMA)
    applied = done = 0
    while True:
        row = connection.execute("SELECT value FROM state WHERE key = 'cursor'").fetchone()
        query = urllib.parse.urlencode({"since": row[0] if row else "0.0.0", "limit": limit})
        status, page = get(f"{base.rstrip('/')}/api/v1/changes/?{query}", token)
        if status == 410:  # deletions we may have missed are no longer listed: start over
            with connection:
                connection.execute("DELETE FROM records")
                connection.execute("DELETE FROM state")
            continue
        if status != 200:
            raise RuntimeError(f"{status}: {page}")
        with connection:  # the page and its cursor, or nothing
            for entry in page["changes"]:
                key = (entry["type"], entry["id"])
                if entry["action"] == "deleted":
                    connection.execute("DELETE FROM records WHERE type = ? AND id = ?", key)
                elif entry["record"] is not None:  # None: deleted since, its tombstone follows
                    data = json.dumps(entry["record"], ensure_ascii=False, sort_keys=True)
                    connection.execute(
                        "INSERT OR REPLACE INTO records (type, id, data) VALUES (?, ?, ?)",
                        (*key, data),
                    )
            connection.execute(
                "INSERT OR REPLACE INTO state (key, value) VALUES ('cursor', ?)",
                (page["cursor"],),
            )
        applied += len(page["changes"])
        done += 1
        if not page["more"] or done == pages:
            connection.close()
            return applied


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000", help="the site's address")
    parser.add_argument("--db", default="mirror.sqlite3", help="the local SQLite file")
    parser.add_argument("--limit", type=int, default=500, help="entries a page (≤ 1000)")
    parser.add_argument("--token", default="", help="an API token (higher limits)")
    parser.add_argument("--pages", type=int, default=0, help="stop after this many pages")
    args = parser.parse_args()
    applied = mirror(args.base, args.db, limit=args.limit, token=args.token, pages=args.pages)
    print(f"{applied} changes applied to {args.db}", file=sys.stderr)


if __name__ == "__main__":
    main()
