"""The haystack engine and backend that search Chinese the way a lawyer expects, on Whoosh.

Only haystack's protocol is here (schema, documents in, queries out); the index on disk is in
`storage`, the query execution in `matching`, the exact substring matching in `exact`.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils.encoding import force_str
from haystack import connections
from haystack.backends import BaseEngine
from haystack.backends.whoosh_backend import WhooshSearchBackend, WhooshSearchQuery
from haystack.constants import DJANGO_CT, ID
from haystack.exceptions import SkipDocument
from haystack.utils import get_identifier, get_model_ct
from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, KEYWORD, STORED, TEXT
from whoosh.fields import ID as WHOOSH_ID

from . import matching
from .analysis import BigramAnalyzer, WordAnalyzer
from .narrow import search_arguments
from .storage import IndexStore, stored_stamps


class ChineseWhooshBackend(WhooshSearchBackend):
    def __init__(self, connection_alias, **options):
        super().__init__(connection_alias, **options)
        self.store = IndexStore(self.path)
        self.exact_field: str | None = None  # the field matched by apps.search.exact

    @property
    def index(self):
        """The Whoosh index (haystack's own methods, such as optimize, read and set it)."""
        return self.store.index

    @index.setter
    def index(self, value):
        self.store.index = value

    # ------------------------------------------------------------ opening

    def setup(self, create: bool = True):
        """Open the index; create an empty one only when asked (writers), never for readers."""
        if not create:
            self.store.raise_if_missing()
        self.store.open(self._load_schema())
        self.setup_complete = True

    def _load_schema(self):
        self.content_field_name, self.schema = self.build_schema(
            connections[self.connection_alias].get_unified_index().all_searchfields()
        )
        return self.schema

    def schema_is_current(self) -> bool:
        """Whether the index on disk has the fields of the current schema (or there is none)."""
        written = self.store.written_field_names()
        return written is None or written == set(self._load_schema().names())

    def _ensure_current(self, create: bool = True) -> None:
        """Reopen when a rebuild has swapped a new index in (the path points elsewhere)."""
        if not self.setup_complete or self.store.moved():
            self.setup(create=create)

    def searcher(self):
        """A searcher per thread, reopened only when the index has changed."""
        self._ensure_current(create=False)
        return self.store.searcher()

    # ------------------------------------------------------------ schema

    def build_schema(self, fields):
        content_field, schema = super().build_schema(fields)
        # Document ids also as a column: docnum → id for a whole index in one read.
        schema.remove(ID)
        schema.add(ID, WHOOSH_ID(stored=True, unique=True, sortable=True))
        for field in fields.values():
            name = field.index_fieldname
            if field.field_type == "cjk_words":
                schema.remove(name)
                schema.add(name, TEXT(analyzer=WordAnalyzer(), phrase=False, stored=False))
            elif field.field_type == "cjk_bigrams":
                schema.remove(name)
                schema.add(name, TEXT(analyzer=BigramAnalyzer(), phrase=True, stored=False))
            elif field.field_type == "cjk_chars":
                schema.remove(name)  # matched by apps.search.exact, not by Whoosh postings
                self.exact_field = name
            elif field.field_type == "facet":
                schema.remove(name)
                schema.add(name, WHOOSH_ID(stored=False))
            elif field.field_type == "multi_facet":
                schema.remove(name)
                schema.add(name, KEYWORD(stored=False, commas=True, lowercase=False))
            elif field.field_type == "stamp":  # read back to find drift, never searched
                schema.remove(name)
                schema.add(name, STORED())
            elif field.field_type in ("date", "datetime"):  # sorted by, never searched
                schema.remove(name)
                schema.add(name, COLUMN(NumericColumn("i", default=0)))
            elif field.field_type == "group":  # read whole as a column, never searched
                schema.remove(name)
                schema.add(name, COLUMN(NumericColumn("q", default=0)))
        return content_field, schema

    # ------------------------------------------------------------ writing

    def _column_names(self) -> list[str]:
        return [name for name, field in self.schema.items() if isinstance(field, COLUMN)]

    def prepare_document(self, index, obj) -> dict | None:
        """The fields of `obj` as the index stores them (None: the index skips it)."""
        try:
            doc = index.full_prepare(obj)
        except SkipDocument:
            return None
        doc.pop("boost", None)
        # A column holds a value for every document (haystack leaves a None out): a segment whose
        # documents all lacked one would have no column, and a read of every segment would come
        # up short.
        for name in self._column_names():
            if doc.get(name) is None:
                doc[name] = 0
        for key, value in list(doc.items()):
            if isinstance(value, (list, tuple)):
                doc[key] = ",".join(str(v).replace(",", " ") for v in value)
            elif isinstance(value, date):  # a day number: a sortable column value
                doc[key] = value.toordinal()
            elif value is None or value == "":  # nothing to index (a clause has no title)
                del doc[key]
            elif not isinstance(value, (int, float, datetime)):
                doc[key] = force_str(value)
        return doc

    def update(self, index, iterable, commit=True):
        """Index these records as the database holds them once the index's write lock is held:
        they are read again then (a record deleted meanwhile is left to its delete)."""
        self._ensure_current()
        pks = [obj.pk for obj in iterable]
        if not pks:
            return

        def prepare() -> list[dict]:
            fresh = index.index_queryset().filter(pk__in=pks)
            return [doc for obj in fresh if (doc := self.prepare_document(index, obj))]

        self.store.update_documents(prepare, self.exact_field)

    def remove(self, obj_or_string, commit=True):
        self.remove_identifiers([get_identifier(obj_or_string)])

    def remove_identifiers(self, identifiers) -> None:
        self._ensure_current()
        identifiers = list(identifiers)
        if identifiers:
            self.store.delete_documents(identifiers)

    def clear(self, models=None, commit=True):
        self._ensure_current()
        if models is None:
            self.delete_index()
        else:
            self.store.delete_by_term(DJANGO_CT, (get_model_ct(model) for model in models))

    def delete_index(self):
        self.store.delete()
        self.setup()

    # ------------------------------------------------------------ rebuilding aside

    def build_aside(self, documents, *, procs: int = 1) -> str:
        """Write `documents` (dicts) into a new index beside the live one; return its folder.

        The live index is not opened: a rebuild also mends an index that cannot be read.
        """
        schema = self._load_schema()
        return self.store.build_aside(schema, documents, self.exact_field, procs=procs)

    def replace_all(self, documents, *, procs: int = 1) -> None:
        """A new index of `documents` (prepared dicts), built beside the live one and swapped
        in: searches read the old one until then."""
        self.swap_in(self.build_aside(documents, procs=procs))

    def swap_in(self, folder: str) -> None:
        """Point the index path at `folder` in one atomic rename; remove the old generation."""
        self.store.swap_in(folder)
        self.setup()

    def indexed_stamps(self) -> dict[str, int]:
        """Every document id in the index with its stored change stamp."""
        return stored_stamps(self.searcher())

    # ------------------------------------------------------------ searching

    def search(
        self,
        query_string,
        sort_by=None,
        start_offset=0,
        end_offset=None,
        fields="",
        highlight=False,
        facets=None,
        date_facets=None,
        query_facets=None,
        narrow_queries=None,
        spelling_query=None,
        within=None,
        dwithin=None,
        distance_point=None,
        models=None,
        limit_to_registered_models=None,
        result_class=None,
        **kwargs,
    ):
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

        def read(gen):
            limit = end_offset  # 0: the matches and facet counts only, nothing ranked
            found = matching.matches(
                gen, parsed, filters, sortedby, reverse, limit, scope, narrowing
            )
            facet_counts = {field: found.facet_counts(gen, field) for field in facets or ()}
            page = matching.page(gen, found, start_offset, end_offset, result_class)
            return found, facet_counts, page

        found, facet_counts, page = self.store.read(self.searcher, read)
        return {
            "results": page,
            "hits": len(found.docnums),
            "skipped": found.skipped,
            "facets": {"fields": facet_counts, "dates": {}, "queries": {}},
            "spelling_suggestion": None,
        }

    def clear_result_cache(self) -> None:
        """Forget cached query matches (benchmarks measure queries that are really run)."""
        self.store.caches.clear_query_matches()


class ChineseWhooshEngine(BaseEngine):
    backend = ChineseWhooshBackend
    query = WhooshSearchQuery
