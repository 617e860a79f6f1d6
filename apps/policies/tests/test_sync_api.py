"""The API for sync: the change feed, updated_since and cursor pages on the lists, the clause list
across regulations, and the NDJSON export (endpoint and command)."""

import json
from datetime import date, timedelta
from urllib.parse import quote, urlsplit

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.core.changes import cursor_latest
from apps.core.models import Change, ChangeHorizon
from apps.core.services import changes_prune
from apps.documents.models import Article, Publication
from apps.policies.models import Clause, IssuingBody, Level, Regulation, Status
from apps.policies.services.clauses import clause_create, clause_delete, clause_update
from apps.policies.services.regulations import (
    regulation_create,
    regulation_delete,
    regulation_update,
)
from tests.helpers import api_error

pytestmark = pytest.mark.django_db


def feed(api, since: str, *, limit: int = 7) -> tuple[list[dict], str]:
    """Every entry after `since`, paged as a client does (`limit` at a time)."""
    entries, cursor = [], since
    while True:
        page = api.get(f"/api/v1/changes/?since={cursor}&limit={limit}").json()
        entries += page["changes"]
        assert page["cursor"] == (page["changes"][-1]["cursor"] if page["changes"] else cursor)
        cursor = page["cursor"]
        if not page["more"]:
            return entries, cursor


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_every_kind_of_write_is_in_the_feed_in_order(api):
    start = str(cursor_latest())
    regulation = regulation_create(
        title="同步测试条例", level=Level.ADMINISTRATIVE_REGULATION, issuers=["国务院"]
    )
    first = clause_create(regulation=regulation, number=1, text="为了测试同步，制定本条例。")
    # Bulk writes send no signal: the triggers still log them.
    bulk = Clause.objects.bulk_create(
        [
            Clause(regulation=regulation, number=n, label=f"第{n}条", text="内容。", order=n)
            for n in (2, 3)
        ]
    )
    Clause.objects.filter(regulation=regulation).update(chapter="第一章 总则")
    clause_update(clause=first, text="为了测试变更流，制定本条例。")
    IssuingBody.objects.filter(name="国务院").update(name="国务院（改名测试）")
    Regulation.objects.filter(pk=regulation.pk).update(slug="同步测试条例-改")
    clause_delete(clause=Clause.objects.get(pk=bulk[0].pk))
    regulation_delete(regulation=Regulation.objects.get(pk=regulation.pk))

    entries, _ = feed(api, start)
    cursors = [tuple(map(int, entry["cursor"].split("."))) for entry in entries]
    assert cursors == sorted(cursors) and len(set(cursors)) == len(cursors)
    mine = [e for e in entries if e["type"] in ("regulation", "clause")]
    ours = {("clause", c) for c in (first.pk, bulk[0].pk, bulk[1].pk)} | {
        ("regulation", regulation.pk)
    }
    actions: dict[tuple, list[str]] = {}
    for entry in mine:
        actions.setdefault((entry["type"], entry["id"]), []).append(entry["action"])
    assert ours <= set(actions)
    for key in ours:
        assert actions[key][0] == "created" and actions[key][-1] == "deleted", (key, actions[key])
    # Each clause is deleted once, by clause_delete or by the cascade, named by the regulation's
    # slug at that moment; the regulation's renamed issuer and slug show as updates.
    tombstones = [e for e in mine if e["action"] == "deleted" and e["type"] == "clause"]
    assert sorted(e["id"] for e in tombstones) == sorted(
        c for _, c in ours - {("regulation", regulation.pk)}
    )
    assert {e["regulation"] for e in tombstones} == {"同步测试条例-改"}
    assert all(e["record"] is None for e in mine if e["action"] == "deleted")
    regulation_actions = actions[("regulation", regulation.pk)]
    assert regulation_actions.count("updated") >= 2  # the issuer's rename, the slug's change
    renamed = [
        e for e in mine if e["type"] == "clause" and e.get("regulation") == "同步测试条例-改"
    ]
    assert {e["action"] for e in renamed} == {"updated", "deleted"}


def test_a_feed_record_is_the_record_as_stored(api):
    start = str(cursor_latest())
    regulation = Regulation.objects.filter(has_full_text=True).first()
    clause = regulation.clauses.order_by("order").first()
    regulation_update(regulation=regulation, doc_number="测试〔2026〕1号")
    clause_update(clause=clause, text=clause.text + "（测试）")
    article = Article.objects.first()
    article.title += "（测试）"
    article.save()
    entries, _ = feed(api, start)
    latest = {(e["type"], e["id"]): e for e in entries}
    regulation.refresh_from_db()
    record = latest[("regulation", regulation.pk)]["record"]
    assert record["doc_number"] == "测试〔2026〕1号" == regulation.doc_number
    assert record["issuers"] == sorted(b.name for b in regulation.issuers.all())
    assert record["promulgated_on"] == regulation.promulgated_on.isoformat()
    assert api.get(record["url"]).json()["doc_number"] == regulation.doc_number
    record = latest[("clause", clause.pk)]["record"]
    assert record["text"].endswith("（测试）") and record["regulation"] == regulation.slug
    assert api.get(record["url"]).json()["text"] == record["text"]
    assert latest[("article", article.pk)]["record"]["title"] == article.title
    # Without records the entries still name what changed.
    page = api.get(f"/api/v1/changes/?since={start}&records=false").json()
    assert page["changes"] and all("record" not in e for e in page["changes"])
    assert path_of(page["next"]).endswith("records=false")


def test_the_feed_from_the_start_holds_every_record_in_the_base(api):
    entries, _ = feed(api, "0.0", limit=1000)
    live: dict[str, set[int]] = {}
    for entry in entries:
        ids = live.setdefault(entry["type"], set())
        (ids.discard if entry["action"] == "deleted" else ids.add)(entry["id"])
    assert live["regulation"] == set(Regulation.objects.values_list("pk", flat=True))
    assert live["clause"] == set(Clause.objects.values_list("pk", flat=True))
    assert live["article"] == set(Article.objects.values_list("pk", flat=True))
    assert live["publication"] == set(Publication.objects.values_list("pk", flat=True))


@pytest.mark.parametrize(
    "query",
    [
        "since=yesterday",
        "since=1.2.3.4",
        "since=99999999999999999999.1",
        "since=9223372036854775808.1",
        "since=",
        "since=2026-13-01",
        "since=1923-12-31T11:47+20:03",  # no time zone is that far from UTC (PostgreSQL refused)
        "limit=0",
        "limit=1001",
        "limit=ten",
        "records=maybe",
    ],
)
def test_bad_feed_parameters_are_a_400_with_the_error_shape(api, query):
    api_error(api.get(f"/api/v1/changes/?{query}"), 400)


def test_a_time_starts_the_feed_where_that_time_does(api):
    moment = timezone.now()
    clause = Clause.objects.first()
    clause_update(clause=clause, text=clause.text)
    page = api.get("/api/v1/changes/?since=" + quote(moment.isoformat())).json()
    assert [(e["type"], e["id"]) for e in page["changes"]][-1] == ("clause", clause.pk)
    later = api.get("/api/v1/changes/?since=" + quote(timezone.now().isoformat())).json()
    assert later["changes"] == [] and later["cursor"] == page["cursor"]


def test_pruning_keeps_the_latest_entry_of_each_record_and_expires_old_cursors(api):
    clause = Clause.objects.first()
    old_cursor = str(cursor_latest())
    clause_update(clause=clause, text=clause.text + "一")
    clause_update(clause=clause, text=clause.text + "二")
    doomed = Clause.objects.exclude(pk=clause.pk).first()
    clause_delete(clause=doomed)
    after_delete = str(cursor_latest())
    Change.objects.update(at=timezone.now() - timedelta(days=100))
    records_before = Change.objects.values("kind", "object_id").distinct().count()
    superseded, tombstones = changes_prune(days=90)
    assert superseded > 0 and tombstones >= 1
    # One entry per record left: the latest (an update of `clause`, not its creation).
    assert Change.objects.count() == records_before - tombstones
    assert list(
        Change.objects.filter(kind="clause", object_id=clause.pk).values_list("action", flat=True)
    ) == ["updated"]
    assert not Change.objects.filter(kind="clause", object_id=doomed.pk).exists()
    assert ChangeHorizon.objects.get(pk=1).pruned_id > 0
    assert api_error(api.get(f"/api/v1/changes/?since={old_cursor}"), 410)["code"] == "gone"
    assert api.get(f"/api/v1/changes/?since={after_delete}").status_code == 200
    # Starting over still reads every record there is.
    test_the_feed_from_the_start_holds_every_record_in_the_base(api)


LISTS = [
    ("/api/v1/regulations/", "regulation", Regulation),
    ("/api/v1/clauses/", "clause", Clause),
    ("/api/v1/publications/", "publication", Publication),
    ("/api/v1/articles/", "article", Article),
]


@pytest.mark.parametrize(("url", "kind", "model"), LISTS)
def test_updated_since_on_the_lists(api, url, kind, model):
    moment = timezone.now()
    record = model.objects.order_by("pk").last()
    record.save()  # an update of every field, as an edit saves it
    page = api.get(f"{url}?updated_since={quote(moment.isoformat())}").json()
    assert page["count"] == 1 and len(page["results"]) == 1
    everything = api.get(f"{url}?updated_since=2000-01-01").json()
    assert everything["count"] == model.objects.count()
    api_error(api.get(f"{url}?updated_since=soon"), 400)
    api_error(api.get(f"{url}?updated_since={quote('1923-12-31 11:47+2003')}"), 400)


def test_updated_since_on_issuers_and_one_regulations_clauses(api):
    moment = quote(timezone.now().isoformat())
    regulation = Regulation.objects.filter(issuers__isnull=False, has_full_text=True).first()
    regulation_update(regulation=regulation, doc_number="测试〔2026〕2号")
    clause = regulation.clauses.order_by("order").last()
    clause_update(clause=clause, text=clause.text)
    issuers = api.get(f"/api/v1/issuers/?updated_since={moment}").json()
    assert {i["name"] for i in issuers["results"]} == {b.name for b in regulation.issuers.all()}
    url = regulation.clauses.first().regulation.slug
    clauses = api.get(f"/api/v1/regulations/{quote(url)}/clauses/?updated_since={moment}")
    assert [c["number"] for c in clauses.json()["results"]] == [clause.number]


@pytest.mark.parametrize(("url", "kind", "model"), LISTS)
def test_cursor_pages_miss_nothing_while_records_are_added_and_deleted(api, url, kind, model):
    seen, page_url, pages = [], f"{url}?pagination=cursor&page_size=40", 0
    added = deleted = None
    while page_url:
        page = api.get(page_url).json()
        assert "count" not in page
        seen += [r.get("id") or r.get("slug") or r["url"] for r in page["results"]]
        pages += 1
        if pages == 1 and kind == "clause":  # mid-way: one added, one already read deleted
            regulation = Regulation.objects.filter(has_full_text=True).first()
            added = clause_create(regulation=regulation, number=9999, text="新增条文。")
            deleted = Clause.objects.order_by("pk").first()
            clause_delete(clause=deleted)
        page_url = path_of(page["next"]) if page["next"] else None
    assert len(seen) == len(set(seen)), "a record was served twice"
    if kind == "clause":
        assert len(seen) == model.objects.count() + 1  # the deleted one was read before
        assert any(str(added.key) in str(s) and "9999" in str(s) for s in seen)
    else:
        assert len(seen) == model.objects.count()
    api_error(api.get(f"{url}?cursor=not-a-cursor"), 400)
    # By cursor, page numbers have no part: the first page, and next links on.
    first = api.get(f"{url}?pagination=cursor&page=2&page_size=40").json()
    assert first["previous"] is None and "count" not in first
    api_error(api.get(f"{url}?pagination=sideways"), 400)


def test_the_clause_list_across_regulations_filters_as_the_regulation_list(api):
    day = date(2020, 1, 1)
    in_force = [
        r.pk
        for r in Regulation.objects.filter(level=Level.LAW)
        if r.status_on(day) == Status.IN_FORCE
    ]
    expected = Clause.objects.filter(regulation__in=in_force).count()
    assert expected
    page = api.get(f"/api/v1/clauses/?level={quote('法律')}&as_of=2020-01-01&page_size=100")
    assert page.json()["count"] == expected
    province = Regulation.objects.exclude(province="").values_list("province", flat=True).first()
    if province:
        expected = Clause.objects.filter(regulation__province=province).count()
        assert api.get(f"/api/v1/clauses/?province={quote(province)}").json()["count"] == expected
    api_error(api.get("/api/v1/clauses/?as_of=2020-02-30"), 400)
    api_error(api.get("/api/v1/clauses/?level=nothing"), 400)


def _ndjson(lines: bytes) -> list[dict]:
    return [json.loads(line) for line in lines.decode().splitlines()]


def test_the_ndjson_export_holds_every_record_once(api):
    cursor = str(cursor_latest())
    response = api.get("/api/v1/export/")
    assert response.status_code == 200 and response["Content-Type"] == "application/x-ndjson"
    assert response["X-Changes-Cursor"] == cursor
    records = _ndjson(b"".join(response.streaming_content))
    for kind, model in (
        ("publication", Publication),
        ("article", Article),
        ("regulation", Regulation),
        ("clause", Clause),
    ):
        ids = [r["id"] for r in records if r["type"] == kind]
        assert sorted(ids) == sorted(model.objects.values_list("pk", flat=True)), kind
    clause = Clause.objects.select_related("regulation").order_by("pk").last()
    line = next(r for r in records if r["type"] == "clause" and r["id"] == clause.pk)
    assert (line["text"], line["regulation"], line["number"]) == (
        clause.text,
        clause.regulation.slug,
        clause.number,
    )
    # A part: some kinds, changed since a time.
    moment = quote(timezone.now().isoformat())
    clause_update(clause=clause, text=clause.text)
    part = api.get(f"/api/v1/export/?types=clause,regulation&since={moment}")
    assert part.status_code == 200, (part.status_code, moment)
    assert [(r["type"], r["id"]) for r in _ndjson(b"".join(part.streaming_content))] == [
        ("clause", clause.pk)
    ]
    for query in ("format=csv", "types=laws", "since=later", "types="):
        api_error(api.get(f"/api/v1/export/?{query}"), 400)


def test_the_export_command_writes_the_whole_file_or_none(tmp_path, monkeypatch, capsys):
    target = tmp_path / "corpus.ndjson"
    call_command("export_corpus", "--output", str(target))
    records = _ndjson(target.read_bytes())
    assert len(records) == sum(
        model.objects.count() for model in (Publication, Article, Regulation, Clause)
    )
    assert "完成" in capsys.readouterr().err
    assert not list(tmp_path.glob("*.part"))

    def broken(querysets, progress=None):
        yield b'{"type": "publication"}\n'
        raise OSError("disk full")

    monkeypatch.setattr("apps.policies.management.commands.export_corpus.corpus_lines", broken)
    interrupted = tmp_path / "interrupted.ndjson"
    with pytest.raises(OSError):
        call_command("export_corpus", "--output", str(interrupted))
    assert not interrupted.exists() and not list(tmp_path.glob("*.part"))


def test_a_page_number_out_of_range_is_a_400_in_cursor_mode_too(api):
    api_error(api.get("/api/v1/clauses/?pagination=cursor&page=-8"), 400)
    api_error(api.get("/api/v1/publications/?pagination=cursor&page=x"), 400)


def test_the_export_takes_the_regulation_lists_filters(api):
    response = api.get(f"/api/v1/export/?types=regulation,clause&level={quote('法律')}")
    records = _ndjson(b"".join(response.streaming_content))
    laws = Regulation.objects.filter(level=Level.LAW)
    assert sorted(r["id"] for r in records if r["type"] == "regulation") == sorted(
        laws.values_list("pk", flat=True)
    )
    clauses = [r for r in records if r["type"] == "clause"]
    assert len(clauses) == Clause.objects.filter(regulation__in=laws).count() > 0
    api_error(api.get("/api/v1/export/?level=nothing"), 400)
