"""Writes to the search index: paused sync for bulk loads, full rebuilds, checks and repairs."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import transaction

from . import sync
from .analysis import cut_words
from .search_indexes import indexed_models, stamp_of


def search_warm_up() -> None:
    """Load the tokenizer's dictionary and the folding table (not the index: its open files
    must not be shared by forked processes)."""
    cut_words("中华人民共和国電子商務法")


@dataclass
class SyncControl:
    """What the block under `index_sync_paused` asks for when it ends."""

    rebuild: bool = False  # a bulk load: rebuild the whole index instead of applying changes
    progress: Callable[[str, int, int], None] | None = None  # of that rebuild


@contextmanager
def index_sync_paused():
    """Hold index updates from signals until the block ends, then apply them in one go.

    The block may set `.rebuild = True` on what it gets (a bulk load): the whole index is then
    rebuilt in parallel beside the live one, far faster than record-by-record updates.
    """
    control = SyncControl()
    sync.pause()
    try:
        yield control
    finally:
        collected = sync.resume()
    if control.rebuild:
        rebuild = lambda: index_rebuild(procs=2, progress=control.progress)  # noqa: E731
        _after_writes(rebuild)
    elif collected:
        _after_writes(lambda: sync.index_apply(collected))


def _after_writes(apply: Callable[[], object]) -> None:
    """Write to the index now, in the transaction, when it lives in the database; else once the
    transaction commits (at once in autocommit mode; never if it rolls back)."""
    if sync.writes_in_transaction():
        apply()
    else:
        transaction.on_commit(apply, robust=True)


# ---------------------------------------------------------------- rebuild, check, repair


def _documents(backend, progress: Callable | None, indexed: dict) -> Iterable[dict]:
    """Prepared index documents of every indexed model, in pk batches, with progress."""
    for model in indexed_models():
        index = sync.index_of(model)
        queryset = index.index_queryset()
        for records, done, total in sync.in_batches(queryset):
            for obj in records:
                doc = backend.prepare_document(index, obj)
                if doc:
                    indexed[doc["id"]] = doc.get("stamp", 0)
                    yield doc
            if progress:
                progress(model._meta.verbose_name, done, total)


def index_rebuild(*, progress: Callable | None = None, procs: int = 1) -> int:
    """Build a complete new index and put it in the place of the live one.

    Searches keep using the old index until then; a crash leaves it untouched. Changes made
    while the build ran are applied to the new index right after (on Whoosh; on PostgreSQL,
    writers wait for the rebuild's transaction).
    """
    backend = sync.search_backend()
    indexed: dict[str, int] = {}
    documents = _documents(backend, progress, indexed)
    if sync.writes_in_transaction():  # the new rows replace the old ones in one commit
        with transaction.atomic():
            backend.replace_all(documents, procs=procs)
    else:  # files beside the database: no transaction to hold (SQLite's would stop writers)
        backend.replace_all(documents, procs=procs)
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
    stamps = {}
    for model in indexed_models():
        label = f"{model._meta.app_label}.{model._meta.model_name}"
        for pk, updated in model.objects.values_list("pk", "updated_at"):
            stamps[f"{label}.{pk}"] = (model, pk, stamp_of(updated))
    return stamps


def index_check(*, known: dict[str, int] | None = None) -> IndexDrift:
    """Compare the index with the database, record by record."""
    indexed = known if known is not None else sync.search_backend().indexed_stamps()
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
    changes = sync.IndexChanges(
        saves={i: database[i][:2] for i in drift.missing + drift.stale},
        deletes=set(drift.orphaned),
    )
    sync.index_apply(changes)
    return drift


def index_reconcile(*, bulk_threshold: int) -> IndexDrift:
    """Bring the index in line with the database after a load: repair record by record, or
    rebuild when more than `bulk_threshold` records differ (e.g. a load killed before its
    index rebuild) or when the index was written with an older schema (its new fields would be
    empty). Returns the drift that was found."""
    drift = index_check()
    if not sync.search_backend().schema_is_current():
        index_rebuild(procs=2)
    elif len(drift.missing) + len(drift.stale) + len(drift.orphaned) > bulk_threshold:
        index_rebuild(procs=2)
    elif not drift.clean:
        index_repair()
    return drift
