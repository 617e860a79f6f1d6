"""The whole base (or a part of it) as NDJSON, one sync record a line, streamed in chunks so that
memory stays flat whatever the size: for the export endpoint and the export_corpus command."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime

from django.db.models import QuerySet

from apps.core.changes import changed_since

from .records import KINDS
from .selectors import regulation_list

CHUNK = 500


def _ids(queryset: QuerySet) -> Iterator[list[int]]:
    """The queryset's ids in chunks, by keyset (id > the last one): no OFFSET, no long cursor."""
    last = 0
    while True:
        chunk = list(
            queryset.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:CHUNK]
        )
        if not chunk:
            return
        yield chunk
        last = chunk[-1]


def corpus_querysets(
    *, kinds: list[str], since: datetime | None = None, filters: dict | None = None
) -> dict[str, QuerySet]:
    """What to export of each kind: all, or what changed since `since`; regulation filters
    (level, province…) narrow regulations and their clauses."""
    querysets = {}
    for kind in kinds:
        queryset = KINDS[kind][0].objects.all()
        if filters and kind == "regulation":
            queryset = queryset.filter(pk__in=regulation_list(filters=filters).values("pk"))
        if filters and kind == "clause":
            regulations = regulation_list(filters=filters).values("pk")
            queryset = queryset.filter(regulation__in=regulations)
        if since is not None:
            queryset = changed_since(queryset, kind=kind, moment=since)
        querysets[kind] = queryset
    return querysets


def corpus_lines(
    querysets: dict[str, QuerySet], *, progress: Callable[[str, int], None] | None = None
) -> Iterator[bytes]:
    """One JSON line per record: {"type": …, …its fields}; `progress(kind, done)` after each
    chunk."""
    for kind, queryset in querysets.items():
        read = KINDS[kind][1]
        done = 0
        for chunk in _ids(queryset):
            records = read(chunk)
            lines = [
                json.dumps({"type": kind, **records[pk]}, ensure_ascii=False)
                for pk in chunk
                if pk in records  # deleted since its id was read
            ]
            if lines:
                yield ("\n".join(lines) + "\n").encode()
            done += len(lines)
            if progress:
                progress(kind, done)
