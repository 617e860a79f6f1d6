"""The JSON API: every endpoint, filters, number forms, auth, validation, throttling, caching."""

import pytest

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
