"""The search page through Django's test client: bad parameters, clause jumps, odd input."""

from urllib.parse import quote

import pytest

pytestmark = pytest.mark.django_db
LAW = "/regulations/" + quote("电子商务法-2018-08-31") + "/"  # the page of a law


@pytest.mark.parametrize(
    "params",
    [
        "page=abc",
        "page=1000000000",
        "page_size=0",
        "page_size=1000000",
        "type=nope",
        "year=20x8",
        "q=%E5%B9%B3%E5%8F%B0&page=999",
    ],
)
def test_bad_search_parameters_are_400(client, params):
    response = client.get(f"/search/?{params}")
    assert response.status_code == 400
    assert "检索条件有误" in response.content.decode()


def test_a_clause_number_searched_within_a_regulation_opens_the_clause(client):
    for typed in ("38", "第38条", "第三十八条", "三十八"):
        response = client.get("/search/", {"q": typed, "regulation": "电子商务法-2018-08-31"})
        assert response.status_code == 302 and response["Location"].endswith("/clauses/38/")
    words = client.get("/search/", {"q": "平台", "regulation": "电子商务法-2018-08-31"})
    assert words.status_code == 200


def test_odd_clause_keys_and_huge_queries_do_not_fail(client):
    assert client.get(LAW + "clauses/" + quote("²-1") + "/").status_code == 404
    jump = client.get("/search/", {"q": "²-1", "regulation": "电子商务法-2018-08-31"})
    assert jump.status_code == 200
    assert client.get("/search/", {"q": "字" * 20000}).status_code == 200


def test_facet_links_add_and_remove_values(client):
    html = client.get("/search/", {"q": "规定", "level": "法律"}).content.decode()
    assert "level=%E6%B3%95%E5%BE%8B&amp;level=" in html  # another level is added, not replacing
    chosen = client.get("/search/", {"q": "规定", "level": ["法律", "行政法规"]})
    text = chosen.content.decode()
    assert text.count('aria-current="true"') >= 2 and "效力级别：法律" in text
    assert "效力级别：行政法规" in text  # one chip per value
