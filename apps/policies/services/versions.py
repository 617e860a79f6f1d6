"""Writes for works and versions: grouping versions into works, each version's dates, label and
status, the lineage of clauses across versions, and editors' merges and splits."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone

from apps.core.exceptions import ApplicationError
from lawtext.events import read_events
from lawtext.versions import align_clauses, version_label, work_key

from ..models import Clause, Regulation, Work


def regulation_work_key(*, title: str, province: str = "", city: str = "") -> str:
    """The key of the work a version belongs to: its normalised title within its region (two
    cities' 物业管理条例 are two works)."""
    key = work_key(title)
    return f"{province}/{city}/{key}" if province or city else key


def version_start(regulation: Regulation) -> date | None:
    """The day this version took effect: its 施行 date, or its own date when the record keeps
    the first version's 施行 (an amended version carries its original effective date)."""
    effective, own = regulation.effective_on, regulation.promulgated_on
    if effective and own and effective < own:
        return own
    return effective or own


def _works_of(regulations: Iterable[Regulation]) -> set[int]:
    """Attach each regulation without a work to the work of its key; the works touched."""
    touched: set[int] = set()
    for regulation in regulations:
        if regulation.work_id is None:
            key = regulation_work_key(
                title=regulation.title, province=regulation.province, city=regulation.city
            )[:300]
            work = _work_keyed(key) or Work.objects.create(key=key, title=regulation.title)
            regulation.work = work
            # Its index documents carry the work: the change stamp moves for the reconciliation.
            Regulation.objects.filter(pk=regulation.pk).update(work=work, updated_at=timezone.now())
        touched.add(regulation.work_id)
    return touched


def _work_keyed(key: str) -> Work | None:
    """The work of this key, or the one an editor merged the key's work into."""
    work = Work.objects.filter(key=key).first()
    if work is None:
        merged = Work.objects.filter(merged_keys__contains=key)
        work = next((w for w in merged if key in w.merged_keys.splitlines()), None)
    return work


def works_refresh(
    *,
    regulation_ids: Iterable[int] | None = None,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Group the regulations (all, or these) into works, then give every version of the works
    touched its dates, label and status and its clauses their lineage. Returns works refreshed."""
    regulations = Regulation.objects.all()
    if regulation_ids is not None:
        regulations = regulations.filter(pk__in=list(regulation_ids))
    work_ids = _works_of(regulations.only("pk", "title", "province", "city", "work"))
    for done, work in enumerate(Work.objects.filter(pk__in=work_ids), start=1):
        work_refresh(work=work, today=today)
        if progress:
            progress(done, len(work_ids))
    Work.objects.filter(versions__isnull=True).delete()
    return len(work_ids)


def work_refresh(*, work: Work, today: date | None = None) -> None:
    """Dates, label and status of each version of a work, in order; lineages of its clauses."""
    today = today or timezone.localdate()
    versions = sorted(work.versions.all(), key=lambda v: v.version_order)
    if not versions:
        return
    starts = [version_start(v) for v in versions]
    for index, version in enumerate(versions):
        superseded = index < len(versions) - 1
        # A repeal date is kept where an editor entered it; the catalogue gives none.
        ended = version.expires_on if version.repealed and not superseded else None
        label = version_label(
            read_events(version.events.splitlines(), province=version.province, city=version.city),
            until=version.promulgated_on,
        )
        if not label and version.promulgated_on:
            label = f"{version.promulgated_on.year}年"
        values = {
            "in_force_from": starts[index],
            "expires_on": starts[index + 1] if superseded else ended,
            "superseded": superseded,
            "version_label": label,
        }
        before = {name: getattr(version, name) for name in [*values, "status"]}
        for name, value in values.items():
            setattr(version, name, value)
        version.status = version.status_on(today)
        if any(getattr(version, name) != value for name, value in before.items()):
            # Saved, not updated in bulk: the search index and the page cache follow.
            version.save(update_fields=[*before, "updated_at"])
    latest = versions[-1]
    if (work.title, work.version_count) != (latest.title, len(versions)):
        work.title, work.version_count = latest.title[:300], len(versions)
        work.save(update_fields=["title", "version_count"])
    _lineages_refresh([v for v in versions if v.has_full_text], now=timezone.now())


def _lineages_refresh(versions: list[Regulation], *, now) -> None:
    """Each clause continues the clause of the previous version it is aligned with."""
    previous: list[Clause] = []
    for version in versions:
        clauses = list(version.clauses.only("pk", "label", "text", "lineage").order_by("order"))
        partner: dict[int, int] = {}
        if previous:
            pairs = align_clauses(
                [(c.label, c.text) for c in previous], [(c.label, c.text) for c in clauses]
            )
            partner = {p.new: p.old for p in pairs if p.old is not None and p.new is not None}
        changed = []
        for j, clause in enumerate(clauses):
            lineage = previous[partner[j]].lineage_id if j in partner else None
            if clause.lineage != lineage:
                clause.lineage, clause.updated_at = lineage, now
                changed.append(clause)
        if changed:
            Clause.objects.bulk_update(changed, ["lineage", "updated_at"], batch_size=500)
            version.save(update_fields=["updated_at"])  # reindexes the version and its clauses
        if clauses:
            previous = clauses


def regulation_statuses_refresh(*, today: date | None = None) -> int:
    """Every version's status on `today` from its dates (run daily: statuses move with the
    calendar). Saved one by one, so the search index follows. Returns statuses changed.

    Records not yet in a work (as after an upgrade) are grouped first: a status needs to know
    whether a later version exists."""
    unassigned = list(Regulation.objects.filter(work=None).values_list("pk", flat=True))
    if unassigned:
        works_refresh(regulation_ids=unassigned, today=today)
    today = today or timezone.localdate()
    changed = 0
    for version in Regulation.objects.only(
        "pk", "status", "in_force_from", "expires_on", "superseded", "repealed"
    ):
        status = version.status_on(today)
        if status != version.status:
            version.status = status
            version.save(update_fields=["status", "updated_at"])  # signals reindex it
            changed += 1
    return changed


# ---------------------------------------------------------------- editors


@transaction.atomic
def works_merge(*, works: list[Work]) -> Work:
    """One work of these works' versions (an editor saw they are one regulation); later
    versions under the merged works' keys join it too."""
    if len(works) < 2:
        raise ApplicationError("请至少选择两个法规进行合并。")
    target, *others = sorted(works, key=lambda w: w.pk)
    keys = [target.merged_keys, *(f"{o.key}\n{o.merged_keys}" for o in others)]
    for other in others:
        for version in other.versions.all():
            version.work = target
            version.save(update_fields=["work", "updated_at"])  # reindexed: its group moved
        other.delete()
    target.merged_keys = "\n".join(k for k in "\n".join(keys).splitlines() if k)
    target.grouped_by_editor = True
    target.save(update_fields=["merged_keys", "grouped_by_editor"])
    work_refresh(work=target)
    return target


@transaction.atomic
def regulation_split(*, regulation: Regulation) -> Work:
    """Make a version a work of its own (an editor saw it is another regulation)."""
    old = regulation.work
    if old is None or old.versions.count() < 2:
        raise ApplicationError("该版本已是单独的法规。")
    work = Work.objects.create(
        key=f"{old.key}#{regulation.slug}"[:300], title=regulation.title, grouped_by_editor=True
    )
    regulation.work = work
    regulation.save(update_fields=["work", "updated_at"])
    old.grouped_by_editor = True
    old.save(update_fields=["grouped_by_editor"])
    Clause.objects.filter(regulation=regulation).update(lineage=None, updated_at=timezone.now())
    work_refresh(work=old)
    work_refresh(work=work)
    return work
