"""Publications and articles as sync records: every field of the row as plain JSON values, read
in bulk. The change feed and the NDJSON export both answer these (apps.policies.sync)."""

from __future__ import annotations

from collections.abc import Iterable

from .models import Article, Publication


def iso_day(value) -> str | None:
    """A date as YYYY-MM-DD, or None."""
    return value.isoformat() if value else None


def publication_records(ids: Iterable[int]) -> dict[int, dict]:
    return {
        publication.pk: {
            "id": publication.pk,
            "title": publication.title,
            "publisher": publication.publisher,
            "issue_label": publication.issue_label,
            "published_on": iso_day(publication.published_on),
            "source_path": publication.source_path,
            "checksum": publication.checksum,
            "updated_at": publication.updated_at.isoformat(),
            "html_url": publication.get_absolute_url(),
        }
        for publication in Publication.objects.filter(pk__in=list(ids))
    }


def article_records(ids: Iterable[int]) -> dict[int, dict]:
    return {
        article.pk: {
            "id": article.pk,
            "publication": article.publication_id,
            "order": article.order,
            "column": article.column,
            "title": article.title,
            "body": article.body,
            "source": article.source,
            "updated_at": article.updated_at.isoformat(),
            "html_url": article.get_absolute_url(),
        }
        for article in Article.objects.filter(pk__in=list(ids))
    }
