"""Writes for publications and their articles."""

from __future__ import annotations

from lawtext.records import ParsedPublication

from .models import Article, Publication


def publication_upsert(
    *, parsed: ParsedPublication, source_path: str, checksum: str
) -> tuple[Publication, list[Article]]:
    """Create or update a publication and replace its articles by position (order)."""
    publication, _ = Publication.objects.update_or_create(
        source_path=source_path,
        defaults={
            "title": parsed.title[:200],
            "publisher": parsed.publisher[:200],
            "issue_label": parsed.issue_label[:100],
            "published_on": parsed.published_on,
            "checksum": checksum,
        },
    )
    existing = {article.order: article for article in publication.articles.all()}
    articles = []
    for parsed_article in parsed.articles:
        values = {
            "column": parsed_article.column[:100],
            "title": parsed_article.title[:300],
            "body": parsed_article.body,
            "source": parsed_article.source[:200],
        }
        article = existing.pop(parsed_article.order, None)
        if article is None:
            article = Article.objects.create(
                publication=publication, order=parsed_article.order, **values
            )
        elif any(getattr(article, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(article, field, value)
            article.save()
        articles.append(article)
    for stale in existing.values():
        stale.delete()
    return publication, articles
