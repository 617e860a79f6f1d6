"""The JSON API: every endpoint, filters, number forms, auth, validation, throttling, caching."""

from datetime import UTC, datetime
from urllib.parse import quote

import pytest
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token

from apps.policies.models import Clause, IssuingBody, Regulation
from tests.helpers import api_error

pytestmark = pytest.mark.django_db
LAW = "/api/v1/regulations/" + quote("电子商务法-2018-08-31") + "/"


def test_regulation_list_shape_and_pagination(api):
    data = api.get("/api/v1/regulations/?page_size=3").json()
    assert data["count"] == Regulation.objects.count()
    assert len(data["results"]) == 3 and data["next"] and data["previous"] is None
    item = data["results"][0]
    assert set(item) >= {
        "slug",
        "title",
        "short_title",
        "doc_number",
        "level",
        "issuers",
        "promulgated_on",
        "effective_on",
        "status",
        "clause_count",
        "url",
    }


@pytest.mark.parametrize(
    ("params", "check"),
    [
        ("level=行政法规", lambda r: r["level"] == "行政法规"),
        ("status=已被修改", lambda r: r["status"] == "已被修改"),
        ("issuer=国务院", lambda r: "国务院" in r["issuers"]),
        ("year=2018", lambda r: r["promulgated_on"].startswith("2018")),
        ("q=电子商务", lambda r: "电子商务" in r["title"] + r["short_title"] + r["doc_number"]),
        ("promulgated_after=2020-01-01", lambda r: r["promulgated_on"] >= "2020-01-01"),
        ("promulgated_before=2015-01-01", lambda r: r["promulgated_on"] <= "2015-01-01"),
        ("has_full_text=true", lambda r: r["clause_count"] > 0),
    ],
)
def test_regulation_list_filters(api, params, check):
    results = api.get(f"/api/v1/regulations/?{params}&page_size=100").json()["results"]
    assert results and all(check(r) for r in results)
    assert len(results) < Regulation.objects.count()


@pytest.mark.parametrize("typed", ["電子商務法", "电子商务法"])
def test_regulation_list_title_filter_folds_traditional_characters(api, typed):
    titles = [r["title"] for r in api.get("/api/v1/regulations/", {"q": typed}).json()["results"]]
    assert "中华人民共和国电子商务法" in titles


def test_regulation_list_doc_number_filter_reads_any_brackets_of_the_year(api):
    numbered = Regulation.objects.filter(doc_number__contains="〔").first()
    assert numbered is not None
    for opening, closing in ("[]", "【】", "()", "〔〕"):
        typed = numbered.doc_number.replace("〔", opening).replace("〕", closing)
        answer = api.get("/api/v1/regulations/", {"q": typed}).json()
        assert numbered.slug in [r["slug"] for r in answer["results"]], typed


@pytest.mark.parametrize(
    "params",
    [
        {"promulgated_after": "2020-01-01", "promulgated_before": "2019-01-01"},
        {"promulgated_after": "0001-01-01"},
        {"promulgated_before": "9999-12-31"},
        {"promulgated_after": "2020-13-45"},
    ],
)
def test_regulation_list_absurd_date_ranges_are_a_400_with_the_error_shape(api, params):
    response = api.get("/api/v1/regulations/", params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "bad_request" and error["message"]
    assert error["fields"] and set(error["fields"]) <= set(params)


def test_regulation_list_ordering(api):
    results = api.get("/api/v1/regulations/?ordering=title&page_size=100").json()["results"]
    titles = [r["title"] for r in results]
    assert titles == sorted(titles)
    results = api.get("/api/v1/regulations/?ordering=-promulgated_on&page_size=100").json()
    dates = [r["promulgated_on"] for r in results["results"] if r["promulgated_on"]]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize(
    "params",
    [
        "level=不存在",
        "year=abc",
        "page=0",
        "page=x",
        "page_size=0",
        "page_size=1000000",
        "ordering=nope",
        "promulgated_after=2020-13-40",
        "has_full_text=maybe",
        "status=",
        "year=",
    ],
)
def test_bad_list_parameters_are_400(api, params):
    api_error(api.get(f"/api/v1/regulations/?{params}"), 400)


def test_a_one_day_date_range_lists_that_days_regulations(api):
    # A reversed range is a 400 (test_regulation_list_absurd_date_ranges…); one day is a range.
    data = api.get(
        "/api/v1/regulations/?promulgated_after=2018-08-31&promulgated_before=2018-08-31"
    )
    assert data.status_code == 200 and data.json()["count"] >= 1
    assert {r["promulgated_on"] for r in data.json()["results"]} == {"2018-08-31"}


def test_page_past_the_end_is_404_and_absurd_pages_are_400(api):
    assert api_error(api.get("/api/v1/regulations/?page=5000"), 404)["fields"]["page"]
    assert api_error(api.get("/api/v1/regulations/?page=1000000000"), 400)["fields"]["page"]


def test_regulation_detail_with_toc_and_source(api):
    data = api.get(LAW).json()
    assert data["title"] == "中华人民共和国电子商务法" and data["clause_count"] == 89
    chapters = data["toc"]
    assert len(chapters) == 7 and chapters[1]["children"][0]["title"] == "第一节 一般规定"
    keys = [
        key
        for chapter in chapters
        for entry in [chapter, *chapter["children"]]
        for key in entry["clauses"]
    ]
    assert keys == [str(n) for n in range(1, 90)]
    assert "source_article" in data


def test_unknown_slug_and_clause_are_404(api):
    api_error(api.get("/api/v1/regulations/nope/"), 404)
    api_error(api.get(LAW + "clauses/999/"), 404)
    api_error(api.get(LAW + "clauses/abc/"), 404)


@pytest.mark.parametrize(
    "number", ["38", quote("第38条"), quote("第三十八条"), quote("三十八"), quote("３８")]
)
def test_clause_number_forms(api, number):
    data = api.get(LAW + f"clauses/{number}/").json()
    assert data["label"] == "第三十八条" and data["number"] == 38
    assert data["paragraphs"] == data["text"].split("\n")
    assert data["chapter"] == "第二章 电子商务经营者"


def test_clause_citations_and_cited_by(api):
    data = api.get(LAW + "clauses/44/").json()
    resolved = [c for c in data["citations"] if c["resolved"]]
    assert [c["target_number"] for c in resolved][:2] == [42, 43]
    assert resolved[0]["clause_url"].endswith("/clauses/42/")
    cited = api.get(LAW + "clauses/42/").json()["cited_by"]
    assert any(c["number"] == 44 for c in cited)


def test_clause_list_in_order(api):
    data = api.get(LAW + "clauses/?page_size=100").json()
    assert data["count"] == 89
    assert [c["number"] for c in data["results"]] == list(range(1, 90))


def test_anonymous_and_read_only_users_cannot_write(api):
    api_error(api.post("/api/v1/regulations/", {"title": "x", "level": "法律"}, format="json"), 401)
    api_error(api.delete(LAW), 401)
    reader = User.objects.create_user("reader")
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=reader).key}")
    api_error(api.patch(LAW, {"status": "已废止"}, format="json"), 403)
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    api_error(api.get("/api/v1/regulations/"), 401)


def test_revoked_token_is_refused(editor_client):
    Token.objects.all().delete()
    api_error(editor_client.patch(LAW, {"status": "已废止"}, format="json"), 401)


def test_editor_creates_updates_and_deletes(editor_client):
    response = editor_client.post(
        "/api/v1/regulations/",
        {
            "title": "测试管理办法",
            "level": "部门规章",
            "issuers": ["测试部", "另一部"],
            "promulgated_on": "2024-01-01",
            "effective_on": "2024-03-01",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    slug = response.json()["slug"]
    base = "/api/v1/regulations/" + quote(slug) + "/"
    assert editor_client.get(base).json()["issuers"] == ["另一部", "测试部"]
    created = editor_client.post(
        base + "clauses/", {"number": 1, "text": "第一款。\n第二款。"}, format="json"
    )
    assert created.status_code == 201 and created.json()["label"] == "第一条"
    assert created.json()["paragraphs"] == ["第一款。", "第二款。"]
    duplicate = editor_client.post(base + "clauses/", {"number": 1, "text": "重复"}, format="json")
    assert "已存在" in api_error(duplicate, 400)["message"]
    editor_client.post(
        base + "clauses/", {"number": 1, "suffix": "之一", "text": "插入"}, format="json"
    )
    numbers = [c["label"] for c in editor_client.get(base + "clauses/").json()["results"]]
    assert numbers == ["第一条", "第一条之一"]
    patched = editor_client.patch(base + "clauses/1/", {"text": "改过的。"}, format="json")
    assert patched.json()["text"] == "改过的。"
    assert editor_client.delete(base + "clauses/" + quote("第一条之一") + "/").status_code == 204
    assert editor_client.delete(base).status_code == 204
    api_error(editor_client.get(base), 404)
    assert not Clause.objects.filter(regulation__slug=slug).exists()


def test_write_validation(editor_client):
    body = api_error(
        editor_client.post(
            "/api/v1/regulations/",
            {
                "title": "日期倒置办法",
                "level": "部门规章",
                "promulgated_on": "2024-05-01",
                "effective_on": "2024-01-01",
            },
            format="json",
        ),
        400,
    )
    assert "effective_on" in body["fields"]
    assert (
        "level"
        in api_error(
            editor_client.post(
                "/api/v1/regulations/", {"title": "x", "level": "天条"}, format="json"
            ),
            400,
        )["fields"]
    )
    assert (
        "number"
        in api_error(
            editor_client.post(LAW + "clauses/", {"number": 0, "text": "x"}, format="json"), 400
        )["fields"]
    )
    api_error(
        editor_client.post("/api/v1/regulations/", "not json", content_type="application/json"), 400
    )


def test_conditional_requests(api):
    first = api.get(LAW)
    assert first["ETag"] and first["Last-Modified"]
    assert api.get(LAW, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert api.get(LAW, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    assert api.get(LAW, HTTP_IF_NONE_MATCH='"other"').status_code == 200
    clause = api.get(LAW + "clauses/38/")
    assert api.get(LAW + "clauses/38/", HTTP_IF_NONE_MATCH=clause["ETag"]).status_code == 304


def test_changing_only_the_issuers_makes_a_regulation_modified(api):
    regulation = Regulation.objects.get(slug="电子商务法-2018-08-31")
    long_ago = datetime(2020, 1, 1, tzinfo=UTC)
    Regulation.objects.filter(pk=regulation.pk).update(updated_at=long_ago)
    regulation.clauses.update(updated_at=long_ago)
    first = api.get(LAW)
    assert first["Last-Modified"] == "Wed, 01 Jan 2020 00:00:00 GMT"
    regulation.issuers.set([IssuingBody.objects.create(name="测试部")])  # no save() of its own
    again = api.get(LAW, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 200 and again.json()["issuers"] == ["测试部"]
    Regulation.objects.filter(pk=regulation.pk).update(updated_at=long_ago)
    IssuingBody.objects.create(name="另一部").regulations.add(regulation)  # from the other side
    regulation.refresh_from_db()
    assert regulation.updated_at > long_ago


def test_an_amended_law_can_be_written_back(editor_client):
    data = editor_client.get("/api/v1/regulations/" + quote("广告法-2021-04-29") + "/").json()
    # This version's own 施行 date (the amending decision's), not the 2015 law's commencement.
    assert data["effective_on"] == data["promulgated_on"] == "2021-04-29"
    body = {k: data[k] for k in ("title", "level", "issuers", "promulgated_on", "effective_on")}
    # An editor may still give a date before this version's, after the first enactment (1994).
    body["effective_on"] = "2015-09-01"
    response = editor_client.put(
        "/api/v1/regulations/" + quote("广告法-2021-04-29") + "/", body, format="json"
    )
    assert response.status_code == 200, response.content


def test_clause_json_numbers_paragraphs_and_items_and_focuses_an_address(api):
    base = "/api/v1/regulations/" + quote("电子商务法-2018-08-31") + "/clauses/"
    data = api.get(base + "80/").json()
    assert [p["label"] for p in data["provisions"]] == ["第一款", "第二款"]
    assert [i["anchor"] for i in data["provisions"][0]["items"]] == ["k1x1", "k1x2", "k1x3", "k1x4"]
    assert data["focus"] is None
    focused = api.get(base + quote("第80条第1款第三项") + "/").json()
    assert focused["number"] == 80 and focused["focus"]["label"] == "第一款第三项"
    assert focused["focus"]["citation"] == "《中华人民共和国电子商务法》第八十条第一款第三项"
    assert focused["focus"]["text"].startswith("（三）")
    assert api.get(base + "38.2/").json()["focus"]["anchor"] == "k2"
    missing = api.get(base + "38.3/")
    assert missing.status_code == 404 and "共二款" in missing.json()["error"]["message"]
