"""Read replicas: a real streaming replica of a private PostgreSQL cluster (a pg_basebackup of
it, a second server on another port), the site reading from it, and the editor who just saved
reading their own write however far the replica lags; a replica gone answers 503 and recovers.
"""

import time
from urllib.parse import quote

import pytest

from tests.servers import (
    ROOT,
    PrivatePostgres,
    gunicorn,
    http_call,
    prepare_site,
    search_url,
    site_env,
)

ECOMMERCE = ROOT / "fixtures" / "corpus" / "laws" / "民法商法" / "电子商务法(2018-08-31).md"
CLAUSE = f"/api/v1/regulations/{quote('电子商务法-2018-08-31')}/clauses/38/"


@pytest.fixture
def primary_and_replica():
    primary = PrivatePostgres()
    primary.start()
    replica = None
    try:
        replica = PrivatePostgres(primary=primary)
        replica.start()
        yield primary, replica
    finally:
        if replica is not None:
            replica.remove()
        primary.remove()


def _replayed(primary, replica, timeout: float = 30) -> None:
    """Wait until the replica has replayed everything the primary has written."""
    (target,) = primary.sql("SELECT pg_current_wal_lsn()::text")[0]
    deadline = time.monotonic() + timeout
    while not replica.sql("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", target)[0][0]:
        assert time.monotonic() < deadline, "the replica did not catch up"
        time.sleep(0.05)


def test_reads_go_to_the_replica_and_an_editor_reads_their_own_writes(
    tmp_path, primary_and_replica
):
    primary, replica = primary_and_replica
    assert replica.sql("SELECT pg_is_in_recovery()") == [(True,)]  # a real standby
    env = site_env(
        tmp_path,
        DATABASE_URL=primary.url,
        DATABASE_REPLICA_URLS=replica.url,
        SEARCH_URL="postgres:",
    )
    token = prepare_site(env, ECOMMERCE)
    _replayed(primary, replica)
    with gunicorn(env, tmp_path, workers=2, threads=2) as base:
        status, before = http_call(base + CLAUSE)
        assert status == 200

        # The replica stops replaying: what it serves is from before the edit.
        replica.sql("SELECT pg_wal_replay_pause()")
        edited = before["text"] + "副本延迟标记"
        status, body = http_call(base + CLAUSE, method="PATCH", body={"text": edited}, token=token)
        assert status == 200 and body["text"] == edited
        for _ in range(4):  # either worker, every time
            # Anyone else reads the replica: the old text, and the index without the mark.
            assert http_call(base + CLAUSE)[1]["text"] == before["text"]
            assert http_call(search_url(base, '"副本延迟标记"'))[1]["count"] == 0
            # The editor reads their own write: the replica is behind it, so the primary.
            assert http_call(base + CLAUSE, token=token)[1]["text"] == edited
            found = http_call(search_url(base, '"副本延迟标记"'), token=token)[1]
            assert [r["number"] for r in found["results"]] == [38]

        replica.sql("SELECT pg_wal_replay_resume()")
        _replayed(primary, replica)
        assert http_call(base + CLAUSE)[1]["text"] == edited
        assert http_call(search_url(base, '"副本延迟标记"'))[1]["count"] == 1
        assert http_call(base + CLAUSE, token=token)[1]["text"] == edited

        # The replica gone: reads answer 503 in the API's error shape, pages a 503 page.
        replica.stop()
        status, body = http_call(base + CLAUSE)
        assert status == 503 and body["error"]["code"] == "database_unavailable"
        status, page = http_call(base + "/regulations/" + quote("电子商务法-2018-08-31") + "/")
        assert status == 503 and "数据库暂时不可用" in page
        assert http_call(search_url(base, "电子商务"))[0] == 503
        replica.start()
        assert http_call(base + CLAUSE)[0] == 200
        assert http_call(search_url(base, '"副本延迟标记"'))[1]["count"] == 1
