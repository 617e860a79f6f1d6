"""The JSON API: every endpoint, filters, number forms, auth, validation, throttling, caching."""

import pytest

from apps.policies.models import Regulation
from tests.helpers import api_error

pytestmark = pytest.mark.django_db


def test_publications_articles_issuers(api):
    pubs = api.get("/api/v1/publications/").json()
    issuers = api.get("/api/v1/issuers/?page_size=100").json()["results"]
    counts = {i["name"]: i["regulation_count"] for i in issuers}
    assert (
        counts["全国人民代表大会常务委员会"]
        == Regulation.objects.filter(issuers__name="全国人民代表大会常务委员会").count()
    )
    if pubs["count"]:
        publication = pubs["results"][0]["id"]
        articles = api.get(f"/api/v1/articles/?publication={publication}&page_size=100").json()
        assert articles["count"] == pubs["results"][0]["article_count"]
        assert all(a["publication"] == publication for a in articles["results"])
    api_error(api.get("/api/v1/articles/?publication=abc"), 400)
