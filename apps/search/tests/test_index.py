"""The index follows the database and survives faults: concurrent writers, missing or corrupt
index files, interrupted rebuilds, drift detection and repair."""

import shutil
import threading
from pathlib import Path

import haystack
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from rest_framework.test import APIClient
from whoosh.fields import ID, TEXT, Schema
from whoosh.query import Term

from apps.policies.models import Clause, Regulation
from apps.search import services as index_services
from apps.search.selectors import search_documents
from apps.search.storage import IndexStore, SearchUnavailable
from apps.search.sync import IndexChanges, index_apply, search_backend

pytestmark = pytest.mark.django_db


def _backend():
    return haystack.connections["default"].get_backend()


def test_concurrent_index_writes_and_searches_do_not_fail():
    index_services.index_repair()  # earlier tests' rolled-back edits may have left drift
    clause_ids = list(Clause.objects.values_list("pk", flat=True)[:240])
    chunks = [clause_ids[i::8] for i in range(8)]
    errors = []

    def write(ids):
        try:
            changes = IndexChanges(saves={f"policies.clause.{pk}": (Clause, pk) for pk in ids})
            index_apply(changes)
        except Exception as error:  # noqa: BLE001 - the test reports any failure
            errors.append(repr(error))
        finally:
            connection.close()  # the thread's own: the test database can be dropped after

    def read():
        try:
            for _ in range(10):
                search_documents(query="经营者")
        except Exception as error:  # noqa: BLE001
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(chunk,)) for chunk in chunks]
    threads += [threading.Thread(target=read) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    assert index_services.index_check().clean


def test_check_index_reports_and_repairs_drift(capsys):
    index_services.index_repair()
    clause = Clause.objects.order_by("pk").first()
    _backend().remove_identifiers([f"policies.clause.{clause.pk}"])
    Clause.objects.filter(pk=Clause.objects.order_by("pk")[1].pk).update(text="未经索引的修改")
    drift = index_services.index_check()
    assert f"policies.clause.{clause.pk}" in drift.missing
    assert len(drift.stale) == 0  # .update() does not touch updated_at; stamps compare equal
    with pytest.raises(CommandError):
        call_command("check_index")
    assert "缺失（数据库有，索引无）：1" in capsys.readouterr().out
    call_command("check_index", "--repair")
    assert index_services.index_check().clean
    assert search_documents(query=f'"{clause.text[:12]}"').count >= 1


def test_rebuild_swaps_in_a_complete_index_and_a_failed_rebuild_keeps_the_old(monkeypatch):
    count = index_services.index_rebuild()
    assert count == Clause.objects.count() + Regulation.objects.count() + _articles()
    assert index_services.index_check().clean
    live = getattr(_backend(), "path", None) and Path(_backend().path).resolve()

    def broken_documents(*args, **kwargs):
        yield from []
        raise RuntimeError("crash in the middle of a rebuild")

    monkeypatch.setattr(index_services, "_documents", broken_documents)
    with pytest.raises(RuntimeError):
        index_services.index_rebuild()
    assert (getattr(_backend(), "path", None) and Path(_backend().path).resolve()) == live
    assert index_services.index_check().clean
    assert search_documents(query="电子商务").count > 0


def _articles():
    from apps.documents.models import Article

    return Article.objects.count()


@pytest.fixture
def index_path_swapped(tmp_path):
    """Point the search connection somewhere else for one test, then back."""
    info = haystack.connections.connections_info["default"]
    original = info["PATH"]

    def point_to(path):
        info["PATH"] = str(path)
        haystack.connections.reload("default")

    yield point_to
    info["PATH"] = original
    haystack.connections.reload("default")


@pytest.mark.whoosh
def test_missing_index_gives_503_and_other_pages_work(index_path_swapped, tmp_path, client):
    index_path_swapped(tmp_path / "does-not-exist")
    with pytest.raises(SearchUnavailable):
        search_documents(query="电子商务")
    response = APIClient().get("/api/v1/search/?q=x")
    assert response.status_code == 503 and response.json()["error"]["code"] == "unavailable"
    page = client.get("/search/?q=x")
    assert page.status_code == 503 and "检索暂时不可用" in page.content.decode()
    assert client.get("/regulations/").status_code == 200
    assert APIClient().get("/api/v1/regulations/").status_code == 200


@pytest.mark.whoosh
def test_corrupt_index_gives_503_and_rebuild_mends_it(index_path_swapped, tmp_path):
    copy = tmp_path / "corrupt"
    shutil.copytree(Path(_backend().path).resolve(), copy)
    for toc in copy.glob("*.toc"):
        toc.write_bytes(b"\x00garbage" * 10)
    index_path_swapped(copy)
    with pytest.raises(SearchUnavailable):
        search_documents(query="电子商务")
    index_services.index_rebuild()
    assert search_documents(query="电子商务").count > 0
    assert index_services.index_check().clean


@pytest.mark.whoosh
@pytest.mark.parametrize("damage", ["manifest", "base", "no manifest"])
def test_damaged_exact_match_files_give_503_and_rebuild_mends_them(
    index_path_swapped, tmp_path, damage
):
    index_services.index_rebuild()  # a base of exact-match texts, not only a delta
    copy = tmp_path / "damaged"
    shutil.copytree(Path(_backend().path).resolve(), copy)
    manifests = list(copy.glob("exact-*.json"))
    assert manifests
    if damage == "manifest":
        for manifest in manifests:
            manifest.write_text("{not json", encoding="utf-8")
    elif damage == "base":
        for array in copy.glob("exact-*/order.npy"):
            array.write_bytes(b"\x00garbage")
    else:  # an index written before exact-match texts existed
        for manifest in manifests:
            manifest.unlink()
    index_path_swapped(copy)
    with pytest.raises(SearchUnavailable):
        search_documents(query="电子商务")
    assert APIClient().get("/api/v1/search/?q=x").status_code == 503
    index_services.index_rebuild()
    assert search_documents(query="电子商务").count > 0
    assert index_services.index_check().clean


@pytest.mark.whoosh
def test_an_index_of_an_older_schema_is_recognised(tmp_path):
    assert IndexStore(str(tmp_path / "none")).written_field_names() is None
    store = IndexStore(str(tmp_path / "old"))
    store.open(Schema(id=ID(stored=True), level=ID))
    assert store.written_field_names() == {"id", "level"}


@pytest.mark.whoosh
def test_reconciling_rebuilds_an_index_written_with_an_older_schema(monkeypatch):
    backend = search_backend()
    backend.setup()
    current = set(backend.schema.names())
    assert backend.schema_is_current()
    rebuilt = []
    monkeypatch.setattr(index_services, "index_rebuild", lambda **kwargs: rebuilt.append(kwargs))
    monkeypatch.setattr(backend.store, "written_field_names", lambda: current - {"province"})
    assert not backend.schema_is_current()
    index_services.index_reconcile(bulk_threshold=5000)
    assert rebuilt == [{"procs": 2}]


@pytest.mark.whoosh
def test_a_table_of_contents_deleted_while_a_searcher_opens_is_read_again(tmp_path):
    store = IndexStore(str(tmp_path / "index"))
    store.open(Schema(id=ID(stored=True)))
    attempts = []

    def open_searcher():
        attempts.append(1)
        if len(attempts) == 1:  # a concurrent commit removed the generation being opened
            raise FileNotFoundError("_MAIN_4.toc")
        return store.searcher()

    assert store.read(open_searcher, lambda generation: "read") == "read"
    assert len(attempts) == 2

    def always_missing():
        raise FileNotFoundError("_MAIN_4.toc")

    with pytest.raises(SearchUnavailable):
        store.read(always_missing, lambda generation: "read")


def test_an_index_write_holds_what_the_database_holds_when_it_writes():
    """Two flushes of one record in two processes: the one that read the record first may take
    the index's write lock last. The backend reads the record again under the lock, so a stale
    copy in hand can never overwrite the newer text (a lost update)."""
    index = haystack.connections["default"].get_unified_index().get_index(Clause)
    clause = Clause.objects.order_by("pk").first()
    stale = Clause.objects.get(pk=clause.pk)  # read by the first writer, before the edit
    original = clause.text
    Clause.objects.filter(pk=clause.pk).update(text=original + "后写入的文本标记")
    try:
        _backend().update(index, [stale])
        found = search_documents(query='"后写入的文本标记"', filters={"type": "clause"})
        assert [hit.clause.pk for hit in found.results] == [clause.pk]
    finally:
        Clause.objects.filter(pk=clause.pk).update(text=original)
        _backend().update(index, [clause])
    assert search_documents(query='"后写入的文本标记"').count == 0


@pytest.mark.whoosh
def test_a_worker_keeps_the_values_of_the_last_two_generations_only():
    """Every write makes a generation; the values computed from each (~100 MB at full scale)
    would otherwise pile up in every worker until 256 of them were kept."""
    from apps.search.caches import GENERATIONS_KEPT, Caches

    caches = Caches()
    for generation in range(1, 6):
        for what in ("facet", "exact"):
            caches.keep_generation_value((7, generation, what), f"{what} of {generation}")
    kept = {key[1] for key in caches.generation_values}
    assert GENERATIONS_KEPT == 2 and kept == {4, 5}
    assert caches.generation_values[(7, 5, "exact")] == "exact of 5"


@pytest.mark.whoosh
def test_sort_columns_read_segment_by_segment_equal_the_whole_column():
    """After writes the index has several segments; the date and lineage columns, read once per
    segment and joined, are the whole reader's columns, docnum for docnum."""
    import numpy as np

    from apps.search.matching import _sort_keys

    for clause in Clause.objects.order_by("pk")[:3]:  # each write commits a new segment
        index_apply(IndexChanges(saves={f"policies.clause.{clause.pk}": (Clause, clause.pk)}))

    def compare(gen) -> int:
        reader = gen.searcher.reader()
        for field in ("date", "lineage"):
            whole = np.fromiter(reader.column_reader(field), np.int64, reader.doc_count_all())
            assert np.array_equal(_sort_keys(gen, field), whole)
        return len(list(reader.leaf_readers()))

    backend = _backend()
    assert backend.store.read(backend.searcher, compare) > 1  # segments


@pytest.mark.whoosh
def test_a_reader_keeps_its_generation_while_writers_merge_it_away(tmp_path):
    """A searcher's files stay while it reads, however many commits merge them away; once
    it moves on, the next commit removes them."""
    store = IndexStore(str(tmp_path / "index"))
    store.open(Schema(id=ID(stored=True, unique=True), body=TEXT(stored=True)))
    folder = Path(store.folder)
    for number in range(20):  # twenty small segments
        with store._locked() as writer:
            writer.add_document(id=str(number), body=f"条文 {number}")
    held = store.searcher()
    held_files = {p.name for p in folder.iterdir() if p.is_file() and "LOCK" not in p.name}
    expected = sorted(fields["id"] for fields in held.all_stored_fields())

    def write_and_merge():  # another thread, as another worker would
        for number in range(20, 40):
            with store._locked() as writer:
                writer.add_document(id=str(number), body=f"条文 {number}")
        with store._locked() as writer:
            writer.add_document(id="last", body="合并")
        store.index.optimize()  # everything merged into one new segment

    thread = threading.Thread(target=write_and_merge)
    thread.start()
    thread.join(60)
    assert {name for name in held_files if not (folder / name).exists()} == set()
    # Lazily opened files (stored fields, columns) are read after the merges: all there.
    assert sorted(fields["id"] for fields in held.all_stored_fields()) == expected
    assert len(held.search(Term("body", "条文"), limit=None)) == 20
    assert len(list(folder.glob("*.toc"))) >= 2  # the held generation's and the newest

    newest = store.searcher()  # this thread moves on: its old lease is released
    assert newest is not held and newest.doc_count() == 41
    with store._locked() as writer:
        writer.add_document(id="after", body="清理")
    left = {name for name in held_files if (folder / name).exists()}
    assert not left, left
    # Left: the generation this thread reads now, and the newest.
    tocs = sorted(int(p.stem.split("_")[-1]) for p in folder.glob("*.toc"))
    assert tocs == [newest.reader().generation(), store.index.latest_generation()]
