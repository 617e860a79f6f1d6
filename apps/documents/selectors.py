"""Reads for publications and articles.

The regulations found in them belong to the policies app, above this one: they are reached through
the reverse relations that policies declares (article.regulations, catalogued_regulations), never
imported.
"""

from __future__ import annotations

from itertools import groupby

from django.db.models import Count, Prefetch, QuerySet

from lawtext.publication.layout import Element, Layout
from lawtext.publication.layout import article_layout as layout_paragraphs

from .models import Article, Publication

TOC_MIN_HEADINGS = 3  # an article with fewer numbered headings needs no table of contents


def publication_list() -> QuerySet[Publication]:
    return Publication.objects.annotate(article_count=Count("articles")).order_by(
        "-published_on", "title"
    )


def publication_get(*, pk: int) -> Publication:
    return Publication.objects.get(pk=pk)


def publication_columns(*, publication: Publication) -> list[tuple[str, list[Article]]]:
    """Articles grouped by column (栏目), in the publication's order."""
    regulations = Article._meta.get_field("regulations").related_model.objects.only(
        "slug", "title", "source_article_id"
    )
    articles = publication.articles.prefetch_related(
        Prefetch("regulations", queryset=regulations)
    ).order_by("order")
    return [(column, list(items)) for column, items in groupby(articles, key=_column_of)]


def _column_of(article: Article) -> str:
    """The column an article is listed under: its 栏目, else what it is (a report's 前言 comes
    first and its 附录 last: one '其他' for both would show twice)."""
    if article.column:
        return article.column
    if article.title == "前言":
        return "前言"
    return "附录" if article.title.startswith("附录") else "其他"


def publication_catalogue(*, publication: Publication) -> QuerySet:
    """The regulations a publication's catalogue table lists, oldest first."""
    return publication.catalogued_regulations.prefetch_related("issuers").order_by(
        "promulgated_on", "title"
    )


def article_list(*, publication: int | None = None, column: str = "") -> QuerySet[Article]:
    queryset = Article.objects.select_related("publication").order_by("publication", "order")
    if publication is not None:
        queryset = queryset.filter(publication_id=publication)
    if column:
        queryset = queryset.filter(column=column)
    return queryset


def article_get(*, pk: int) -> Article:
    return Article.objects.select_related("publication").prefetch_related("regulations").get(pk=pk)


def article_layout(*, article: Article) -> Layout:
    """The article laid out for reading (`lawtext.publication.layout`): headings at their level,
    captions, tables, and its notes as footnotes linked from their markers."""
    return layout_paragraphs(article.paragraphs)


def article_toc(layout: Layout) -> list[tuple[int, Element]]:
    """(position in the layout, heading) of a long article's headings (TOC_MIN_HEADINGS or
    more), for its table of contents; a heading's anchor is its position."""
    headings = [(index, e) for index, e in enumerate(layout.elements) if e.kind == "heading"]
    return headings if len(headings) >= TOC_MIN_HEADINGS else []
