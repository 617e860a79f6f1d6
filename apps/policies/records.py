"""Regulations and clauses as sync records (every field of the row as plain JSON values, read
in bulk), and the registry of every synced kind that the change feed and the NDJSON export
answer with."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db.models import Model
from django.urls import reverse

from apps.documents.models import Article, Publication
from apps.documents.records import article_records, iso_day, publication_records

from .models import Clause, Regulation


def regulation_records(ids: Iterable[int]) -> dict[int, dict]:
    regulations = Regulation.objects.filter(pk__in=list(ids)).prefetch_related(
        "issuers", "approvers"
    )
    return {
        r.pk: {
            "id": r.pk,
            "slug": r.slug,
            "title": r.title,
            "short_title": r.short_title,
            "doc_number": r.doc_number,
            "level": r.level,
            "issuers": sorted(body.name for body in r.issuers.all()),
            "approvers": sorted(body.name for body in r.approvers.all()),
            "province": r.province,
            "city": r.city,
            "promulgated_on": iso_day(r.promulgated_on),
            "effective_on": iso_day(r.effective_on),
            "status": r.status,
            "work": r.work_id,
            "version_label": r.version_label,
            "in_force_from": iso_day(r.in_force_from),
            "expires_on": iso_day(r.expires_on),
            "repealed": r.repealed,
            "superseded": r.superseded,
            "has_full_text": r.has_full_text,
            "text_source": r.text_source,
            "source_article": r.source_article_id,
            "catalogue_publication": r.catalogue_publication_id,
            "source_path": r.source_path,
            "preamble": r.preamble,
            "events": r.events,
            "incomplete": r.incomplete,
            "problems": r.problems,
            "updated_at": r.updated_at.isoformat(),
            "url": reverse("api:regulation-detail", args=[r.slug]),
            "html_url": r.get_absolute_url(),
        }
        for r in regulations
    }


def clause_records(ids: Iterable[int]) -> dict[int, dict]:
    clauses = Clause.objects.filter(pk__in=list(ids)).select_related("regulation")
    return {
        c.pk: {
            "id": c.pk,
            "regulation": c.regulation.slug,
            "regulation_id": c.regulation_id,
            "number": c.number,
            "suffix": c.suffix,
            "key": c.key,
            "label": c.label,
            "part": c.part,
            "chapter": c.chapter,
            "section": c.section,
            "text": c.text,
            "order": c.order,
            "lineage": c.lineage,
            "updated_at": c.updated_at.isoformat(),
            "url": reverse("api:clause-detail", args=[c.regulation.slug, c.key]),
            "html_url": c.get_absolute_url(),
        }
        for c in clauses
    }


# kind → (model, records by id); in the order a mirror creates them (a clause after its
# regulation, an article after its publication).
KINDS: dict[str, tuple[type[Model], Callable[[Iterable[int]], dict[int, dict]]]] = {
    "publication": (Publication, publication_records),
    "article": (Article, article_records),
    "regulation": (Regulation, regulation_records),
    "clause": (Clause, clause_records),
}
