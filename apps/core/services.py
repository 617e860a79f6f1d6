"""Writes of the shared plumbing: pruning the change log."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from .models import Change, ChangeHorizon


def changes_prune(*, days: int) -> tuple[int, int]:
    """Shorten the change log to what a mirror needs → (superseded entries, tombstones) removed.

    Entries older than `days` that a later entry of the same record supersedes go: a client
    behind them still reads the later one, so it ends with the same copy. Tombstones older than
    `days` go too, and the newest of them becomes the horizon: a cursor before it may have missed
    that deletion, and the feed answers it 410.
    """
    cutoff = timezone.now() - timedelta(days=days)
    later = Change.objects.filter(
        Q(txid__gt=OuterRef("txid")) | Q(txid=OuterRef("txid"), id__gt=OuterRef("id")),
        kind=OuterRef("kind"),
        object_id=OuterRef("object_id"),
    )
    with transaction.atomic():
        superseded, _ = Change.objects.filter(at__lt=cutoff).filter(Exists(later)).delete()
        tombstones = Change.objects.filter(at__lt=cutoff, action=Change.Action.DELETED)
        newest = tombstones.order_by("-txid", "-id").values("txid", "id").first()
        removed, _ = tombstones.delete()
        if newest:
            horizon, _ = ChangeHorizon.objects.select_for_update().get_or_create(pk=1)
            if (newest["txid"], newest["id"]) > (horizon.pruned_txid, horizon.pruned_id):
                horizon.pruned_txid, horizon.pruned_id = newest["txid"], newest["id"]
            horizon.generation += 1
            horizon.pruned_at = timezone.now()
            horizon.save()
    return superseded, removed
