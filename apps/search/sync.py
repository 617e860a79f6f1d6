"""The index kept in step with the database.

On Whoosh (files beside the database), saves and deletes of indexed models are collected per
transaction and applied once it commits, so a rolled-back write never reaches the index. On
PostgreSQL (`transactional` backends) they are written at once, in the transaction itself: the
index commits or rolls back with the records. While ingestion runs, they are held and applied
in one batch at the end (`services.index_sync_paused`).
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.db import transaction
from django.db.models import signals
from haystack import connections
from haystack.signals import BaseSignalProcessor
from haystack.utils import get_identifier

from apps.policies.models import Clause, Regulation

from .search_indexes import indexed_models

BATCH = 500


@dataclass
class IndexChanges:
    """Records to write to the index and identifiers ('app.model.pk') to remove from it."""

    saves: dict[str, tuple[type, int]] = field(default_factory=dict)  # identifier → (model, pk)
    deletes: set[str] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.saves or self.deletes)

    def save(self, identifier: str, model: type, pk: int) -> None:
        self.deletes.discard(identifier)
        self.saves[identifier] = (model, pk)

    def delete(self, identifier: str) -> None:
        self.saves.pop(identifier, None)
        self.deletes.add(identifier)


def search_backend():
    return connections["default"].get_backend()


def writes_in_transaction() -> bool:
    """Whether the index is written in the database's transactions (PostgreSQL backend)."""
    return getattr(search_backend(), "transactional", False)


def index_of(model):
    """The haystack SearchIndex of an indexed model."""
    return connections["default"].get_unified_index().get_index(model)


def in_batches(queryset) -> Iterator[tuple[list, int, int]]:
    """The queryset's records in pk order, BATCH at a time: (records, done so far, total)."""
    ids = list(queryset.values_list("pk", flat=True).order_by("pk"))
    for start in range(0, len(ids), BATCH):
        records = list(queryset.filter(pk__in=ids[start : start + BATCH]))
        yield records, min(len(ids), start + BATCH), len(ids)


def index_apply(changes: IndexChanges) -> None:
    """Apply collected saves and deletes; a regulation's change reaches its clauses too."""
    backend = search_backend()
    by_model: dict[type, set] = defaultdict(set)
    for model, pk in changes.saves.values():
        by_model[model].add(pk)
    regulation_ids = by_model.get(Regulation, set())
    if regulation_ids:
        # Clauses carry their regulation's title, issuers, level and status.
        by_model[Clause] |= set(
            Clause.objects.filter(regulation_id__in=regulation_ids).values_list("pk", flat=True)
        )
    for model, pks in by_model.items():
        index = index_of(model)
        for records, _done, _total in in_batches(index.index_queryset().filter(pk__in=pks)):
            backend.update(index, records)
    gone = [identifier for identifier in changes.deletes if not _exists(identifier)]
    if gone:
        backend.remove_identifiers(sorted(gone))


def _exists(identifier: str) -> bool:
    """Whether 'app.model.pk' is still in the database (a rolled-back delete leaves it there)."""
    app_label, model_name, pk = identifier.split(".", 2)
    return apps.get_model(app_label, model_name).objects.filter(pk=pk).exists()


# ---------------------------------------------------------------- collecting, per thread

_state = threading.local()


def _pending() -> IndexChanges:
    if not hasattr(_state, "pending"):
        _state.pending = IndexChanges()
        _state.paused = 0
    return _state.pending


def is_paused() -> bool:
    _pending()
    return _state.paused > 0


def pause() -> None:
    _pending()
    _state.paused += 1


def resume() -> IndexChanges:
    """Leave one pause level; the collected changes when the last level is left."""
    _pending()
    _state.paused -= 1
    if _state.paused:
        return IndexChanges()
    collected, _state.pending = _state.pending, IndexChanges()
    return collected


class IndexSyncSignalProcessor(BaseSignalProcessor):
    def setup(self):
        for model in indexed_models():
            signals.post_save.connect(self.handle_save, sender=model)
            signals.post_delete.connect(self.handle_delete, sender=model)
        signals.m2m_changed.connect(self.handle_m2m, sender=Regulation.issuers.through)

    def teardown(self):
        for model in indexed_models():
            signals.post_save.disconnect(self.handle_save, sender=model)
            signals.post_delete.disconnect(self.handle_delete, sender=model)
        signals.m2m_changed.disconnect(self.handle_m2m, sender=Regulation.issuers.through)

    def handle_save(self, sender, instance, **kwargs):
        _pending().save(get_identifier(instance), type(instance), instance.pk)
        self._flush_on_commit()

    def handle_delete(self, sender, instance, **kwargs):
        _pending().delete(get_identifier(instance))
        self._flush_on_commit()

    def handle_m2m(self, sender, instance, action, reverse=False, pk_set=None, **kwargs):
        if not action.startswith("post_"):
            return
        if not reverse:
            self.handle_save(sender, instance)
            return
        # Changed from the issuing body's side: the regulations in pk_set are what changed
        # (after a clear from that side, the index is mended by check_index).
        for pk in pk_set or ():
            _pending().save(f"policies.regulation.{pk}", Regulation, pk)
        self._flush_on_commit()

    def _flush_on_commit(self) -> None:
        if is_paused():
            return
        if writes_in_transaction():
            self._flush()  # a failure fails the transaction: the index never disagrees
        else:
            # robust: a failing index write is logged (check_index --repair mends it), the
            # committed database write still succeeds.
            transaction.on_commit(self._flush, robust=True)

    def _flush(self) -> None:
        if is_paused():
            return
        collected, _state.pending = _pending(), IndexChanges()
        index_apply(collected)
