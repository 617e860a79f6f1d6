"""The haystack engine and backend that keep the search index in PostgreSQL.

Only haystack's protocol is here; the rows are in `storage`, the query execution in `matching`.
Writes go to the default database in the caller's transaction (`transactional`): the index
commits and rolls back with the records it indexes.
"""

from __future__ import annotations

import itertools
import multiprocessing
from collections.abc import Iterable, Iterator

from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from haystack.backends import BaseEngine, BaseSearchBackend
from haystack.backends.whoosh_backend import WhooshSearchQuery
from haystack.exceptions import SkipDocument
from haystack.models import SearchResult
from haystack.utils import get_identifier, get_model_ct
from haystack.utils.app_loading import haystack_get_model

from apps.policies.models import Clause

from ..caches import Caches
from ..narrow import search_arguments
from ..storage import SearchUnavailable
from . import matching, mirror, mirrored, storage

REPLACE_BATCH = 1000  # documents analysed and written at a time by a rebuild


class PostgresSearchBackend(BaseSearchBackend):
    transactional = True  # writes belong to the caller's transaction, not to on_commit

    def __init__(self, connection_alias, **options):
        super().__init__(connection_alias, **options)
        self.caches = Caches()  # the Whoosh backend's: only its kept matches are used here
        # Queries run on this process's mirror of the index (mirror.py), or all in SQL.
        self.mirrored = bool(options.get("MIRROR", True))
        self._checked = False

    # ------------------------------------------------------------ opening

    def setup(self, create: bool = True) -> None:
        if connection.vendor != "postgresql":
            raise ImproperlyConfigured(
                "SEARCH_URL=postgres: keeps the index in the default database, which must be "
                "PostgreSQL (set DATABASE_URL=postgres://…)."
            )
        if not self._checked:
            with connection.cursor() as cursor:
                cursor.execute("SELECT to_regclass(%s)", [storage.TABLE])
                if cursor.fetchone()[0] is None:
                    raise SearchUnavailable("检索表不存在：请先运行 `python manage.py migrate`")
            self._checked = True
        self.setup_complete = True

    def schema_is_current(self) -> bool:
        return True  # the table is the migrations'

    # ------------------------------------------------------------ writing

    def prepare_document(self, index, obj) -> dict | None:
        try:
            return index.full_prepare(obj)
        except SkipDocument:
            return None

    def update(self, index, iterable, commit=True):
        """Index these records as this transaction sees them. Their regulations are read under
        a share lock first: a concurrent change to a regulation (whose title, level and status
        its clauses carry) commits before they are read, or waits for this transaction."""
        self.setup()
        pks = [obj.pk for obj in iterable]
        if not pks:
            return
        records = index.index_queryset().filter(pk__in=pks)
        if index.get_model() is Clause:
            regulation_ids = sorted(set(records.values_list("regulation_id", flat=True)))
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT 1 FROM policies_regulation WHERE id = ANY(%s) ORDER BY id FOR SHARE",
                    [regulation_ids],
                )
        docs = [doc for obj in records if (doc := self.prepare_document(index, obj))]
        storage.entries_write([storage.entry_row(doc) for doc in docs])

    def remove(self, obj_or_string, commit=True):
        self.remove_identifiers([get_identifier(obj_or_string)])

    def remove_identifiers(self, identifiers) -> None:
        self.setup()
        storage.entries_delete(list(identifiers))

    def clear(self, models=None, commit=True):
        self.setup()
        if models is None:
            storage.entries_replace([])
        else:
            storage.entries_delete_type([get_model_ct(model) for model in models])

    def replace_all(self, documents, *, procs: int = 1) -> None:
        """Every row replaced by these prepared documents, in this transaction; their text is
        analysed by `procs` processes, a batch at a time (the documents are read from the
        database in this thread, between the batches' writes)."""
        self.setup()
        batches = _batched(documents, REPLACE_BATCH)
        if procs < 2:
            storage.entries_replace([storage.entry_row(doc) for doc in batch] for batch in batches)
            return
        with multiprocessing.get_context("fork").Pool(procs) as pool:
            storage.entries_replace(pool.map(storage.entry_row, batch, 50) for batch in batches)

    def indexed_stamps(self) -> dict[str, int]:
        self.setup()
        return storage.entry_stamps()

    # ------------------------------------------------------------ searching

    def search(
        self,
        query_string,
        sort_by=None,
        start_offset=0,
        end_offset=None,
        facets=None,
        narrow_queries=None,
        models=None,
        result_class=None,
        **kwargs,
    ):
        self.setup()
        asked = search_arguments(
            query_string, sort_by, start_offset, end_offset, narrow_queries, models, kwargs
        )
        parsed, filters, end_offset = asked.parsed, asked.filters, asked.end_offset
        sortedby, reverse, scope, narrowing = (
            asked.sortedby,
            asked.reverse,
            asked.scope,
            asked.narrowing,
        )
        facets = list(facets or ())
        state = storage.index_state()
        key = (state.version, repr(parsed), filters, sortedby, reverse, scope, narrowing)
        key += (tuple(facets),)
        found = self.caches.cached_matches(key)
        if found is None or (len(found.ranked) < min(end_offset, found.count)):
            arguments = (parsed, filters, sortedby, reverse, end_offset, facets, scope, narrowing)
            view = self._view(state)
            if view is None:
                found = matching.run(state, *arguments)
            else:
                found = mirrored.run(view, state, *arguments)
            self.caches.keep_matches(key, found)
        return {
            "results": self._page(found, start_offset, end_offset, result_class),
            "hits": found.count,
            "skipped": found.skipped,
            "facets": {"fields": dict(found.facets), "dates": {}, "queries": {}},
            "spelling_suggestion": None,
        }

    def _view(self, state: storage.IndexState) -> mirror.View | None:
        """The index as this search sees it, in this process's mirror; None: run it in SQL."""
        if not self.mirrored:
            return None
        reading = storage.reading()
        view = mirror.mirror_of(reading.alias).current(state.version)
        if state.writer is None:
            return view
        return mirror.view_with_own_changes(view, reading)

    def _page(self, found, start: int, end: int, result_class) -> list:
        result_class = result_class or SearchResult
        page = found.ranked[start:end]
        if not page:
            return []
        with storage.reading().cursor() as cursor:
            cursor.execute(
                f"SELECT id, django_ct, django_id FROM {storage.TABLE} WHERE id = ANY(%s)",
                [[entry for entry, _ in page]],
            )
            identity = {row[0]: row[1:] for row in cursor.fetchall()}
        results = []
        for entry, score in page:
            if entry not in identity:  # removed since the matches were kept
                continue
            django_ct, django_id = identity[entry]
            app_label, model_name = django_ct.split(".")
            if haystack_get_model(app_label, model_name) is not None:
                result = result_class(app_label, model_name, django_id, score)
                result.versions = found.versions.get(entry, 1)
                results.append(result)
        return results

    def clear_result_cache(self) -> None:
        """Forget kept matches (benchmarks measure queries that are really run); the words'
        document frequencies stay, as the Whoosh backend's per-generation values do."""
        self.caches.clear_query_matches()


def _batched(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


class PostgresSearchEngine(BaseEngine):
    backend = PostgresSearchBackend
    query = WhooshSearchQuery  # only its query-string building is used, nothing of Whoosh's
