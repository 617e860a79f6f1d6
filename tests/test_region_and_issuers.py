"""地区 and canonical 制定机关 as users meet them: regulation JSON, list filters and facets."""

from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.http import QueryDict

from apps.core.templatetags.links import with_param
from apps.ingest.services import corpus_ingest
from apps.policies.models import IssuingBody, IssuingBodyAlias, Regulation

LOCAL = Path(settings.CORPUS_DIR) / "local" / "浙江"


@pytest.fixture
def lishui(db):
    report = corpus_ingest(
        paths=[
            LOCAL / "丽水市扬尘污染防治规定(2021-12-30).md",
            LOCAL / "浙江省绿色建筑条例(2020-09-24).md",
        ]
    )
    assert [f.outcome for f in report.files] == ["created", "created"], report.files
    return Regulation.objects.get(title="丽水市扬尘污染防治规定")


def test_a_local_regulation_in_the_api_has_its_region_and_bodies(api, lishui):
    data = api.get(f"/api/v1/regulations/{quote(lishui.slug)}/").json()
    assert (data["province"], data["city"]) == ("浙江省", "丽水市")
    assert data["level"] == "地方性法规"
    assert data["issuers"] == ["丽水市人民代表大会常务委员会"]
    assert data["approvers"] == ["浙江省人民代表大会常务委员会"]
    assert data["incomplete"] == "" and isinstance(data["problems"], list)
    assert data["sources"] == [
        {"path": lishui.sources.get().path, "role": "text", "note": ""},
    ]


def test_the_list_filters_by_province_then_city(api, lishui):
    province = api.get("/api/v1/regulations/", {"province": "浙江省"}).json()
    titles = {r["title"] for r in province["results"]}
    assert titles == {"丽水市扬尘污染防治规定", "浙江省绿色建筑条例"}
    city = api.get("/api/v1/regulations/", {"province": "浙江省", "city": "丽水市"}).json()
    assert [r["title"] for r in city["results"]] == ["丽水市扬尘污染防治规定"]
    assert api.get("/api/v1/regulations/", {"city": "杭州市"}).json()["count"] == 0


@pytest.mark.django_db
def test_an_issuer_alias_finds_the_canonical_body(api):
    by_alias = api.get("/api/v1/regulations/", {"issuer": "全国人大常委会", "page_size": 100})
    by_name = api.get(
        "/api/v1/regulations/", {"issuer": "全国人民代表大会常务委员会", "page_size": 100}
    )
    assert by_alias.status_code == by_name.status_code == 200
    assert by_alias.json()["count"] == by_name.json()["count"] > 0
    found = api.get("/api/v1/search/", {"q": "电子商务", "issuer": "全国人大常委会"}).json()
    assert found["count"] > 0
    assert {f["value"] for f in found["facets"]["issuer"]} >= {"全国人民代表大会常务委员会"}


def test_the_list_page_offers_the_cities_of_a_chosen_province(client, lishui):
    page = client.get("/regulations/", {"province": "浙江省"}).content.decode()
    assert 'data-facet="province"' in page and 'data-facet="city"' in page
    assert "丽水市" in page
    # Choosing another province drops the city chosen in the first.
    chosen = QueryDict("province=浙江省&city=丽水市&page=2")
    assert with_param(chosen, "province", "上海市") == "?province=%E4%B8%8A%E6%B5%B7%E5%B8%82"
    assert "city=" in with_param(chosen, "level", "地方性法规")


def test_the_regulation_page_shows_region_bodies_and_an_incomplete_text(client, lishui, tmp_path):
    page = client.get(lishui.get_absolute_url()).content.decode()
    assert "制定机关" in page and "丽水市人民代表大会常务委员会" in page
    assert "批准机关" in page and "浙江省人民代表大会常务委员会" in page
    assert "地区" in page and "丽水市" in page
    cut = tmp_path / "截断条例.md"
    cut.write_text("# 截断条例\n\n<!-- INFO END -->\n\n第一条 甲。\n\n第二条 经营者，不", "utf-8")
    corpus_ingest(paths=[cut])
    page = client.get(Regulation.objects.get(title="截断条例").get_absolute_url())
    assert "文本可能不完整" in page.content.decode()


@pytest.mark.django_db
def test_an_alias_an_editor_adds_in_the_admin_finds_the_body(admin_client, api):
    body = IssuingBody.objects.get(name="国家市场监督管理总局")
    added = admin_client.post(
        f"/admin/policies/issuingbody/{body.pk}/change/",
        {
            "name": body.name,
            "aliases-TOTAL_FORMS": "1",
            "aliases-INITIAL_FORMS": "0",
            "aliases-0-name": "国家市监总局",
            "aliases-0-source": "测试",
        },
    )
    assert added.status_code == 302, added.content.decode()[:2000]
    by_alias = api.get("/api/v1/regulations/", {"issuer": "国家市监总局"}).json()
    by_name = api.get("/api/v1/regulations/", {"issuer": body.name}).json()
    assert by_alias["count"] == by_name["count"] > 0
    # A canonical name cannot be made an alias of another body.
    refused = admin_client.post(
        "/admin/policies/issuingbodyalias/add/",
        {"name": "国务院", "body": body.pk, "source": ""},
    )
    assert refused.status_code == 200 and "正式名称" in refused.content.decode()
    assert not IssuingBodyAlias.objects.filter(name="国务院").exists()
