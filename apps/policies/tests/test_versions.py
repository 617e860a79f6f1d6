"""Works and versions, as a lawyer meets them: 沿革, status on any day, the banner, a clause in
other versions, the versioned citation, compare, as_of, and search collapsing versions."""

from datetime import date, timedelta
from io import StringIO
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from apps.policies.models import Regulation, Work
from apps.policies.services.clauses import clause_create
from apps.policies.services.regulations import regulation_create
from apps.policies.services.versions import (
    regulation_split,
    regulation_statuses_refresh,
    work_refresh,
    works_merge,
)
from apps.search.selectors import search_documents
from lawtext.lawfile import parse_law_markdown
from lawtext.versions import align_clauses

OLD, NEW = "国境卫生检疫法-2018-04-27", "国境卫生检疫法-2024-06-28"
SWITCH = date(2025, 1, 1)  # the 2024 修订 took effect
TREATIES = "缔结或者参加的有关卫生检疫的国际条约"  # in both versions (第二十四条 → 第五十二条)


def _versions():
    return Regulation.objects.get(slug=OLD), Regulation.objects.get(slug=NEW)


@pytest.mark.django_db
def test_versions_are_one_work_with_dates_and_labels():
    old, new = _versions()
    assert old.work_id == new.work_id and old.work.version_count == 2
    assert (old.version_label, new.version_label) == ("2018年修正", "2024年修订")
    assert (new.in_force_from, old.expires_on, new.expires_on) == (SWITCH, SWITCH, None)
    assert (old.status, new.status) == ("已被修改", "现行有效")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "day, old_status, new_status",
    [
        (SWITCH - timedelta(days=1), "现行有效", "尚未生效"),
        (SWITCH, "已被修改", "现行有效"),
        (SWITCH + timedelta(days=1), "已被修改", "现行有效"),
        # The 2018 修正 applied from its own date (the record keeps 1987's first 施行).
        (date(2018, 4, 26), "尚未生效", "尚未生效"),
        (date(2018, 4, 27), "现行有效", "尚未生效"),
    ],
)
def test_status_follows_the_dates_on_each_side_of_a_boundary(day, old_status, new_status):
    regulation_statuses_refresh(today=day)
    old, new = _versions()
    assert (old.status, new.status) == (old_status, new_status)
    work_refresh(work=old.work, today=day)  # the ingestion path agrees
    old, new = _versions()
    assert (old.status, new.status) == (old_status, new_status)


@pytest.mark.django_db
def test_a_repeal_ends_the_last_version():
    old, new = _versions()
    new.repealed = True
    new.save()
    work_refresh(work=new.work)
    old, new = _versions()
    assert (old.status, new.status) == ("已被修改", "已废止")


@pytest.mark.django_db
def test_editor_splits_and_merges_works():
    old, new = _versions()
    split = regulation_split(regulation=old)
    old, new = _versions()
    assert old.work == split and new.work != split and old.status == "现行有效"
    assert not old.clauses.exclude(lineage=None).exists()
    merged = works_merge(works=[old.work, new.work])
    old, new = _versions()
    assert old.work == new.work == merged and merged.grouped_by_editor
    assert (old.status, new.status) == ("已被修改", "现行有效")
    assert new.clauses.get(number=52).lineage == old.clauses.get(number=24).pk


@pytest.mark.django_db
def test_a_new_version_through_the_services_joins_its_work():
    title = "中华人民共和国国境卫生检疫法"
    later = regulation_create(
        title=title, level="法律", promulgated_on=date(2030, 1, 1), effective_on=date(2030, 6, 1)
    )
    assert later.work == Regulation.objects.get(slug=NEW).work
    assert Work.objects.get(pk=later.work_id).version_count == 3
    assert Regulation.objects.get(slug=NEW).expires_on == date(2030, 6, 1)


# ---------------------------------------------------------------- pages


def _url(slug, rest=""):
    return f"/regulations/{quote(slug)}/{rest}"


@pytest.mark.django_db
def test_superseded_version_shows_banner_and_timeline(client):
    page = client.get(_url(OLD)).content.decode()
    assert "此版本已于2025年1月1日被修改" in page
    assert f'href="{_url(NEW)}">查看现行版本' in page.replace(' class="current-link"', "")
    assert "沿革（2 个版本）" in page and "2024年修订" in page
    current = client.get(_url(NEW)).content.decode()
    assert "被修改" not in current.split("沿革")[0]


@pytest.mark.django_db
def test_clause_page_offers_the_clause_in_other_versions_and_a_versioned_citation(client):
    page = client.get(_url(OLD, "clauses/24/")).content.decode()
    assert "《中华人民共和国国境卫生检疫法》（2018年修正）第二十四条" in page
    assert _url(NEW, "clauses/52/") in page  # renumbered: matched by content


@pytest.mark.django_db
def test_as_of_pages(client):
    assert client.get(_url(OLD) + "?as_of=2025-01-01")["Location"] == _url(NEW)
    assert client.get(_url(NEW) + "?as_of=2024-12-31")["Location"] == _url(OLD)
    moved = client.get(_url(OLD, "clauses/24/") + "?as_of=2025-06-01")
    assert moved["Location"] == _url(NEW, "clauses/52/")
    assert client.get(_url(OLD) + "?as_of=1900-01-01").status_code == 404
    assert client.get(_url(OLD) + "?as_of=2025-02-30").status_code == 400


@pytest.mark.django_db
def test_compare_page(client):
    page = client.get(_url(OLD, f"compare/{NEW}/"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "27 条 → 57 条" in text and "<ins>" in text and "<del>" in text
    other = Regulation.objects.get(title="中华人民共和国电子商务法").slug
    assert client.get(_url(OLD, f"compare/{other}/")).status_code == 400


# ---------------------------------------------------------------- API


def _api(slug, rest=""):
    return f"/api/v1/regulations/{quote(slug)}/{rest}"


@pytest.mark.django_db
def test_api_versions_and_as_of(api):
    data = api.get(_api(OLD)).json()
    assert [v["slug"] for v in data["versions"]] == [OLD, NEW]
    assert data["current_version"] == NEW
    assert data["versions"][0]["expires_on"] == "2025-01-01"
    assert api.get(_api(OLD) + "?as_of=2025-01-01").json()["slug"] == NEW
    clause = api.get(_api(OLD, "clauses/24/") + "?as_of=2025-01-01").json()
    assert (clause["regulation"], clause["number"]) == (NEW, 52)
    for query, status in (("?as_of=1900-01-01", 404), ("?as_of=2025-1-1x", 400)):
        response = api.get(_api(OLD) + query)
        assert response.status_code == status and response.json()["error"]["message"]


@pytest.mark.django_db
def test_api_compare(api):
    data = api.get(_api(OLD, f"compare/{NEW}/")).json()
    changes = [p["change"] for p in data["pairs"]]
    assert set(changes) <= {"same", "changed", "added", "removed", "moved"}
    olds = [p["old"]["number"] for p in data["pairs"] if p["old"]]
    news = [p["new"]["number"] for p in data["pairs"] if p["new"]]
    assert sorted(olds, key=int) == [str(n) for n in range(1, 28)]  # every clause once
    assert news == [str(n) for n in range(1, 58)]  # in the new order
    treaties = next(p for p in data["pairs"] if p["old"] and p["old"]["number"] == "24")
    assert (treaties["new"]["number"], treaties["change"]) == ("52", "changed")
    assert "".join(t for op, t in treaties["diff"] if op != "-") == treaties["new"]["text"]
    other = Regulation.objects.get(title="中华人民共和国电子商务法").slug
    wrong = api.get(_api(OLD, f"compare/{other}/"))
    assert wrong.status_code == 400 and "不是同一法规" in wrong.json()["error"]["message"]
    assert api.get(_api("没有这部法规", f"compare/{NEW}/")).status_code == 404


# ---------------------------------------------------------------- search


@pytest.mark.django_db
def test_search_shows_one_hit_per_clause_across_versions():
    collapsed = search_documents(query=TREATIES, filters={"type": "clause"})
    assert collapsed.count == 1
    hit = collapsed.results[0]
    assert (hit.regulation.slug, hit.clause.number, hit.versions) == (NEW, 52, 2)
    assert [(f.value, f.count) for f in collapsed.facets["status"]] == [("现行有效", 1)]
    every = search_documents(query=TREATIES, filters={"type": "clause"}, versions="all")
    assert [h.regulation.slug for h in every.results] == [NEW, OLD]  # in force first
    before = search_documents(query=TREATIES, filters={"type": "clause"}, as_of=date(2020, 1, 1))
    assert [h.regulation.slug for h in before.results] == [OLD]


@pytest.mark.django_db
def test_search_api_versions_parameters(api):
    base = f"/api/v1/search/?type=clause&q={quote(TREATIES)}"
    assert api.get(base).json()["results"][0]["versions"] == 2
    assert api.get(base + "&versions=all").json()["count"] == 2
    assert api.get(base + "&as_of=2020-01-01").json()["results"][0]["regulation"]["slug"] == OLD
    assert api.get(base + "&as_of=20200101").status_code == 400
    assert api.get(base + "&versions=some").status_code == 400


# ---------------------------------------------------------------- alignment on real laws


def _clauses(name: str) -> list[tuple[str, str]]:
    path = next(Path(settings.CORPUS_DIR).glob(f"laws-full/*/{name}"))
    return [(c.label, c.text) for c in parse_law_markdown(path.read_text()).clauses]


@pytest.mark.parametrize(
    "old_file, new_file, expected",
    [
        (
            "国境卫生检疫法(2018-04-27).md",
            "国境卫生检疫法(2024-06-28).md",
            {"第一条": "第一条", "第十一条": "第十六条", "第二十四条": "第五十二条"},
        ),
        (
            "行政复议法(2017-09-01).md",
            "行政复议法(2023-09-01).md",
            {"第九条": "第二十条", "第一条": "第一条", "第四十三条": "第九十条"},
        ),
        (
            "公司法(2018-10-26).md",
            "公司法(2023-12-29).md",
            {"第一条": "第一条", "第三条": "第三条", "第二百一十八条": "第二百六十六条"},
        ),
    ],
)
def test_alignment_of_amended_laws(old_file, new_file, expected):
    old, new = _clauses(old_file), _clauses(new_file)
    pairs = align_clauses(old, new)
    assert sorted(p.old for p in pairs if p.old is not None) == list(range(len(old)))
    assert [p.new for p in pairs if p.new is not None] == list(range(len(new)))
    found = {old[p.old][0]: new[p.new][0] for p in pairs if p.old is not None and p.new is not None}
    assert {label: found.get(label) for label in expected} == expected


@pytest.mark.django_db
def test_refresh_versions_command_moves_statuses_with_the_calendar():
    out = StringIO()
    call_command("refresh_versions", "--statuses-only", "--today", "2024-12-31", stdout=out)
    assert "个版本的状态有变化" in out.getvalue()
    old, new = _versions()
    assert (old.status, new.status) == ("现行有效", "尚未生效")
    call_command("refresh_versions", stdout=StringIO())  # today again, everything regrouped
    old, new = _versions()
    assert (old.status, new.status) == ("已被修改", "现行有效") and old.work_id == new.work_id
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("refresh_versions", "--today", "2024-13-01")


@pytest.mark.django_db
def test_statuses_of_records_not_yet_in_a_work_are_not_guessed():
    old, new = _versions()
    Regulation.objects.filter(pk__in=[old.pk, new.pk]).update(work=None, superseded=False)
    regulation_statuses_refresh()  # groups them first, as after an upgrade
    old, new = _versions()
    assert old.work_id == new.work_id and (old.status, new.status) == ("已被修改", "现行有效")


@pytest.mark.django_db
def test_a_merged_work_takes_later_versions_under_either_title():
    first = regulation_create(
        title="测试甲条例", level="地方性法规", promulgated_on=date(2001, 1, 1)
    )
    second = regulation_create(
        title="测试乙条例", level="地方性法规", promulgated_on=date(2011, 1, 1)
    )
    merged = works_merge(works=[first.work, second.work])
    later = regulation_create(
        title="测试乙条例", level="地方性法规", promulgated_on=date(2021, 1, 1)
    )
    assert later.work == merged and merged.versions.count() == 3
    statuses = [v.status for v in sorted(merged.versions.all(), key=lambda v: v.version_order)]
    assert statuses == ["已被修改", "已被修改", "现行有效"]


@pytest.mark.django_db
def test_a_clause_added_through_the_services_joins_its_lineage():
    old, new = _versions()
    fees = old.clauses.get(number=26)  # removed in 2024: no partner
    assert not new.clauses.filter(lineage=fees.pk).exists()
    added = clause_create(regulation=new, number=58, text=fees.text)
    assert added.lineage == fees.pk


@pytest.mark.django_db
def test_an_entered_repeal_date_bounds_the_last_version(api):
    old, new = _versions()
    new.repealed, new.expires_on = True, date(2030, 1, 1)
    new.save()
    work_refresh(work=new.work, today=date(2029, 12, 31))
    assert Regulation.objects.get(pk=new.pk).expires_on == date(2030, 1, 1)
    assert Regulation.objects.get(pk=new.pk).status == "现行有效"
    assert api.get(_api(OLD) + "?as_of=2029-12-31").json()["slug"] == NEW
    assert api.get(_api(OLD) + "?as_of=2030-01-01").status_code == 404


@pytest.mark.django_db
def test_timeline_compare_links_put_the_older_version_first(client):
    for slug in (OLD, NEW):
        page = client.get(_url(slug)).content.decode()
        assert _url(OLD, f"compare/{quote(NEW)}/") in page
