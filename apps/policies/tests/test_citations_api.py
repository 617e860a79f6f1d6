"""Citations in the API: a clause's links both ways, a regulation's citation graph; counts checked
against the Citation rows, links followed, the graphs of two regulations checked against each
other."""

from urllib.parse import quote

import pytest
from django.db import connection
from django.db.models import Count, F
from django.test.utils import CaptureQueriesContext

from apps.policies.models import Citation, Clause, Regulation
from tests.helpers import api_error

pytestmark = pytest.mark.django_db
SLUG = "电子商务法-2018-08-31"
LAW = "/api/v1/regulations/" + quote(SLUG) + "/"


def _urls(data) -> set[str]:
    """Every url and html_url in a response, at any depth."""
    if isinstance(data, dict):
        found = {v for k, v in data.items() if k in ("url", "html_url") and v}
        return found.union(*(_urls(v) for v in data.values()))
    if isinstance(data, list):
        return set().union(*(_urls(v) for v in data))
    return set()


@pytest.fixture
def cross_citation() -> Citation:
    """A clause of another regulation citing 电子商务法第三十八条 (the test corpus resolves no
    clause across regulations: its laws cite each other as a whole)."""
    target = Clause.objects.get(regulation__slug=SLUG, number=38)
    citing = Clause.objects.get(regulation__slug="消费者权益保护法-2013-10-25", number=44)
    raw = "《中华人民共和国电子商务法》第三十八条"
    return Citation.objects.create(
        clause=citing,
        raw=raw,
        start=0,
        end=len(raw),
        target_title="中华人民共和国电子商务法",
        target_number=38,
        target_regulation=target.regulation,
        target_clause=target,
    )


def _clause_citations(api, clause: Clause):
    return api.get(
        "/api/v1/regulations/"
        + quote(clause.regulation.slug)
        + f"/clauses/{quote(clause.key)}/citations/"
    )


def test_clause_citations_both_ways_with_counts_from_the_base(api):
    clause = Clause.objects.get(regulation__slug=SLUG, number=44)
    data = api.get(LAW + "clauses/44/citations/").json()
    assert data["clause"]["regulation"] == SLUG and data["clause"]["label"] == "第四十四条"
    made = Citation.objects.filter(clause=clause).order_by("start")
    assert [c["raw"] for c in data["cites"]] == list(made.values_list("raw", flat=True))
    assert data["counts"] == {
        "cites": made.count(),
        "cited_by": Citation.objects.filter(target_clause=clause).count(),
    }
    first = next(c for c in data["cites"] if c["target_number"] == 42)
    assert first["resolved"] and first["regulation"]["slug"] == SLUG
    assert first["clause"]["number"] == 42 and first["clause"]["url"].endswith("/clauses/42/")
    cited = api.get(LAW + "clauses/42/citations/").json()["cited_by"]
    assert any(c["clause"]["number"] == 44 and c["raw"] for c in cited)


def test_a_clause_cited_by_another_regulation_lists_it(api, cross_citation):
    citation = cross_citation
    target, citing = citation.target_clause, citation.clause
    data = _clause_citations(api, target).json()
    assert data["counts"]["cited_by"] == Citation.objects.filter(target_clause=target).count()
    listed = [
        (c["clause"]["regulation"], c["clause"]["regulation_title"], c["clause"]["label"], c["raw"])
        for c in data["cited_by"]
    ]
    assert (citing.regulation.slug, citing.regulation.title, citing.label, citation.raw) in listed
    # and the citing clause names it among those it cites
    cites = _clause_citations(api, citing).json()["cites"]
    assert any(c["clause"] and c["clause"]["url"] == data["clause"]["url"] for c in cites)


def test_a_citation_of_a_whole_regulation_or_of_a_clause_not_in_the_base(api):
    whole = Citation.objects.filter(target_number=None).exclude(target_regulation=None).first()
    missing = Citation.objects.filter(target_clause=None).exclude(target_number=None).first()
    assert whole and missing
    for citation in (whole, missing):
        data = _clause_citations(api, citation.clause).json()
        entry = next(c for c in data["cites"] if c["raw"] == citation.raw)
        assert entry["clause"] is None and entry["resolved"] == citation.resolved
        if citation.target_regulation_id:
            assert entry["regulation"]["slug"] == citation.target_regulation.slug
        else:
            assert entry["regulation"] is None


def test_every_link_of_the_citation_endpoints_resolves(api, client, cross_citation):
    citation = cross_citation
    responses = [
        _clause_citations(api, citation.target_clause),
        _clause_citations(api, citation.clause),
        api.get(LAW + "citations/"),
    ]
    urls = set().union(*(_urls(r.json()) for r in responses))
    assert len(urls) > 6
    for url in sorted(urls):
        getter = api if "/api/" in url else client
        assert getter.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "number",
    ["44", quote("第44条"), quote("第四十四条"), quote("四十四"), "44.1", quote("第44条第1款")],
)
def test_clause_citations_number_forms(api, number):
    data = api.get(LAW + f"clauses/{number}/citations/").json()
    assert data["clause"]["number"] == 44 and data["counts"]["cites"] > 0


def test_a_clause_numbered_with_its_suffix_and_its_citations(api):
    regulation = Regulation.objects.get(slug=SLUG)
    inserted = Clause.objects.create(
        regulation=regulation, number=10, suffix="之一", label="第十条之一", text="…", order=1001
    )
    citing = regulation.clauses.get(number=11)
    Citation.objects.create(
        clause=citing,
        raw="本法第十条之一",
        start=0,
        end=7,
        target_number=10,
        target_suffix="之一",
        target_regulation=regulation,
        target_clause=inserted,
    )
    data = api.get(LAW + "clauses/10-1/citations/").json()
    assert data["clause"]["label"] == "第十条之一" and data["clause"]["suffix"] == "之一"
    assert data["clause"]["url"].endswith("/clauses/10-1/")
    assert [c["clause"]["number"] for c in data["cited_by"]] == [11]
    cited = api.get(LAW + "clauses/11/citations/").json()["cites"]
    assert any(c["clause"] and c["clause"]["label"] == "第十条之一" for c in cited)


def test_unknown_regulation_or_clause_is_404(api):
    api_error(api.get("/api/v1/regulations/nope/citations/"), 404)
    api_error(api.get("/api/v1/regulations/nope/clauses/1/citations/"), 404)
    assert "第八十九条" in api_error(api.get(LAW + "clauses/999/citations/"), 404)["message"]
    api_error(api.get(LAW + "clauses/abc/citations/"), 404)
    assert "没有第九款" in api_error(api.get(LAW + "clauses/44.9/citations/"), 404)["message"]


@pytest.mark.parametrize("slug", [SLUG, "广告法-2021-04-29", "消费者权益保护法-2013-10-25"])
def test_regulation_graph_counts_agree_with_the_citations(api, cross_citation, slug):
    regulation = Regulation.objects.get(slug=slug)
    data = api.get(f"/api/v1/regulations/{quote(slug)}/citations/").json()
    assert data["regulation"]["slug"] == slug
    made = Citation.objects.filter(clause__regulation=regulation)
    internal = made.filter(target_regulation=regulation)
    received = Citation.objects.filter(target_regulation=regulation).exclude(
        clause__regulation=regulation
    )
    assert data["counts"] == {
        "outgoing": made.count() - internal.count(),
        "incoming": received.count(),
        "internal": internal.count(),
        "outgoing_regulations": made.exclude(target_regulation=None)
        .exclude(target_regulation=regulation)
        .values("target_regulation")
        .distinct()
        .count(),
        "incoming_regulations": received.values("clause__regulation").distinct().count(),
    }
    assert data["incoming"]  # each is cited (电子商务法 by the fixture)
    for entry in data["outgoing"]:
        assert entry["slug"] != slug
        if entry["slug"]:
            rows = made.filter(target_regulation__slug=entry["slug"])
        else:
            assert entry["url"] is None and entry["html_url"] is None
            rows = made.filter(target_regulation=None, target_title=entry["title"])
        assert entry["count"] == rows.count()
        assert entry["clauses"] == rows.values("clause").distinct().count()
    for entry in data["incoming"]:
        rows = received.filter(clause__regulation__slug=entry["slug"])
        assert entry["count"] == rows.count()
        assert entry["clauses"] == rows.values("clause").distinct().count()
    for side in (data["outgoing"], data["incoming"]):
        order = [(-e["count"], e["title"]) for e in side]
        assert order == sorted(order)


def test_the_graphs_of_two_regulations_agree(api, throttle_rates, cross_citation):
    throttle_rates(anon="1000/minute", user="1000/minute")
    involved = set(
        Citation.objects.exclude(target_regulation=None)
        .exclude(target_regulation=F("clause__regulation"))
        .values_list("clause__regulation__slug", flat=True)
    )
    assert len(involved) > 3
    graphs = {}

    def graph(slug):
        if slug not in graphs:
            graphs[slug] = api.get(f"/api/v1/regulations/{quote(slug)}/citations/").json()
        return graphs[slug]

    pairs = 0
    for slug in sorted(involved):
        for entry in graph(slug)["outgoing"]:
            if entry["slug"]:
                back = {e["slug"]: e for e in graph(entry["slug"])["incoming"]}[slug]
                assert (back["count"], back["clauses"]) == (entry["count"], entry["clauses"])
                pairs += 1
    assert pairs >= len(involved)
    for slug, data in graphs.items():  # and the other way: every incoming entry is outgoing there
        for entry in data["incoming"]:
            there = {e["slug"]: e["count"] for e in graph(entry["slug"])["outgoing"]}
            assert there[slug] == entry["count"]


def test_citation_endpoints_make_as_many_queries_however_many_citations(api, cross_citation):
    by_citations = Regulation.objects.filter(has_full_text=True).annotate(
        n=Count("clauses__citations")
    )
    busiest, quietest = by_citations.order_by("-n").first(), by_citations.order_by("n").first()
    assert busiest.n > 20 and quietest.n == 0
    citation = cross_citation
    counts = []
    for url in [
        f"/api/v1/regulations/{quote(busiest.slug)}/citations/",
        f"/api/v1/regulations/{quote(quietest.slug)}/citations/",
        f"/api/v1/regulations/{quote(citation.clause.regulation.slug)}/clauses/"
        f"{citation.clause.key}/citations/",  # cites another regulation's clause
        LAW + "clauses/38/citations/",  # cited by another regulation's clause
        LAW + "clauses/1/citations/",
    ]:
        with CaptureQueriesContext(connection) as queries:
            assert api.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] and counts[2] == counts[3] == counts[4], counts
