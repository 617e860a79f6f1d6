"""Writes to the search index: incremental sync, targeted updates and full rebuilds."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db import transaction
from haystack import connections

from . import signals

log = logging.getLogger(__name__)
BATCH = 500


def search_warm_up() -> None:
    """Load the tokenizer's dictionary and the folding table (not the index: its open files
    must not be shared by forked processes)."""
    from .analysis import cut_words

    cut_words("中华人民共和国電子商務法")


def indexed_models() -> list[type]:
    from apps.documents.models import Article
    from apps.policies.models import Clause, Regulation

    return [Clause, Regulation, Article]


def _backend():
    return connections["default"].get_backend()


def _index_for(model):
    return connections["default"].get_unified_index().get_index(model)


def index_apply(collected: dict) -> None:
    """Apply collected saves and deletes; a regulation's change reaches its clauses too."""
    from apps.policies.models import Clause, Regulation

    backend = _backend()
    by_model: dict[type, set] = defaultdict(set)
    for model, pk in collected["save"].values():
        by_model[model].add(pk)
    regulation_ids = by_model.get(Regulation, set())
    if regulation_ids:
        # Clauses carry their regulation's title, issuers, level and status.
        by_model[Clause] |= set(
            Clause.objects.filter(regulation_id__in=regulation_ids).values_list("pk", flat=True)
        )
    for model, pks in by_model.items():
        index = _index_for(model)
        queryset = index.index_queryset().filter(pk__in=pks)
        _update_in_batches(backend, index, queryset)
    gone = [identifier for identifier in collected["delete"] if not _exists(identifier)]
    if gone:
        backend.remove_identifiers(sorted(gone))


def _exists(identifier: str) -> bool:
    """Whether 'app.model.pk' is still in the database (a rolled-back delete leaves it there)."""
    from django.apps import apps

    app_label, model_name, pk = identifier.split(".", 2)
    return apps.get_model(app_label, model_name).objects.filter(pk=pk).exists()


def _update_in_batches(backend, index, queryset, progress: Callable | None = None) -> int:
    total = 0
    ids = list(queryset.values_list("pk", flat=True).order_by("pk"))
    for start in range(0, len(ids), BATCH):
        chunk = list(queryset.filter(pk__in=ids[start : start + BATCH]))
        backend.update(index, chunk)
        total += len(chunk)
        if progress:
            progress(total, len(ids))
    return total


@contextmanager
def index_sync_paused():
    """Hold index updates from signals until the block ends, then apply them in one go.

    The block may set `.rebuild = True` on what it gets (a bulk load): the whole index is then
    rebuilt in parallel beside the live one, far faster than record-by-record updates.
    """
    control = SimpleNamespace(rebuild=False, progress=None)
    signals.pause()
    try:
        yield control
    finally:
        collected = signals.resume()
    if control.rebuild:
        transaction.on_commit(
            lambda: index_rebuild(procs=2, progress=control.progress), robust=True
        )
    elif collected["save"] or collected["delete"]:
        # Runs at once in autocommit mode; inside an outer transaction, only if it commits.
        transaction.on_commit(lambda: index_apply(collected), robust=True)


# ---------------------------------------------------------------- rebuild, check, repair


def _documents(backend, progress: Callable | None, indexed: dict) -> Iterable[dict]:
    """Prepared index documents of every indexed model, in pk batches, with progress."""
    for model in indexed_models():
        index = _index_for(model)
        queryset = index.index_queryset()
        ids = list(queryset.values_list("pk", flat=True).order_by("pk"))
        done = 0
        for start in range(0, len(ids), BATCH):
            for obj in queryset.filter(pk__in=ids[start : start + BATCH]):
                doc = backend._document(index, obj)
                if doc:
                    indexed[doc["id"]] = doc.get("stamp", 0)
                    yield doc
            done = min(len(ids), start + BATCH)
            if progress:
                progress(model._meta.verbose_name, done, len(ids))


def index_rebuild(*, progress: Callable | None = None, procs: int = 1) -> int:
    """Build a complete new index beside the live one and swap it in.

    Searches keep using the old index until the swap; a crash leaves it untouched. Changes made
    while the build ran are applied to the new index right after the swap.
    """
    backend = _backend()
    if not hasattr(backend, "build_aside"):  # another engine: haystack's own clear + update
        backend.clear()
        total = 0
        for model in indexed_models():
            index = _index_for(model)
            total += _update_in_batches(backend, index, index.index_queryset())
        return total
    indexed: dict[str, int] = {}
    folder = backend.build_aside(_documents(backend, progress, indexed), procs=procs)
    backend.swap_in(folder)
    index_repair(known=indexed)
    return len(indexed)


@dataclass
class IndexDrift:
    missing: list[str] = field(default_factory=list)  # in the database, not in the index
    stale: list[str] = field(default_factory=list)  # changed in the database since indexed
    orphaned: list[str] = field(default_factory=list)  # in the index, gone from the database

    @property
    def clean(self) -> bool:
        return not (self.missing or self.stale or self.orphaned)


def _database_stamps() -> dict[str, tuple[type, int, int]]:
    from .search_indexes import stamp_of

    stamps = {}
    for model in indexed_models():
        label = f"{model._meta.app_label}.{model._meta.model_name}"
        for pk, updated in model.objects.values_list("pk", "updated_at"):
            stamps[f"{label}.{pk}"] = (model, pk, stamp_of(updated))
    return stamps


def index_check(*, known: dict[str, int] | None = None) -> IndexDrift:
    """Compare the index with the database, record by record."""
    indexed = known if known is not None else _backend().indexed_stamps()
    database = _database_stamps()
    drift = IndexDrift()
    for identifier, (_model, _pk, stamp) in database.items():
        if identifier not in indexed:
            drift.missing.append(identifier)
        elif indexed[identifier] != stamp:
            drift.stale.append(identifier)
    drift.orphaned = sorted(set(indexed) - set(database))
    return drift


def index_repair(*, known: dict[str, int] | None = None) -> IndexDrift:
    """Index what is missing or stale, remove what is orphaned; return what was repaired."""
    drift = index_check(known=known)
    if drift.clean:
        return drift
    database = _database_stamps()
    collected = {
        "save": {i: database[i][:2] for i in drift.missing + drift.stale},
        "delete": set(drift.orphaned),
    }
    index_apply(collected)
    return drift


def index_reconcile(*, bulk_threshold: int) -> IndexDrift:
    """Bring the index in line with the database after a load: repair record by record, or
    rebuild when more than `bulk_threshold` records differ (e.g. a load killed before its
    index rebuild). Returns the drift that was found."""
    drift = index_check()
    if len(drift.missing) + len(drift.stale) + len(drift.orphaned) > bulk_threshold:
        index_rebuild(procs=2)
    elif not drift.clean:
        index_repair()
    return drift
