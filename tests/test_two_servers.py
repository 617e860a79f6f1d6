"""Two app servers, as two hosts would run them (each its own VAR_DIR: files, caches, logs), on
one PostgreSQL that holds the records and the search index: what one writes, the other finds in
the very next request."""

from urllib.parse import quote

from tests.servers import (
    ROOT,
    gunicorn,
    http_call,
    prepare_site,
    search_url,
    site_env,
    throwaway_database,
)

LAWS = ROOT / "fixtures" / "corpus" / "laws"
ECOMMERCE = LAWS / "民法商法" / "电子商务法(2018-08-31).md"
PRIVACY = LAWS / "行政法" / "个人信息保护法(2021-08-20).md"


def test_an_edit_through_one_server_is_found_by_a_search_on_the_other(tmp_path):
    database = throwaway_database()
    hosts = [tmp_path / "host-a", tmp_path / "host-b"]
    envs = []
    for host in hosts:
        host.mkdir()
        envs.append(site_env(host, DATABASE_URL=database, SEARCH_URL="postgres:"))
    token = prepare_site(envs[0], ECOMMERCE, PRIVACY)
    clause = f"/api/v1/regulations/{quote('电子商务法-2018-08-31')}/clauses/"
    with (
        gunicorn(envs[0], hosts[0], workers=2) as one,
        gunicorn(envs[1], hosts[1], workers=2) as two,
    ):
        for round_, (writer, reader) in enumerate([(one, two), (two, one)] * 3):
            mark = f"双机检索标记{round_}"
            # The reader has searched before (its caches hold the index state of then).
            assert http_call(search_url(reader, f'"{mark}"'))[1]["count"] == 0
            assert http_call(search_url(reader, "电子商务经营者"))[0] == 200
            number = 10 + round_
            status, body = http_call(f"{writer}{clause}{number}/")
            assert status == 200
            status, _ = http_call(
                f"{writer}{clause}{number}/",
                method="PATCH",
                body={"text": body["text"] + mark},
                token=token,
            )
            assert status == 200
            found = http_call(search_url(reader, f'"{mark}"'))[1]
            assert [r["number"] for r in found["results"]] == [number], found
            assert http_call(f"{reader}{clause}{number}/")[1]["text"].endswith(mark)
            # Deleted through the reader: gone from the writer's searches at once.
            assert http_call(f"{reader}{clause}{number}/", method="DELETE", token=token)[0] == 204
            assert http_call(search_url(writer, f'"{mark}"'))[1]["count"] == 0
    # Neither host holds an index of its own.
    assert not any((host / "whoosh_index").exists() or (host / "index").exists() for host in hosts)
