"""Keep the index in step with the database: after a transaction commits, not before.

Saves and deletes of indexed models are collected per transaction and applied once it commits
(so a rolled-back write never reaches the index); while ingestion runs, they are held and
applied in one batch at the end (`services.index_sync_paused`).
"""

from __future__ import annotations

import threading

from django.db import transaction
from django.db.models import signals
from haystack.signals import BaseSignalProcessor
from haystack.utils import get_identifier

_state = threading.local()


def _pending() -> dict:
    if not hasattr(_state, "pending"):
        _state.pending = {"save": {}, "delete": set()}
        _state.paused = 0
    return _state.pending


def is_paused() -> bool:
    _pending()
    return _state.paused > 0


def pause() -> None:
    _pending()
    _state.paused += 1


def resume() -> dict:
    """Leave one pause level; the collected changes when the last level is left."""
    _pending()
    _state.paused -= 1
    if _state.paused:
        return {"save": {}, "delete": set()}
    collected, _state.pending = _state.pending, {"save": {}, "delete": set()}
    return collected


class IndexSyncSignalProcessor(BaseSignalProcessor):
    def setup(self):
        from .services import indexed_models

        for model in indexed_models():
            signals.post_save.connect(self.handle_save, sender=model)
            signals.post_delete.connect(self.handle_delete, sender=model)
        from apps.policies.models import Regulation

        signals.m2m_changed.connect(self.handle_m2m, sender=Regulation.issuers.through)

    def teardown(self):
        from .services import indexed_models

        for model in indexed_models():
            signals.post_save.disconnect(self.handle_save, sender=model)
            signals.post_delete.disconnect(self.handle_delete, sender=model)
        from apps.policies.models import Regulation

        signals.m2m_changed.disconnect(self.handle_m2m, sender=Regulation.issuers.through)

    def handle_save(self, sender, instance, **kwargs):
        self._queue("save", instance)

    def handle_delete(self, sender, instance, **kwargs):
        self._queue("delete", instance)

    def handle_m2m(self, sender, instance, action, **kwargs):
        if action.startswith("post_"):
            self._queue("save", instance)

    def _queue(self, action: str, instance) -> None:
        pending = _pending()
        identifier = get_identifier(instance)
        if action == "save":
            pending["delete"].discard(identifier)
            pending["save"][identifier] = (type(instance), instance.pk)
        else:
            pending["save"].pop(identifier, None)
            pending["delete"].add(identifier)
        if not is_paused():
            # robust: a failing index write is logged (check_index --repair mends it), the
            # committed database write still succeeds.
            transaction.on_commit(self._flush, robust=True)

    def _flush(self) -> None:
        if is_paused():
            return
        from .services import index_apply

        collected, _state.pending = _pending(), {"save": {}, "delete": set()}
        index_apply(collected)
