"""Writes to the search index: incremental sync, targeted updates and full rebuilds."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from contextlib import contextmanager

from haystack import connections

from . import signals

log = logging.getLogger(__name__)
BATCH = 500


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
    """Hold index updates from signals until the block ends, then apply them in one go."""
    signals.pause()
    try:
        yield
    finally:
        collected = signals.resume()
    if collected["save"] or collected["delete"]:
        index_apply(collected)
