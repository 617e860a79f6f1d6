"""The PostgreSQL backend's mirror (postgres/mirror.py) against its SQL (postgres/matching.py).

Each app server searches its in-memory mirror of the index; the same query run all in SQL must
give the same page: the same results in the same order, counts, facets and notices. The mirror
must also follow what other connections commit, and what the searching transaction writes.
"""

from __future__ import annotations

import threading
from datetime import date

import haystack
import pytest
from django.db import connection, connections, transaction

from apps.policies.models import Clause
from apps.search.postgres import mirror, storage
from apps.search.selectors import search_documents

pytestmark = [pytest.mark.postgres_search, pytest.mark.django_db]

SEARCHES = [
    {"query": "平台"},
    {"query": "经营者"},
    {"query": "消费者 权益"},
    {"query": "平台 OR 消费者"},
    {"query": "电子商务 -平台"},
    {"query": '"电子商务经营者"'},
    {"query": "应当", "page": 2},
    {"query": "的", "page": 3},
    {"query": "电子商务法第38条"},
    {"query": "民法典第一千一百六十五条"},
    {"query": "第三条"},
    {"query": "个人信息"},
    {"query": "个人信息", "sort": "date"},
    {"query": "合同", "versions": "all"},
    {"query": "合同", "as_of": date(2020, 1, 1)},
    {"query": "罚款", "filters": {"type": "clause", "level": "法律"}},
    {"query": "", "filters": {"status": "现行有效"}},
    {"query": "", "filters": {"year": "2018"}, "sort": "date"},
    {"query": "", "versions": "all"},
    {"query": "电子商务", "search_in": "title"},
    {"query": "平台 经营者 消费者 不存在的词"},
    {"query": "善意取得"},
    {"query": "法人"},
    {"query": "法人", "promulgated": (date(2000, 1, 1), None)},
]


def _page(search: dict, *, mirrored: bool) -> tuple:
    backend = haystack.connections["default"].get_backend()
    backend.mirrored = mirrored
    backend.clear_result_cache()
    try:
        page = search_documents(**search)
    finally:
        backend.mirrored = True
    return (
        page.count,
        page.mode,
        page.notices,
        {name: [(f.value, f.count) for f in values] for name, values in page.facets.items()},
        [(hit.url, hit.versions) for hit in page.results],
    )


@pytest.mark.parametrize("search", SEARCHES, ids=[str(s) for s in SEARCHES])
def test_the_mirror_finds_what_the_sql_finds(search):
    on_mirror = _page(search, mirrored=True)
    assert on_mirror == _page(search, mirrored=False)
    count, *_ = on_mirror
    assert count >= 0


def test_the_searches_above_find_something():
    found = [_page(search, mirrored=True)[0] for search in SEARCHES]
    assert sum(1 for count in found if count) >= len(SEARCHES) - 2, found


def test_a_search_sees_the_uncommitted_writes_of_its_own_transaction():
    clause = Clause.objects.filter(text__contains="平台").first()
    before = search_documents(query="平台").count
    with transaction.atomic():
        clause.text = clause.text.replace("平台", "镜像独有词")
        clause.save()  # reindexed in this transaction
        assert search_documents(query="镜像独有词").count == 1
        assert search_documents(query="平台").count <= before
        transaction.set_rollback(True)
    assert search_documents(query="镜像独有词").count == 0
    assert search_documents(query="平台").count == before


def _committed(write) -> None:
    """`write` run and committed on a connection of its own (another server's, say)."""

    def run():
        try:
            with transaction.atomic():
                write()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()


def _doc(key_id: int, text: str) -> dict:
    return {
        "id": f"policies.clause.{key_id}",
        "django_ct": "policies.clause",
        "django_id": key_id,
        "chars": text,
        "text": text,
        "content_type": "clause",
        "lineage": -key_id,
    }


def test_the_mirror_follows_what_other_connections_commit():
    backend = haystack.connections["default"].get_backend()
    key_id, key = 990_001, "policies.clause.990001"
    search = lambda word: backend.search(word)["hits"]  # noqa: E731
    assert search("镜像测试甲") == 0
    loaded = mirror.mirror_of(connection.alias).loaded
    try:
        _committed(lambda: storage.entries_write([storage.entry_row(_doc(key_id, "镜像测试甲"))]))
        assert search("镜像测试甲") == 1
        _committed(lambda: storage.entries_write([storage.entry_row(_doc(key_id, "镜像测试乙"))]))
        assert (search("镜像测试甲"), search("镜像测试乙")) == (0, 1)
        # Caught up from the rows written since, not loaded again.
        assert mirror.mirror_of(connection.alias).loaded is loaded
    finally:
        _committed(lambda: storage.entries_delete([key]))
    assert search("镜像测试乙") == 0
