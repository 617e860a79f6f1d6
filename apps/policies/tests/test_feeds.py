"""The Atom feeds: the whole base, one work, a search; stable ids, absolute links, 400 and 404."""

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from urllib.parse import quote, urlencode

import feedparser
import pytest
from django.test import Client
from django.urls import include, path, reverse
from django.utils import timezone

from apps.policies.models import Regulation
from apps.policies.services.regulations import regulation_create
from config import urls as site_urls

# The site's URLs with the feeds, until config.urls includes them itself.
_has_feeds = any(getattr(p, "namespace", None) == "feeds" for p in site_urls.urlpatterns)
urlpatterns = list(site_urls.urlpatterns) + (
    [] if _has_feeds else [path("", include("config.feed_urls"))]
)
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

ATOM = "{http://www.w3.org/2005/Atom}"
SITE = "http://testserver"
TAG_ID = re.compile(r"^tag:fagui,2024:regulation/\d+/(version|status/(amended|repealed))$")
HIT_ID = re.compile(r"^tag:fagui,2024:(clause|regulation|article)/\d+$")
TITLE = "中华人民共和国订阅测试法"
OTHER = "电子商务法-2018-08-31"


def parse(response) -> ET.Element:
    """The feed of an answer, checked against what Atom (RFC 4287) requires of it."""
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/atom+xml")
    read = feedparser.parse(response.content)  # as a feed reader reads it
    assert not read.bozo, read.get("bozo_exception")
    assert read.version == "atom10"
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    assert [e.id for e in read.entries] == [e.findtext(f"{ATOM}id") for e in entries(feed)]
    for name in ("title", "id", "updated"):
        assert feed.findtext(f"{ATOM}{name}"), name
    assert feed.find(f"{ATOM}author/{ATOM}name").text == "法规知识库"
    self_link = feed.find(f"{ATOM}link[@rel='self']")
    assert self_link is not None and self_link.get("href").startswith(SITE + "/")
    assert feed.find(f"{ATOM}link[@rel='alternate']").get("href").startswith(SITE + "/")
    for entry in entries(feed):
        assert entry.findtext(f"{ATOM}title")
        assert entry.findtext(f"{ATOM}id").startswith("tag:fagui,2024:")
        assert entry.find(f"{ATOM}link").get("href").startswith(SITE + "/")
        updated(entry)  # present and RFC 3339
    return feed


def entries(feed: ET.Element) -> list[ET.Element]:
    return feed.findall(f"{ATOM}entry")


def ids(feed: ET.Element) -> list[str]:
    return [e.findtext(f"{ATOM}id") for e in entries(feed)]


def updated(element: ET.Element) -> datetime:
    return datetime.fromisoformat(element.findtext(f"{ATOM}updated"))


def entry(feed: ET.Element, id_: str) -> ET.Element:
    (found,) = [e for e in entries(feed) if e.findtext(f"{ATOM}id") == id_]
    return found


def version_id(regulation: Regulation) -> str:
    return f"tag:fagui,2024:regulation/{regulation.pk}/version"


def status_id(regulation: Regulation, status: str) -> str:
    return f"tag:fagui,2024:regulation/{regulation.pk}/status/{status}"


def work_feed_url(regulation: Regulation) -> str:
    return reverse("feeds:feed_work", args=[regulation.slug])


def create(title: str = TITLE, *, days_ago: int, effective_in: int | None = None, **fields):
    """A regulation published `days_ago` days ago (in force then, or `effective_in` days on)."""
    today = timezone.localdate()
    published = today - timedelta(days=days_ago)
    effective = published if effective_in is None else today + timedelta(days=effective_in)
    regulation = regulation_create(
        title=title, level="法律", promulgated_on=published, effective_on=effective, **fields
    )
    regulation.refresh_from_db()  # its work, label and dates, given after it was saved
    return regulation


# ---------------------------------------------------------------- the whole base


def test_whole_feed_is_atom_newest_first_and_at_most_50(client):
    assert reverse("feeds:feed_all") == "/feeds/"
    feed = parse(client.get("/feeds/"))
    assert feed.findtext(f"{ATOM}title") == "法规知识库：新法规与版本变化"
    found = entries(feed)
    assert 0 < len(found) <= 50
    assert len(found) == 50 or len(found) < Regulation.objects.count()  # cut, or all there are
    times = [updated(e) for e in found]
    assert times == sorted(times, reverse=True)
    assert all(TAG_ID.match(i) for i in ids(feed))
    assert len(set(ids(feed))) == len(found)


def test_whole_feed_ids_are_stable_across_requests(client):
    first, second = client.get("/feeds/"), client.get("/feeds/")
    assert ids(parse(first)) == ids(parse(second))
    assert first.content == second.content
    assert first["Last-Modified"]


def test_adding_a_version_adds_entries_to_the_whole_feed_and_the_works_feed(client):
    first = create(days_ago=20, issuers=["全国人民代表大会常务委员会"])
    whole_before = parse(client.get("/feeds/"))
    work_before = parse(client.get(work_feed_url(first)))
    assert version_id(first) in ids(whole_before)
    assert ids(work_before) == [version_id(first)]
    only = entry(work_before, version_id(first))
    assert only.findtext(f"{ATOM}title") == f"新法规：《{TITLE}》"
    assert only.find(f"{ATOM}link").get("href") == SITE + first.get_absolute_url()
    assert only.findtext(f"{ATOM}updated").startswith(str(first.promulgated_on))
    assert work_before.findtext(f"{ATOM}title") == f"《{TITLE}》的版本变化"

    second = create(days_ago=5)
    first.refresh_from_db()
    assert second.work_id == first.work_id and first.expires_on == second.promulgated_on
    whole_after = parse(client.get("/feeds/"))
    new = {version_id(second), status_id(first, "amended")}
    assert new <= set(ids(whole_after)) and not new & set(ids(whole_before))

    work_after = parse(client.get(work_feed_url(first)))
    assert ids(work_after) == [version_id(second), status_id(first, "amended"), version_id(first)]
    assert parse(client.get(work_feed_url(second))).findtext(f"{ATOM}id") == work_after.findtext(
        f"{ATOM}id"
    )
    assert ids(parse(client.get(work_feed_url(second)))) == ids(work_after)
    label = second.version_label
    assert label, "a version is labelled (its year at least)"
    assert (
        entry(work_after, version_id(second)).findtext(f"{ATOM}title")
        == f"新版本（{label}）：《{TITLE}》"
    )
    amended = entry(work_after, status_id(first, "amended"))
    assert amended.findtext(f"{ATOM}title") == f"《{TITLE}》（{first.version_label}）已被修改"
    assert amended.findtext(f"{ATOM}updated").startswith(str(first.expires_on))
    assert amended.find(f"{ATOM}category").get("term") == "已被修改"


def test_another_works_feed_does_not_change(client):
    other = Regulation.objects.get(slug=OTHER)
    before = client.get(work_feed_url(other))
    assert parse(before).findtext(f"{ATOM}title").endswith("的版本变化")
    create(days_ago=20)
    create(days_ago=5)
    after = client.get(work_feed_url(other))
    assert after.content == before.content


def test_a_version_not_yet_superseded_has_no_status_entry(client):
    first = create(days_ago=40)
    second = create(days_ago=5, effective_in=30)  # published, in force in 30 days
    first.refresh_from_db()
    assert first.expires_on > timezone.localdate()
    feed = parse(client.get(work_feed_url(first)))
    assert set(ids(feed)) == {version_id(first), version_id(second)}


def test_a_repeal_is_one_entry_on_the_latest_version(client):
    first = create(days_ago=40, repealed=True)
    alone = parse(client.get(work_feed_url(first)))
    assert set(ids(alone)) == {version_id(first), status_id(first, "repealed")}
    repeal = entry(alone, status_id(first, "repealed"))
    assert repeal.findtext(f"{ATOM}title") == f"《{TITLE}》已废止"
    first.refresh_from_db()  # no date of repeal: dated when the record changed
    assert updated(repeal) == first.updated_at

    second = create(days_ago=5, repealed=True)
    feed = parse(client.get(work_feed_url(first)))
    assert set(ids(feed)) == {
        version_id(first),
        version_id(second),
        status_id(first, "amended"),
        status_id(second, "repealed"),
    }


def test_unknown_regulation_is_404(client):
    assert client.get("/regulations/没有这部法规/feed/").status_code == 404


# ---------------------------------------------------------------- search


def test_search_feed_has_an_entry_per_hit(client):
    response = client.get("/search/feed/", {"q": "电子商务"})
    feed = parse(response)
    assert feed.findtext(f"{ATOM}title") == "检索“电子商务”的新结果"
    alternate = feed.find(f"{ATOM}link[@rel='alternate']").get("href")
    assert alternate == SITE + "/search/?q=" + quote("电子商务")
    self_link = feed.find(f"{ATOM}link[@rel='self']").get("href")
    assert self_link == SITE + "/search/feed/?q=" + quote("电子商务")
    found = entries(feed)
    assert 0 < len(found) <= 50
    assert all(HIT_ID.match(i) for i in ids(feed))
    for item in found:
        summary = item.findtext(f"{ATOM}summary")
        assert summary and "<" not in summary
    assert ids(feed) == ids(parse(client.get("/search/feed/", {"q": "电子商务"})))


def test_search_feed_filters(client):
    params = {"type": "regulation", "q": "电子商务", "page": "1", "unknown": "x"}
    feed = parse(client.get("/search/feed/", params))
    assert feed.findtext(f"{ATOM}title") == "检索“电子商务”（类型：法规）的新结果"
    canonical = "?" + urlencode({"q": "电子商务", "type": "regulation"})
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == f"{SITE}/search/feed/{canonical}"
    assert feed.findtext(f"{ATOM}id") == f"tag:fagui,2024:feed/search{canonical}"
    assert ids(feed) and all(i.startswith("tag:fagui,2024:regulation/") for i in ids(feed))
    for item in entries(feed):
        assert "/regulations/" in item.find(f"{ATOM}link").get("href")


@pytest.mark.parametrize(
    "params",
    [
        {"q": "电子商务", "page": "0"},
        {"q": "电子商务", "page": "x"},
        {"q": "电子商务", "level": "不存在"},
        {"q": "电子商务", "year": "abc"},
        {"q": "电子商务", "type": "nothing"},
    ],
)
def test_search_feed_bad_parameters_are_400_plain_text(client, params):
    response = client.get("/search/feed/", params)
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert text and "<" not in text


@pytest.mark.django_db
def test_search_feed_is_always_the_newest_hits_whatever_the_page():
    first = ids(parse(Client().get("/search/feed/", {"q": "电子商务"})))
    assert (
        first
        and ids(parse(Client().get("/search/feed/", {"q": "电子商务", "page": "1000"}))) == first
    )
