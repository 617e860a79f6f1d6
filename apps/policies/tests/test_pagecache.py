"""Clause and regulation pages are cached whole and never served stale after an edit."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from apps.policies.models import Clause, IssuingBody
from apps.policies.selectors import content_version_get
from apps.policies.services.clauses import clause_update
from apps.policies.services.content import content_version_bump

pytestmark = pytest.mark.django_db


@pytest.fixture
def clause(db):
    return Clause.objects.select_related("regulation").filter(regulation__has_full_text=True)[0]


def _get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries.captured_queries)


def test_a_repeated_clause_page_is_served_from_the_cache_with_one_query(client, clause):
    url = clause.get_absolute_url()
    first, first_queries = _get(client, url)
    again, again_queries = _get(client, url)
    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    assert again_queries == 1 < first_queries  # only the content version is read


def test_editing_a_clause_shows_at_once_on_its_page_and_its_regulation_page(
    client, clause, django_capture_on_commit_callbacks
):
    clause_url, regulation_url = clause.get_absolute_url(), clause.regulation.get_absolute_url()
    client.get(clause_url), client.get(regulation_url)
    version = content_version_get()
    with django_capture_on_commit_callbacks(execute=True):
        clause_update(clause=clause, text=clause.text + "（测试修改）")
    assert content_version_get() > version
    assert "（测试修改）" in client.get(clause_url).content.decode()
    assert "（测试修改）" in client.get(regulation_url).content.decode()


def test_an_issuer_only_change_is_not_hidden_by_the_cache(
    client, clause, django_capture_on_commit_callbacks
):
    regulation = clause.regulation
    url = regulation.get_absolute_url()
    client.get(url)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        body = IssuingBody.objects.create(name="测试缓存失效委员会")
        regulation.issuers.add(body)
    assert len([c for c in callbacks if c is content_version_bump]) == 1  # once
    assert "测试缓存失效委员会" in client.get(url).content.decode()


def test_missing_pages_and_signed_in_users_are_not_cached(client, clause, admin_user):
    missing = clause.regulation.get_absolute_url() + "clauses/99999/"
    assert _get(client, missing)[0].status_code == 404
    assert _get(client, missing)[1] > 1  # rendered again, not cached
    client.force_login(admin_user)
    url = clause.get_absolute_url()
    client.get(url)
    assert _get(client, url)[1] > 1


def test_a_rolled_back_change_does_not_raise_the_version(
    clause, django_capture_on_commit_callbacks
):
    version = content_version_get()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            clause.regulation.save()
            raise RuntimeError
    assert callbacks == []
    assert content_version_get() == version


def test_the_home_page_is_kept_a_minute_past_an_edit_then_rendered_again(
    client, clause, django_capture_on_commit_callbacks, monkeypatch
):
    """Its counts read every regulation (0.4 s at national scale): a stream of edits must not
    make every worker render it for each one; a minute later it shows them."""
    from apps.policies import pagecache

    now = [1000.0]
    monkeypatch.setattr(pagecache, "monotonic", lambda: now[0])
    first, _ = _get(client, "/")
    with django_capture_on_commit_callbacks(execute=True):
        IssuingBody.objects.create(name="测试首页缓存委员会")
    now[0] += 59
    kept, kept_queries = _get(client, "/")
    assert kept.content == first.content and kept_queries == 1
    now[0] += 2
    fresh, fresh_queries = _get(client, "/")
    assert fresh_queries > 1  # rendered again once the minute is over
    again, again_queries = _get(client, "/")
    assert again.content == fresh.content and again_queries == 1
