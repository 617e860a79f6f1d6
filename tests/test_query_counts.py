"""Server-rendered pages through Django's test client: content, errors, escaping, query counts."""

from urllib.parse import quote

import pytest

pytestmark = pytest.mark.django_db
LAW = "/regulations/" + quote("电子商务法-2018-08-31") + "/"


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
        "/api/v1/regulations/" + quote("电子商务法-2018-08-31") + "/",
        "/api/v1/regulations/" + quote("电子商务法-2018-08-31") + "/clauses/38/",
        "/api/v1/search/?q=" + quote("平台"),
    ],
)
def test_pages_do_not_query_per_row(client, django_assert_max_num_queries, url):
    with django_assert_max_num_queries(25):
        assert client.get(url).status_code == 200
