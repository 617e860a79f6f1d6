"""Writes for regulations: merging parsed versions and catalogue rows, editors' writes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils.text import slugify

from apps.documents.models import Article, Publication
from lawtext.metadata import derive_level, short_title_for
from lawtext.records import CatalogueEntry, ParsedRegulation

from ..models import (
    IssuingBody,
    IssuingBodyAlias,
    Regulation,
    RegulationSource,
    TextSource,
)
from .clauses import clauses_sync
from .versions import works_refresh

# Two records with the same title whose dates are this close describe one version (a catalogue
# lists the 公布 date, a law file the date of the decision it was amended by).
SAME_VERSION_DAYS = 31


def _same_title(a: str, b: str) -> bool:
    return short_title_for(a) == short_title_for(b)


def _slug_for(title: str, version: date | None, *, exclude_pk: int | None = None) -> str:
    base = (
        slugify(
            f"{short_title_for(title)[:80]}-{version.isoformat() if version else ''}",
            allow_unicode=True,
        ).strip("-")
        or "regulation"
    )
    slug, counter = base, 2
    while Regulation.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


def regulation_find_same(
    *, title: str, version: date | None, law_file: bool = False
) -> Regulation | None:
    """The record describing the same regulation version, if the base has one.

    A catalogue row or an article may date a version a few days apart from its law file; two law
    files are one version only on the very same date (two amendments can be weeks apart).
    """
    candidates = Regulation.objects.filter(title__endswith=short_title_for(title))
    for candidate in candidates:
        if not _same_title(candidate.title, title):
            continue
        if version is None or candidate.promulgated_on is None:
            if version == candidate.promulgated_on:
                return candidate
            continue
        if law_file and candidate.text_source == TextSource.LAW_FILE:
            if candidate.promulgated_on == version:
                return candidate
            continue
        if abs((candidate.promulgated_on - version).days) <= SAME_VERSION_DAYS:
            return candidate
    return None


def issuing_bodies_get(*, names: Iterable[str]) -> list[IssuingBody]:
    """The bodies under these names, an alias (全国人大常委会) standing for its canonical body."""
    bodies: list[IssuingBody] = []
    for name in names:
        name = name.strip()[:100]
        if not name:
            continue
        alias = IssuingBodyAlias.objects.select_related("body").filter(name=name).first()
        body = alias.body if alias else IssuingBody.objects.get_or_create(name=name)[0]
        if body not in bodies:
            bodies.append(body)
    return bodies


def issuing_body_aliases_load(*, rows: Iterable[tuple[str, str, str]]) -> int:
    """Make the alias table hold these (canonical, alias, source) rows; returns rows added.

    Aliases an editor added in the admin stay. A body recorded under a name that is now an alias
    is merged into its canonical body: its regulations move over, so no body shows twice.
    """
    added = 0
    for canonical, alias, source in rows:
        if alias == canonical:
            continue
        body = IssuingBody.objects.get_or_create(name=canonical)[0]
        row, created = IssuingBodyAlias.objects.get_or_create(
            name=alias, defaults={"body": body, "source": source[:300]}
        )
        added += created
        stray = IssuingBody.objects.filter(name=alias).first()
        if stray is not None:
            for regulation in stray.regulations.all():
                regulation.issuers.add(row.body)
            for regulation in stray.approved_regulations.all():
                regulation.approvers.add(row.body)
            stray.delete()
    return added


def regulation_source_add(
    *, regulation: Regulation, path: str, checksum: str, role: str, note: str = ""
) -> RegulationSource:
    """Record one more law file of this version (a part of the work, or a copy of it)."""
    source, _ = RegulationSource.objects.update_or_create(
        path=path[:500],
        defaults={
            "regulation": regulation,
            "checksum": checksum,
            "role": role,
            "note": note[:300],
        },
    )
    return source


def regulation_upsert(
    *,
    parsed: ParsedRegulation,
    text_source: TextSource,
    source_path: str = "",
    checksum: str = "",
    article: Article | None = None,
    regulation: Regulation | None = None,
    notes: Iterable[str] = (),
) -> Regulation:
    """Create or merge a regulation; the text from the best source (law file > article) wins.

    `regulation` is the record of the same version when the caller has found it already.
    `notes` are said in the record's problems beside the parser's.
    """
    version = parsed.version_date or parsed.promulgated_on
    if regulation is None:
        regulation = regulation_find_same(
            title=parsed.title, version=version, law_file=text_source == TextSource.LAW_FILE
        )
    takes_text = regulation is None or text_source >= regulation.text_source
    if regulation is None:
        regulation = Regulation(title=parsed.title[:300])
    if takes_text:
        regulation.title = parsed.title[:300]
        regulation.short_title = short_title_for(parsed.title)[:200]
        regulation.doc_number = parsed.doc_number[:100] or regulation.doc_number
        regulation.level = parsed.level or regulation.level
        regulation.province, regulation.city = parsed.province[:20], parsed.city[:20]
        regulation.promulgated_on = version or regulation.promulgated_on
        regulation.effective_on = parsed.effective_on or regulation.effective_on
        regulation.incomplete = parsed.incomplete[:300]
        regulation.problems = "\n".join([*parsed.problems, *notes])
        regulation.preamble = "\n".join(parsed.preamble)
        regulation.events = "\n".join(parsed.events)
        regulation.text_source = text_source
        regulation.source_path = source_path[:500]
        regulation.source_checksum = checksum
        regulation.has_full_text = bool(parsed.clauses) or bool(parsed.preamble)
    if article is not None:
        regulation.source_article = article
    if not regulation.slug:
        regulation.slug = _slug_for(regulation.title, regulation.promulgated_on)
    regulation.save()
    if takes_text or not regulation.issuers.exists():
        if parsed.issuers:
            regulation.issuers.set(issuing_bodies_get(names=parsed.issuers))
    if takes_text:
        regulation.approvers.set(issuing_bodies_get(names=parsed.approvers))
    if takes_text:
        clauses_sync(regulation=regulation, parsed_clauses=parsed.clauses)
    return regulation


def catalogue_entry_upsert(*, entry: CatalogueEntry, publication: Publication) -> Regulation:
    """A catalogue row: metadata only, merged into the full-text record of the same version."""
    regulation = regulation_find_same(title=entry.title, version=entry.promulgated_on)
    if regulation is None:
        regulation = Regulation(
            title=entry.title[:300],
            short_title=short_title_for(entry.title)[:200],
            doc_number=entry.doc_number[:100],
            level=derive_level(
                doc_number=entry.doc_number, title=entry.title, issuers=entry.issuers
            ),
            promulgated_on=entry.promulgated_on,
            text_source=TextSource.CATALOGUE,
        )
        regulation.slug = _slug_for(entry.title, entry.promulgated_on)
    elif not regulation.doc_number:
        regulation.doc_number = entry.doc_number[:100]
    regulation.catalogue_publication = publication
    regulation.save()
    if not regulation.issuers.exists():
        regulation.issuers.set(issuing_bodies_get(names=entry.issuers))
    return regulation


# ---------------------------------------------------------------- editors and internal tools


@transaction.atomic
def regulation_create(
    *, title: str, level: str, issuers: list[str] | None = None, **fields
) -> Regulation:
    """A regulation entered by an editor or internal tool (clauses are added separately)."""
    regulation = Regulation(
        title=title,
        level=level,
        short_title=fields.pop("short_title", "") or short_title_for(title),
        **fields,
    )
    regulation.clean()  # dates in order
    regulation.slug = fields.get("slug") or _slug_for(title, regulation.promulgated_on)
    regulation.save()
    regulation.issuers.set(issuing_bodies_get(names=issuers or []))
    works_refresh(regulation_ids=[regulation.pk])
    regulation.refresh_from_db()  # its work, dates and status
    return regulation


@transaction.atomic
def regulation_update(
    *, regulation: Regulation, issuers: list[str] | None = None, **fields
) -> Regulation:
    for name, value in fields.items():
        setattr(regulation, name, value)
    if "promulgated_on" in fields or "effective_on" in fields:
        regulation.clean()  # dates in order; a record's old dates are not reopened
    regulation.save()
    if issuers is not None:
        regulation.issuers.set(issuing_bodies_get(names=issuers))
    if fields.keys() & {"title", "province", "city"} and regulation.work_id:
        # Another title or region may make it another work's version: grouped again.
        old_work = regulation.work
        regulation.work = None
        regulation.save(update_fields=["work", "updated_at"])
        works_refresh(regulation_ids=old_work.versions.values_list("pk", flat=True))
    if fields.keys() & {
        "title",
        "province",
        "city",
        "promulgated_on",
        "effective_on",
        "events",
        "repealed",
    }:
        works_refresh(regulation_ids=[regulation.pk])  # the version's place in its work moved
        regulation.refresh_from_db()
    return regulation


@transaction.atomic
def regulation_delete(*, regulation: Regulation) -> None:
    work = regulation.work
    regulation.delete()
    if work is not None:
        others = list(work.versions.values_list("pk", flat=True))
        works_refresh(regulation_ids=others)  # the versions around it close the gap
