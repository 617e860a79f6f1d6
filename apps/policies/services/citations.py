"""Citations found in clause text, resolved to the regulations and clauses of the base."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from lawtext.citations import find_citations
from lawtext.metadata import short_title_for

from ..models import Citation, Clause, Regulation


class _TitleIndex:
    """Regulations by title and short title, to resolve names met in clause text."""

    def __init__(self) -> None:
        self.by_name: dict[str, list[tuple[date | None, int]]] = defaultdict(list)
        for pk, title, short, promulgated in Regulation.objects.values_list(
            "pk", "title", "short_title", "promulgated_on"
        ):
            for name in {title, short}:
                if name:
                    self.by_name[name].append((promulgated, pk))

    def resolve(self, name: str, *, as_of: date | None) -> int | None:
        """The version in force when the citing text was made: newest not after `as_of`."""
        versions = self.by_name.get(name) or self.by_name.get(short_title_for(name))
        if not versions:
            return None
        dated = sorted(versions, key=lambda v: v[0] or date.min)
        if as_of:
            earlier = [v for v in dated if (v[0] or date.min) <= as_of]
            if earlier:
                return earlier[-1][1]
        return dated[-1][1]


def citations_rebuild(*, regulation_ids: Iterable[int] | None = None) -> None:
    """Find citations in the given regulations' clauses (all when None) and resolve every one."""
    clauses = Clause.objects.select_related("regulation")
    if regulation_ids is not None:
        clauses = clauses.filter(regulation_id__in=list(regulation_ids))
    titles = _TitleIndex()
    rows = []
    clause_ids = []
    for clause in clauses.only("id", "text", "regulation__id", "regulation__promulgated_on"):
        clause_ids.append(clause.pk)
        for found in find_citations(clause.text):
            start, title = found.start, found.target_title
            target = clause.regulation_id if not title else None
            for candidate in found.title_candidates or ((title,) if title else ()):
                target = titles.resolve(candidate, as_of=clause.regulation.promulgated_on)
                if target:
                    if found.title_candidates:
                        title = candidate
                        start = found.start - len(candidate)
                    break
            rows.append(
                Citation(
                    clause_id=clause.pk,
                    raw=clause.text[start : found.end][:300],
                    start=start,
                    end=found.end,
                    target_title=title[:300],
                    target_number=found.number,
                    target_suffix=found.suffix,
                    target_regulation_id=target,
                )
            )
    clause_keys = _clause_keys()
    for row in rows:  # resolved before they are written: bulk_update would be far slower
        if row.target_number is not None:
            key = (row.target_regulation_id, row.target_number, row.target_suffix)
            row.target_clause_id = clause_keys.get(key)
    for start in range(0, len(clause_ids), 900):
        Citation.objects.filter(clause_id__in=clause_ids[start : start + 900]).delete()
    Citation.objects.bulk_create(rows, batch_size=1000)
    citations_resolve(titles=titles, clause_keys=clause_keys)


def _clause_keys() -> dict[tuple[int, int, str], int]:
    """(regulation id, number, suffix) → clause id, for every clause."""
    return {
        (reg, num, suf): pk
        for pk, reg, num, suf in Clause.objects.values_list(
            "pk", "regulation_id", "number", "suffix"
        )
    }


def citations_resolve(
    *, titles: _TitleIndex | None = None, clause_keys: dict | None = None
) -> None:
    """Resolve what can now be resolved: 《titles》 of regulations ingested later, then clauses."""
    titles = titles or _TitleIndex()
    changed = []
    for citation in (
        Citation.objects.filter(target_regulation__isnull=True)
        .exclude(target_title="")
        .select_related("clause__regulation")
        .only("pk", "target_title", "clause__regulation__promulgated_on")
    ):
        target = titles.resolve(
            citation.target_title, as_of=citation.clause.regulation.promulgated_on
        )
        if target:
            citation.target_regulation_id = target
            changed.append(citation)
    Citation.objects.bulk_update(changed, ["target_regulation_id"], batch_size=1000)
    clause_keys = clause_keys if clause_keys is not None else _clause_keys()
    changed = [
        Citation(pk=pk, target_clause_id=wanted)
        for pk, regulation, number, suffix, current in Citation.objects.filter(
            target_number__isnull=False
        ).values_list(
            "pk", "target_regulation_id", "target_number", "target_suffix", "target_clause_id"
        )
        if (wanted := clause_keys.get((regulation, number, suffix))) != current
    ]
    Citation.objects.bulk_update(changed, ["target_clause_id"], batch_size=1000)
