"""The API's shared plumbing: throttling, and odd input answered in the one error shape."""

from urllib.parse import quote

import pytest
from django.core.cache import cache

from tests.helpers import api_error

pytestmark = pytest.mark.django_db
LAW = "/api/v1/regulations/" + quote("电子商务法-2018-08-31") + "/"


def test_anonymous_reads_are_throttled(api, throttle_rates):
    cache.clear()
    throttle_rates(anon="3/minute", user="100/minute")
    statuses = [api.get("/api/v1/issuers/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert "秒后重试" in api_error(api.get("/api/v1/issuers/"), 429)["message"]
    cache.clear()


@pytest.mark.parametrize(
    "path",
    [
        LAW + "clauses/" + quote("²-1") + "/",
        LAW + "clauses/1-" + "9" * 50 + "/",
        LAW + "clauses/" + "1" * 5000 + "/",
        "/api/v1/regulations/?page=" + quote("²"),
        "/api/v1/regulations/?page_size=" + quote("²"),
        "/api/v1/articles/?publication=" + quote("²"),
        "/api/v1/nope/",
    ],
)
def test_odd_numbers_and_unknown_paths_are_clean_json_errors(api, path):
    response = api.get(path)
    assert 400 <= response.status_code < 500
    assert response.json()["error"]["message"]
