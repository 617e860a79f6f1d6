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


def test_a_report_article_shows_its_numbered_headings_as_headings_with_a_contents(client):
    from apps.documents.models import Article

    article = Article.objects.get(title="2018年中国电子商务发展总报告")
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<nav class="toc article-toc"' in html
    assert re.search(r'<h2 id="(h\d+)" class="article-heading">1\.1 发展规模</h2>', html)
    anchor = re.search(r'<h3 id="(h\d+)" class="article-heading">1\.1\.1 ', html)[1]
    assert f'href="#{anchor}"' in html  # the contents links to it
    assert "<p>1.1 发展规模</p>" not in html
    short = Article.objects.exclude(body__regex=r"(^|\n)\d+\.\d").first()
    assert "article-toc" not in client.get(short.get_absolute_url()).content.decode()


def test_a_publications_contents_name_each_column_once():
    from apps.documents.selectors import publication_columns

    for publication in Publication.objects.all():
        names = [name for name, _ in publication_columns(publication=publication)]
        assert len(names) == len(set(names)), (publication.title, names)
    report = Publication.objects.get(title="中国电子商务报告2018")
    names = [name for name, _ in publication_columns(publication=report)]
    assert names[0] == "前言" and names[-1] == "附录"


def test_a_report_articles_notes_tables_and_captions_are_marked_up_as_such(client):
    from apps.documents.models import Article

    html = client.get(Article.objects.get(title="电子商务服务业发展报告").get_absolute_url())
    html = html.content.decode()
    refs = re.findall(r'<sup class="note-ref" id="ref-(\d+)"><a href="#note-(\d+)"', html)
    notes = re.findall(r'<li id="note-(\d+)">', html)
    assert refs and all(ref == note for ref, note in refs)
    assert sorted(int(note) for note in notes) == list(range(1, len(notes) + 1))
    assert len(refs) == len(notes)
    # A note's address is a link, and not a line of the text.
    assert '<a href="http://www.stats.gov.cn/tjsj/zxfb/201902/t20190228_1651265.html"' in html
    assert "<p>http" not in html and "<p>①" not in html
    assert '<p class="caption">图2-1 2011—2018年中国电子商务服务业市场规模情况' in html
    appendix = Article.objects.get(title="附录 B 全球电子商务发展状况")
    html = client.get(appendix.get_absolute_url()).content.decode()
    assert html.count('<table class="data-table">') == 5
    assert "<p>亚太\t" not in html and '<th scope="row">亚太</th><td>174.44</td>' in html
