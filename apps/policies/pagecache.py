"""Whole-page caching of the public pages, never served stale after an edit (the home page:
at most a minute after one).

Pages are keyed by the path and the query parameters the pages read (PAGE_PARAMS), and stored
with the content version they were rendered at (a database counter, so every worker sees an edit
at once). They are kept in each worker's memory, bounded by bytes (the "pages" cache). Only
anonymous GETs answered 200 are cached.
"""

from __future__ import annotations

import hashlib
from functools import partial, wraps
from time import monotonic

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from apps.documents.models import Article, Publication

from .models import (
    Citation,
    Clause,
    IssuingBody,
    IssuingBodyAlias,
    Regulation,
    RegulationSource,
)
from .selectors import content_version_get
from .services.content import content_version_bump

# The query parameters the cached pages read; any other is ignored, in the key as by the page,
# so ?cb=1, ?cb=2 … are one entry, not one each.
PAGE_PARAMS = ("as_of", "n")


def cached_page(view=None, *, stale_seconds: int = 0):
    """Cache the page until an edit; with `stale_seconds`, a page of aggregates (the home page)
    is served for up to that long after an edit, so a stream of edits does not make every
    worker render it again for each one (visitors see the counts at most that late)."""
    if view is None:
        return partial(cached_page, stale_seconds=stale_seconds)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "GET" or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        read = [(name, request.GET.getlist(name)) for name in PAGE_PARAMS if name in request.GET]
        identity = repr((request.path, read)).encode()
        key = f"page:{hashlib.sha256(identity).hexdigest()}"
        version = content_version_get()
        pages = caches["pages"]
        stored = pages.get(key)  # (content version, time stored, response)
        if stored is not None:
            stored_version, stored_at, response = stored
            if stored_version == version or monotonic() - stored_at < stale_seconds:
                return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            pages.set(key, (version, monotonic(), response), settings.PAGE_CACHE_SECONDS)
        return response

    return wrapper


def _content_changed(sender, **kwargs) -> None:
    """Raise the content version once, when the transaction that changed something commits."""
    if kwargs.get("raw"):
        return
    connection = transaction.get_connection()
    if any(entry[1] is content_version_bump for entry in connection.run_on_commit):
        return  # already due in this transaction
    transaction.on_commit(content_version_bump)


def connect_signals() -> None:
    models = (
        Regulation,
        Clause,
        Citation,
        IssuingBody,
        IssuingBodyAlias,
        RegulationSource,
        Article,
        Publication,
    )
    for model in models:
        post_save.connect(_content_changed, sender=model, dispatch_uid=f"pagecache-save-{model}")
        post_delete.connect(_content_changed, sender=model, dispatch_uid=f"pagecache-del-{model}")
    for relation in (Regulation.issuers, Regulation.approvers):
        m2m_changed.connect(
            _content_changed,
            sender=relation.through,
            dispatch_uid=f"pagecache-{relation.field.name}",
        )
