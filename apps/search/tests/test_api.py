"""The JSON API: every endpoint, filters, number forms, auth, validation, throttling, caching."""

from datetime import date

import pytest

from apps.policies.models import Regulation
from apps.policies.selectors import doctrine_matches
from lawtext.doctrines import doctrine_rows
from tests.helpers import api_error

pytestmark = pytest.mark.django_db


def test_search_endpoint(api):
    data = api.get("/api/v1/search/", {"q": '"平台内经营者"', "type": "clause"}).json()
    assert data["count"] > 0
    first = data["results"][0]
    assert first["type"] == "clause" and "<mark>平台内经营者</mark>" in first["highlight"]
    assert first["regulation"]["slug"] and first["number"] and first["label"] and first["text"]
    assert set(data["facets"]) == {"type", "issuer", "level", "province", "city", "status", "year"}
    # The chosen facet counts its other values too: choosing one of them adds to the result.
    types = {f["value"]: f["count"] for f in data["facets"]["type"]}
    assert types["clause"] == data["count"] and set(types) > {"clause"}
    api_error(api.get("/api/v1/search/", {"year": "20x8"}), 400)
    api_error(api.get("/api/v1/search/", {"type": "nope"}), 400)
    api_error(api.get("/api/v1/search/", {"q": "平台", "page": 999}), 404)
    api_error(api.get("/api/v1/search/", {"q": "平台", "page": 10**9}), 400)
    api_error(api.get("/api/v1/search/", {"status": ""}), 400)


def test_method_not_allowed(api):
    api_error(api.post("/api/v1/search/"), 405)


def test_each_kind_of_hit_carries_only_its_own_fields(api):
    clause_keys = {"regulation", "number", "label", "text"}
    for kind, present in (
        ("clause", clause_keys),
        ("regulation", {"regulation"}),
        ("article", set()),
    ):
        results = api.get("/api/v1/search/", {"q": "电子商务", "type": kind}).json()["results"]
        assert results, kind
        for result in results:
            assert {"type", "title", "url", "highlight", "date", "breadcrumb"} <= set(result)
            assert set(result) & clause_keys == present, (kind, result)


def test_several_values_of_a_facet_are_any_of_them(api):
    base = "/api/v1/search/?type=regulation"
    one = api.get(base + "&level=法律").json()["count"]
    other = api.get(base + "&level=行政法规").json()["count"]
    both = api.get(base + "&level=法律&level=行政法规").json()
    assert one and other and both["count"] == one + other
    levels = {f["value"]: f["count"] for f in both["facets"]["level"]}
    assert (levels["法律"], levels["行政法规"]) == (one, other)
    assert api.get(base + "&level=法律&level=").status_code == 400
    assert api.get(base + "&level=不存在&level=法律").status_code == 400


def test_a_blank_facet_value_filters_nothing(api):
    both = api.get("/api/v1/search/", {"q": "平台", "province": [" ", "浙江省"]})
    alone = api.get("/api/v1/search/", {"q": "平台", "province": "浙江省"})
    assert both.status_code == 200 and both.json()["count"] == alone.json()["count"]


def test_search_in_titles_only_finds_regulations_by_their_title(api):
    data = api.get("/api/v1/search/", {"q": "电子商务", "scope": "title"}).json()
    titles = [r["title"] for r in data["results"]]
    assert titles and all("电子商务" in t for t in titles)
    assert {r["type"] for r in data["results"]} == {"regulation"}
    # Full text finds the clauses too; the title scope never a regulation that only cites it.
    full = api.get("/api/v1/search/", {"q": "电子商务"}).json()["count"]
    assert full > data["count"]
    assert (
        api.get("/api/v1/search/", {"q": "电子商务", "scope": "fulltext"}).json()["count"] == full
    )
    assert (
        api.get("/api/v1/search/", {"q": "電子商務", "scope": "title"}).json()["count"]
        == (data["count"])
    )
    api_error(api.get("/api/v1/search/", {"q": "电子商务", "scope": "abstract"}), 400)


@pytest.mark.parametrize(
    ("params", "check"),
    [
        (
            {"promulgated_after": "2021-01-01", "promulgated_before": "2021-12-31"},
            lambda r: r.promulgated_on and 2021 == r.promulgated_on.year,
        ),
        ({"effective_after": "2021-09-01"}, lambda r: r.in_force_from >= date(2021, 9, 1)),
        ({"effective_before": "2019-01-01"}, lambda r: r.in_force_from <= date(2019, 1, 1)),
    ],
)
def test_date_ranges_keep_only_versions_dated_inside(api, params, check):
    data = api.get("/api/v1/search/", {"type": "regulation", "page_size": 100, **params}).json()
    regulations = Regulation.objects.in_bulk(
        [r["regulation"]["slug"] for r in data["results"]], field_name="slug"
    )
    assert data["count"] and all(check(r) for r in regulations.values())
    assert data["count"] < api.get("/api/v1/search/", {"type": "regulation"}).json()["count"]


@pytest.mark.parametrize(
    "params",
    [
        {"promulgated_after": "2021-12-31", "promulgated_before": "2021-01-01"},
        {"effective_after": "2020-01-01", "effective_before": "1999-01-01"},
        {"promulgated_after": "1066-10-14"},
        {"effective_before": "3000-01-01"},
        {"promulgated_after": "2021-02-30"},
    ],
)
def test_absurd_date_ranges_are_a_400_naming_the_field(api, params):
    error = api_error(api.get("/api/v1/search/", {"q": "电子商务", **params}), 400)
    assert set(error["fields"]) & set(params)


def test_a_doctrine_name_puts_its_clause_first_and_says_so(api):
    # Every reviewed term whose law is in the test corpus: its clause in force comes first.
    checked = 0
    for term in dict.fromkeys(row.term for row in doctrine_rows()):
        found = doctrine_matches(term=term)
        if not found:
            continue
        data = api.get("/api/v1/search/", {"q": term}).json()
        first = data["results"][0]
        assert (first["regulation"]["slug"], first["number"]) == (
            found[0].clause.regulation.slug,
            found[0].clause.number,
        ), term
        assert any(f"「{term}」通常指" in notice for notice in data["notices"])
        checked += 1
    assert checked >= 3


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        ("火星法第3条", "没有找到标题或简称为「火星法」的法规"),
        ("电子商务法第38条第5款", "第三十八条共二款，没有第五款"),
        ("电子商务法第三十八条第二款第九项", "没有第二款第九项"),
        ("电商法第999条", "共八十九条，没有第九百九十九条"),
    ],
)
def test_references_that_cannot_be_followed_are_explained(api, query, notice):
    response = api.get("/api/v1/search/", {"q": query})
    assert response.status_code == 200
    assert any(notice in n for n in response.json()["notices"]), response.json()["notices"]


def test_a_followable_reference_has_no_such_notice(api):
    data = api.get("/api/v1/search/", {"q": "电子商务法第38条第2款"}).json()
    assert data["notices"] == [] and data["results"][0]["number"] == 38
    assert data["results"][0]["url"].endswith("#k2")
