"""Pages and API answers read a bounded number of rows, never one query per row (N+1)."""

from urllib.parse import quote

import pytest

pytestmark = pytest.mark.django_db
SLUG = quote("电子商务法-2018-08-31")
LAW = f"/regulations/{SLUG}/"


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/regulations/",
        LAW,
        LAW + "clauses/38/",
        "/search/?q=" + quote("平台内经营者"),
        "/publications/",
        "/api/v1/regulations/",
        f"/api/v1/regulations/{SLUG}/",
        f"/api/v1/regulations/{SLUG}/clauses/38/",
        "/api/v1/search/?q=" + quote("平台"),
    ],
)
def test_pages_do_not_query_per_row(client, django_assert_max_num_queries, url):
    with django_assert_max_num_queries(25):
        assert client.get(url).status_code == 200
