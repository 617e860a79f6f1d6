"""Writes for clauses: a regulation's clauses made equal to a parsed list, and one-by-one edits."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.core.exceptions import ApplicationError
from lawtext.clauses import validate_clause_numbers
from lawtext.numerals import clause_label
from lawtext.records import ParsedClause

from ..models import Clause, Regulation, Work, suffix_ordinal
from .citations import citations_rebuild
from .versions import work_refresh


def clauses_sync(*, regulation: Regulation, parsed_clauses: list[ParsedClause]) -> None:
    """Make the regulation's clauses equal to the parsed ones, keeping ids of unchanged numbers."""
    problems = validate_clause_numbers(parsed_clauses)
    if problems:
        raise ApplicationError(f"{regulation.title}: " + "；".join(problems))
    existing = {(c.number, c.suffix): c for c in regulation.clauses.all()}
    to_create, to_update = [], []
    fields = ("label", "part", "chapter", "section", "text", "order", "updated_at")
    now = timezone.now()
    for order, parsed in enumerate(parsed_clauses):
        values = {
            "label": parsed.label[:30],
            "part": parsed.part[:200],
            "chapter": parsed.chapter[:200],
            "section": parsed.section[:200],
            "text": parsed.text,
            "order": order,
        }
        clause = existing.pop((parsed.number, parsed.suffix), None)
        if clause is None:
            to_create.append(
                Clause(regulation=regulation, number=parsed.number, suffix=parsed.suffix, **values)
            )
        elif any(getattr(clause, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(clause, name, value)
            clause.updated_at = now  # bulk_update does not touch auto_now fields
            to_update.append(clause)
    if existing:
        Clause.objects.filter(pk__in=[c.pk for c in existing.values()]).delete()
    Clause.objects.bulk_update(to_update, fields, batch_size=500)
    Clause.objects.bulk_create(to_create, batch_size=500)
    regulation.has_full_text = bool(parsed_clauses) or bool(regulation.preamble)


def _clause_position(regulation: Regulation, number: int, suffix: str) -> int:
    """Order of a new clause: after every clause with a smaller (number, suffix)."""
    key = (number, suffix_ordinal(suffix))
    before = [
        c
        for c in regulation.clauses.only("number", "suffix", "order")
        if (c.number, suffix_ordinal(c.suffix)) < key
    ]
    return max((c.order for c in before), default=-1) + 1


def _refuse_taken_number(regulation: Regulation, number: int, suffix: str) -> None:
    if regulation.clauses.filter(number=number, suffix=suffix).exists():
        label = clause_label(number, suffix)
        raise ApplicationError(f"{label} 已存在。", fields={"number": [f"{label} 已存在"]})


def _one_edit_at_a_time(regulation_id: int) -> None:
    """Wait for the other edits of this regulation's clauses: each rebuilds the regulation's
    citations (deleting and writing the same rows), and two at once deadlocked on PostgreSQL.
    Taken first, before any row of the edit is written (SQLite's writers are serial anyway)."""
    list(Regulation.objects.select_for_update().filter(pk=regulation_id).values_list("pk"))


@transaction.atomic
def clause_create(
    *, regulation: Regulation, number: int, text: str, suffix: str = "", **fields
) -> Clause:
    _one_edit_at_a_time(regulation.pk)
    _refuse_taken_number(regulation, number, suffix)
    order = _clause_position(regulation, number, suffix)
    regulation.clauses.filter(order__gte=order).update(order=F("order") + 1)
    clause = Clause.objects.create(
        regulation=regulation,
        number=number,
        suffix=suffix,
        text=text.strip(),
        order=order,
        label=fields.pop("label", "") or clause_label(number, suffix),
        **fields,
    )
    _after_clause_change(regulation)
    clause.refresh_from_db()
    return clause


@transaction.atomic
def clause_update(*, clause: Clause, **fields) -> Clause:
    _one_edit_at_a_time(clause.regulation_id)
    number, suffix = fields.get("number", clause.number), fields.get("suffix", clause.suffix)
    if (number, suffix) != (clause.number, clause.suffix):
        _refuse_taken_number(clause.regulation, number, suffix)
        fields.setdefault("label", clause_label(number, suffix))
    for name, value in fields.items():
        setattr(clause, name, value.strip() if name == "text" else value)
    clause.save()
    _after_clause_change(clause.regulation)
    clause.refresh_from_db()
    return clause


@transaction.atomic
def clause_delete(*, clause: Clause) -> None:
    _one_edit_at_a_time(clause.regulation_id)
    regulation = clause.regulation
    clause.delete()
    _after_clause_change(regulation)


def _after_clause_change(regulation: Regulation) -> None:
    has_full_text = regulation.clauses.exists() or bool(regulation.preamble)
    if has_full_text != regulation.has_full_text:
        regulation.has_full_text = has_full_text
        regulation.save(update_fields=["has_full_text", "updated_at"])
    citations_rebuild(regulation_ids=[regulation.pk])
    if regulation.work_id and Work.objects.filter(pk=regulation.work_id, version_count__gt=1):
        work_refresh(work=regulation.work)  # the clause's place in the lineages across versions
