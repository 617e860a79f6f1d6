"""The publication pages say what the sources say, and say so when they do not."""

import re

import pytest

from apps.documents.models import Publication

pytestmark = pytest.mark.django_db


def _meta_lines(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", m) for m in re.findall(r'<div class="meta">(.*?)</div>', html)]


def test_every_publication_row_names_its_issuer_and_date_or_says_they_are_unknown(client):
    lines = _meta_lines(client.get("/publications/").content.decode())
    assert len(lines) == Publication.objects.count() == 5
    for line in lines:
        parts = [part.strip() for part in line.split("·")]
        assert all(parts), line  # never an empty part: no row starts with "·"
        assert len(parts) >= 3 and parts[-1].endswith("篇")
    bare = Publication.objects.get(title="政府动态")  # its text names neither
    assert not bare.publisher and bare.published_on is None
    assert "出版单位未注明 · 日期未注明 · 12 篇" in lines


def test_a_publication_page_says_what_it_does_not_know(client):
    bare = Publication.objects.get(title="政府动态")
    html = client.get(bare.get_absolute_url()).content.decode()
    assert '<p class="meta">出版单位未注明 · 日期未注明</p>' in html
    known = Publication.objects.exclude(publisher="").exclude(issue_label="").first()
    html = client.get(known.get_absolute_url()).content.decode()
    assert f"{known.issue_label} · {known.publisher} · " in html
