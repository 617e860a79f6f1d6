"""A haystack backend on Whoosh that searches Chinese the way a lawyer expects.

Each document has a jieba-word field (ranking) and a character+bigram field (matching): a query
word matches when its bigrams appear at consecutive positions, i.e. exactly as a substring, however
jieba would cut it. Facet values are exact, unsplit ID fields counted from per-searcher caches.
The query string is read by `apps.search.query`, the same parser the selector uses.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import threading
from collections import OrderedDict
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date, datetime

import numpy as np
from django.utils.encoding import force_str
from haystack import connections
from haystack.backends import BaseEngine
from haystack.backends.whoosh_backend import WhooshSearchBackend, WhooshSearchQuery
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from haystack.exceptions import SkipDocument
from haystack.models import SearchResult
from haystack.utils import get_identifier, get_model_ct
from haystack.utils.app_loading import haystack_get_model
from whoosh import index
from whoosh import query as wq
from whoosh.collectors import FilterCollector, SortingCollector, TopCollector
from whoosh.fields import DATETIME, KEYWORD, NUMERIC, TEXT
from whoosh.fields import ID as WHOOSH_ID
from whoosh.filedb.filestore import FileStorage
from whoosh.scoring import BM25F

from .analysis import BigramAnalyzer, CharAnalyzer, WordAnalyzer, cut_words, phrase_grams
from .fields import NO_SUFFIX
from .phrase import ExactPhrase
from .query import ParsedQuery, Term, parse_query
from .search_indexes import TYPE_REGULATION

log = logging.getLogger(__name__)

WRITE_LOCK_TIMEOUT = float(os.environ.get("SEARCH_WRITE_LOCK_TIMEOUT", "60"))
ARTICLE_BOOST = 50.0
WORD_BOOST_LIMIT = 3000  # estimated matches above which words no longer boost the ranking

_NARROW_RE = re.compile(r'^(?P<field>\w+):"(?P<value>(?:[^"\\]|\\.)*)"$')


class SearchUnavailable(Exception):
    """The index cannot be opened or read (missing, corrupt)."""


class ChineseWhooshBackend(WhooshSearchBackend):
    def __init__(self, connection_alias, **options):
        super().__init__(connection_alias, **options)
        self._local = threading.local()
        self._facet_cache: dict = {}
        self._facet_lock = threading.Lock()
        self._results: OrderedDict = OrderedDict()
        self._segment_tables: dict = {}
        self._opened_inode = None

    # ------------------------------------------------------------ opening

    def _inode(self):
        try:
            return os.stat(self.path).st_ino
        except FileNotFoundError:
            return None

    def setup(self, create: bool = True):
        """Open the index; create an empty one only when asked (writers), never for readers."""
        if not create and self._inode() is None:
            raise SearchUnavailable(f"search index not found at {self.path}")
        os.makedirs(self.path, exist_ok=True)
        self.storage = FileStorage(self.path)
        self._load_schema()
        if index.exists(self.storage):
            self.index = self.storage.open_index(schema=self.schema)
        else:
            self.index = self.storage.create_index(self.schema)
        self._opened_inode = self._inode()
        self._local = threading.local()
        self.setup_complete = True

    def _load_schema(self) -> None:
        self.content_field_name, self.schema = self.build_schema(
            connections[self.connection_alias].get_unified_index().all_searchfields()
        )

    def _ensure_current(self, create: bool = True) -> None:
        """Reopen when a rebuild has swapped a new index in (the path points elsewhere)."""
        if not self.setup_complete or self._inode() != self._opened_inode:
            self.setup(create=create)

    # ------------------------------------------------------------ schema

    def build_schema(self, fields):
        content_field, schema = super().build_schema(fields)
        for field in fields.values():
            name = field.index_fieldname
            if field.field_type == "cjk_words":
                schema.remove(name)
                schema.add(name, TEXT(analyzer=WordAnalyzer(), phrase=False, stored=False))
            elif field.field_type == "cjk_bigrams":
                schema.remove(name)
                schema.add(name, TEXT(analyzer=BigramAnalyzer(), phrase=True, stored=False))
            elif field.field_type == "cjk_chars":
                # Bigrams with positions for phrases; single characters (no positions) beside
                # them in "<name>1" for one-character queries. Half the cost of one mixed field.
                schema.remove(name)
                schema.add(name, TEXT(analyzer=BigramAnalyzer(), phrase=True, stored=False))
                schema.add(name + "1", TEXT(analyzer=CharAnalyzer(), phrase=False, stored=False))
            elif field.field_type == "facet":
                schema.remove(name)
                schema.add(name, WHOOSH_ID(stored=False))
            elif field.field_type == "multi_facet":
                schema.remove(name)
                schema.add(name, KEYWORD(stored=False, commas=True, lowercase=False))
            elif field.field_type == "integer":
                schema.remove(name)
                schema.add(name, NUMERIC(numtype=int, stored=False))
            elif field.field_type == "stamp":
                schema.remove(name)
                schema.add(name, NUMERIC(numtype=int, bits=64, stored=True))
            elif field.field_type in ("date", "datetime"):
                schema.remove(name)
                schema.add(name, DATETIME(stored=False, sortable=True))
        return content_field, schema

    # ------------------------------------------------------------ writing

    def _writer(self):
        # Wait for another writer (process or thread) instead of failing with LockError.
        # Segment files stay separate: a compound file is copied into each reader's memory.
        return self.index.writer(timeout=WRITE_LOCK_TIMEOUT, delay=0.05, compound=False)

    def _document(self, index, obj) -> dict | None:
        try:
            doc = index.full_prepare(obj)
        except SkipDocument:
            return None
        doc.pop("boost", None)
        for name in [k for k in doc if k + "1" in self.schema]:
            doc[name + "1"] = doc[name]  # the single-character twin of a character field
        for key, value in list(doc.items()):
            if isinstance(value, (list, tuple)):
                doc[key] = ",".join(str(v).replace(",", " ") for v in value)
            elif isinstance(value, date) and not isinstance(value, datetime):
                doc[key] = datetime(value.year, value.month, value.day)
            elif value is None:
                del doc[key]
            elif not isinstance(value, (int, float, datetime)):
                doc[key] = force_str(value)
        return doc

    def update(self, index, iterable, commit=True):
        self._ensure_current()
        docs = [doc for obj in iterable if (doc := self._document(index, obj))]
        if not docs:
            return
        self.index = self.index.refresh()
        writer = self._writer()
        try:
            for doc in docs:
                writer.update_document(**doc)
        except Exception:
            writer.cancel()
            raise
        writer.commit()

    def remove(self, obj_or_string, commit=True):
        self.remove_identifiers([get_identifier(obj_or_string)])

    def remove_identifiers(self, identifiers) -> None:
        self._ensure_current()
        identifiers = list(identifiers)
        if not identifiers:
            return
        self.index = self.index.refresh()
        writer = self._writer()
        try:
            for identifier in identifiers:
                writer.delete_by_term(ID, identifier)
        except Exception:
            writer.cancel()
            raise
        writer.commit()

    def clear(self, models=None, commit=True):
        self._ensure_current()
        if models is None:
            self.delete_index()
            return
        self.index = self.index.refresh()
        writer = self._writer()
        for model in models:
            writer.delete_by_term(DJANGO_CT, get_model_ct(model))
        writer.commit()

    def delete_index(self):
        target = os.path.realpath(self.path)
        if os.path.islink(self.path):
            os.unlink(self.path)
        shutil.rmtree(target, ignore_errors=True)
        self.setup()

    # ------------------------------------------------------------ rebuilding aside

    def build_aside(self, documents, *, procs: int = 1) -> str:
        """Write `documents` (dicts) into a new index beside the live one; return its folder.

        The live index is not opened: a rebuild also mends an index that cannot be read.
        """
        self._load_schema()
        generations = os.path.join(
            os.path.dirname(os.path.abspath(self.path)),
            os.path.basename(os.path.abspath(self.path)) + ".gen",
        )
        os.makedirs(generations, exist_ok=True)
        folder = os.path.join(generations, datetime.now().strftime("%Y%m%d%H%M%S%f"))
        os.makedirs(folder)
        new_index = FileStorage(folder).create_index(self.schema)
        # Several processes analyse text in parallel; their segments are kept as they are
        # (multisegment) instead of being merged into one, which would take longer than the build.
        # A large posting pool per process avoids spilling postings to disk and reading them back.
        writer = (
            new_index.writer(procs=procs, limitmb=2048, multisegment=True, compound=False)
            if procs > 1
            else new_index.writer(limitmb=512, compound=False)
        )
        try:
            for doc in documents:
                writer.add_document(**doc)
        except BaseException:
            writer.cancel()
            shutil.rmtree(folder, ignore_errors=True)
            raise
        writer.commit()
        return folder

    def swap_in(self, folder: str) -> None:
        """Point the index path at `folder` in one atomic rename; remove the old generation."""
        old_target = os.path.realpath(self.path) if os.path.lexists(self.path) else None
        if os.path.isdir(self.path) and not os.path.islink(self.path):
            # First rebuild: the live index is a plain folder; keep it until the link replaces it.
            parked = folder + ".previous"
            os.rename(self.path, parked)
            old_target = parked
        link = f"{self.path}.link-{os.getpid()}"
        if os.path.lexists(link):
            os.unlink(link)
        os.symlink(folder, link)
        os.replace(link, self.path)
        if old_target and old_target != folder:
            shutil.rmtree(old_target, ignore_errors=True)
        self.setup()

    def indexed_stamps(self) -> dict[str, int]:
        """Every document id in the index with its stored change stamp."""
        searcher = self.searcher()
        return {fields[ID]: fields.get("stamp", 0) for fields in searcher.all_stored_fields()}

    # ------------------------------------------------------------ reading

    def searcher(self):
        """A searcher per thread, reopened only when the index has changed."""
        self._ensure_current(create=False)
        searcher = getattr(self._local, "searcher", None)
        if searcher is None:
            searcher = self.index.searcher(weighting=BM25F())
        elif not searcher.up_to_date():
            searcher = searcher.refresh()
        self._local.searcher = searcher
        return searcher

    def build_query(self, parsed: ParsedQuery, searcher):
        """Whoosh query for a parsed query: exact substrings, words boosting the ranking.

        The word boost is left out when the query matches so many documents (应当, 规定) that
        scoring the words too would double the cost for no visible gain in the order.
        """
        if parsed.is_empty:
            return wq.Every()
        required = [wq.Or([self._term_query(t) for t in group]) for group in parsed.must]
        matcher = wq.And(required) if required else wq.NullQuery
        words = (
            []
            if self._estimated_matches(searcher, parsed) > WORD_BOOST_LIMIT
            else [w for group in parsed.must for t in group for w in cut_words(t.text)]
        )
        ranked = (
            wq.AndMaybe(matcher, wq.Or([wq.Term("text", w) for w in words])) if words else (matcher)
        )
        if parsed.article:
            article = self._article_query(parsed, searcher)
            ranked = wq.Or([article, ranked]) if required else article
        if parsed.must_not:
            ranked = wq.AndNot(ranked, wq.Or([self._term_query(t) for t in parsed.must_not]))
        return ranked

    def _estimated_matches(self, searcher, parsed: ParsedQuery) -> int:
        """At most how many documents the required terms match, read from term frequencies."""
        estimate = None
        for group in parsed.must:
            group_total = 0
            for term in group:
                for variant in term.variants():
                    grams = phrase_grams(variant)
                    field = "chars1" if grams and len(grams[0]) == 1 else "chars"
                    group_total += min((searcher.doc_frequency(field, g) for g in grams), default=0)
            estimate = group_total if estimate is None else min(estimate, group_total)
        return estimate or 0

    def _term_query(self, term: Term):
        alternatives = []
        for variant in term.variants():
            grams = phrase_grams(variant)
            if not grams:
                continue
            if len(grams[0]) == 1:
                alternatives.append(wq.Term("chars1", grams[0]))
            elif len(grams) == 1:  # two characters: one bigram, no positions to check
                alternatives.append(wq.Term("chars", grams[0]))
            else:
                alternatives.append(ExactPhrase("chars", grams))
        if not alternatives:
            return wq.NullQuery
        return alternatives[0] if len(alternatives) == 1 else wq.Or(alternatives)

    def _article_query(self, parsed: ParsedQuery, searcher):
        ref = parsed.article
        parts = [wq.Term("number", ref.number), wq.Term("suffix", ref.suffix or NO_SUFFIX)]
        if ref.name:
            slugs = self._regulations_named(searcher, ref.name.strip("《》"))
            parts.append(wq.Or([wq.Term("regulation", slug) for slug in slugs]))
        return wq.And(parts, boost=ARTICLE_BOOST)

    def _regulations_named(self, searcher, name: str) -> list[str]:
        """Slugs of the regulations whose title or short title contains `name`.

        Only regulation documents carry the titles, so clauses are found through their
        regulation's slug instead of each repeating the title in the index.
        """
        grams = phrase_grams(name)
        if not grams or len(grams[0]) < 2:
            return []
        title = (
            ExactPhrase("title_chars", grams)
            if len(grams) > 1
            else wq.Term("title_chars", grams[0])
        )
        query = wq.And([wq.Term("content_type", TYPE_REGULATION), title])
        docnums = np.fromiter(query.docs(searcher), dtype=np.int64)
        return self.facet_table(searcher, "regulation").values_for(docnums)

    def _narrow_filter(self, narrow_queries, models) -> tuple[tuple[tuple[str, str], ...], ...]:
        """Filters as groups of (field, value): any term of a group, every group."""
        groups = []
        for narrow in narrow_queries or ():
            match = _NARROW_RE.match(force_str(narrow))
            if not match:
                raise ValueError(f"unsupported narrow query: {narrow!r}")
            groups.append(((match["field"], match["value"].replace('\\"', '"')),))
        if models:
            groups.append(tuple((DJANGO_CT, get_model_ct(m)) for m in models))
        return tuple(sorted(groups))

    def _generation(self, searcher) -> tuple:
        return (self._opened_inode, searcher.reader().generation())

    def _cached(self, searcher, key, build):
        """A value computed once per index generation (facet tables, filter doc sets)."""
        full_key = (*self._generation(searcher), key)
        cached = self._facet_cache.get(full_key)
        if cached is None:
            cached = build()
            with self._facet_lock:
                if len(self._facet_cache) > 256:
                    self._facet_cache.clear()
                self._facet_cache[full_key] = cached
        return cached

    def facet_table(self, searcher, field: str) -> _FacetTable:
        """The field's values for every document: per segment, read once (segments do not
        change; their deleted documents never match a query), combined per generation."""

        def build():
            parts, current = [], set()
            for segment_reader, offset in searcher.reader().leaf_readers():
                key = (self._opened_inode, segment_reader.segment().segment_id(), field)
                current.add(key)
                table = self._segment_tables.get(key)
                if table is None:
                    table = self._segment_tables[key] = _FacetTable.read(segment_reader, field)
                parts.append((table, offset))
            with self._facet_lock:  # forget segments merged away
                for key in [k for k in self._segment_tables if k[2] == field]:
                    if key not in current:
                        del self._segment_tables[key]
            return _FacetTable.combine(parts)

        return self._cached(searcher, ("facet", field), build)

    def live_docs(self, searcher) -> np.ndarray:
        """Docnums of the documents not deleted, ascending."""

        def build():
            reader = searcher.reader()
            live = np.ones(reader.doc_count_all(), dtype=bool)
            for segment_reader, offset in reader.leaf_readers():
                dead = list(segment_reader.segment().deleted_docs())
                live[np.array(dead, dtype=np.int64) + offset] = False
            return np.flatnonzero(live)

        return self._cached(searcher, ("live",), build)

    def _allowed(self, searcher, filters) -> tuple[np.ndarray, set[int]]:
        """The live docnums that pass every filter group (as an array and as a set)."""

        def build():
            allowed = self.live_docs(searcher)
            for group in filters:
                either = [self.facet_table(searcher, f).docs_with(v) for f, v in group]
                allowed = np.intersect1d(allowed, np.concatenate(either))
            return allowed, set(allowed.tolist())

        return self._cached(searcher, ("filter", filters), build)

    def _matches(self, searcher, whoosh_query, filters, sortedby, reverse, limit) -> _Matches:
        """The matches of a query, from the per-generation cache when it holds enough of them."""
        key = (
            *self._generation(searcher),
            repr(whoosh_query),
            filters,
            sortedby,
            reverse,
        )
        with self._facet_lock:
            matches = self._results.get(key)
            if matches is not None:
                self._results.move_to_end(key)
        if matches is None or (not matches.complete and len(matches.ranked) < limit):
            matches = self._run(searcher, whoosh_query, filters, sortedby, reverse, limit)
            with self._facet_lock:
                self._results[key] = matches
                while len(self._results) > RESULT_CACHE_SIZE:
                    self._results.popitem(last=False)
        return matches

    def clear_result_cache(self) -> None:
        """Forget cached query matches (benchmarks measure queries that are really run)."""
        with self._facet_lock:
            self._results.clear()

    def _run(self, searcher, whoosh_query, filters, sortedby, reverse, limit) -> _Matches:
        limit = max(limit, KEEP_RANKED)
        allowed, allowed_set = self._allowed(searcher, filters) if filters else (None, None)
        if allowed is not None and not len(allowed):
            return _Matches([], allowed, complete=True)  # an empty set reads as "no filter"
        if isinstance(whoosh_query, wq.Every) and not sortedby:
            # Browsing by facets: every (allowed) document in index order, nothing to score.
            docnums = allowed if allowed is not None else self.live_docs(searcher)
            ranked = [(int(d), 0.0) for d in docnums[:limit]]
            return _Matches(ranked, docnums, complete=len(ranked) == len(docnums))
        # One pass over the matches gives the top, the count and the docnums for facets
        # (Whoosh's default collector would run the query again for each of the last two).
        if sortedby:
            collector = SortingCollector(sortedby, limit=limit, reverse=reverse)
        else:
            collector = _TopAndAllCollector(limit=limit, usequality=False)
        if allowed_set is not None:
            collector = FilterCollector(collector, allow=allowed_set)
        searcher.search_with_collector(whoosh_query, collector)
        results = collector.results()
        ranked = [
            (results.docnum(i), results.score(i) or 0.0) for i in range(results.scored_length())
        ]
        docnums = np.fromiter(sorted(collector.all_ids()), dtype=np.int64)
        return _Matches(ranked, docnums, complete=len(ranked) == len(docnums))

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
        try:
            searcher = self.searcher()
        except Exception as error:  # missing or corrupt index files
            raise SearchUnavailable(str(error)) from error
        parsed = parse_query(force_str(query_string or "").replace("*", " "))
        whoosh_query = self.build_query(parsed, searcher)
        filters = self._narrow_filter(narrow_queries, models)
        end_offset = end_offset if end_offset is not None else start_offset + 20
        sortedby, reverse = None, False
        if sort_by:
            field = sort_by[0]
            reverse = field.startswith("-")
            sortedby = field.lstrip("-")
        try:
            matches = self._matches(
                searcher, whoosh_query, filters, sortedby, reverse, max(end_offset, 1)
            )
            facet_counts = {
                field: self._facet_counts(searcher, matches, field) for field in facets or ()
            }
            result_class = result_class or SearchResult
            page = []
            for docnum, score in matches.ranked[start_offset:end_offset]:
                fields_ = searcher.stored_fields(docnum)
                app_label, model_name = fields_[DJANGO_CT].split(".")
                if haystack_get_model(app_label, model_name) is None:
                    continue
                page.append(result_class(app_label, model_name, fields_[DJANGO_ID], score))
        except (OSError, EOFError) as error:
            raise SearchUnavailable(str(error)) from error
        return {
            "results": page,
            "hits": len(matches.docnums),
            "facets": {"fields": facet_counts, "dates": {}, "queries": {}},
            "spelling_suggestion": None,
        }

    def _facet_counts(self, searcher, matches: _Matches, field: str) -> list[tuple[str, int]]:
        counts = matches.facets.get(field)
        if counts is None:
            if matches.mask is None:
                matches.mask = np.zeros(searcher.doc_count_all(), dtype=bool)
                matches.mask[matches.docnums] = True
            counts = matches.facets[field] = self.facet_table(searcher, field).counts(matches.mask)
        return counts


RESULT_CACHE_SIZE = 256  # queries whose matches are kept per process, per index generation
KEEP_RANKED = 100  # ranked matches kept per query: the first five pages of twenty


@dataclass(eq=False)
class _Matches:
    """What a query matched: the ranked head, every docnum, facet counts filled in on demand."""

    ranked: list[tuple[int, float]]  # (docnum, score), best first
    docnums: np.ndarray  # every match, ascending
    complete: bool  # `ranked` holds every match
    facets: dict = dc_field(default_factory=dict)
    mask: np.ndarray | None = None


class _FacetTable:
    """One (docnum, value code) pair per document and value of a field, counted with numpy."""

    def __init__(self, values: list[str], docs: np.ndarray, codes: np.ndarray):
        self.values, self.docs, self.codes = values, docs, codes
        self.code_of = {value: code for code, value in enumerate(values)}

    @classmethod
    def read(cls, reader, field: str) -> _FacetTable:
        values: list[str] = []
        docs: list[int] = []
        codes: list[int] = []
        if field in reader.schema:
            for code, text in enumerate(reader.lexicon(field)):
                values.append(text.decode("utf-8"))
                ids = list(reader.postings(field, text).all_ids())
                docs += ids
                codes += [code] * len(ids)
        return cls(values, np.array(docs, dtype=np.int64), np.array(codes, dtype=np.int64))

    @classmethod
    def combine(cls, parts: list[tuple[_FacetTable, int]]) -> _FacetTable:
        """One table for segments read apart: (table, docnum offset of its segment)."""
        values = sorted({value for table, _ in parts for value in table.values})
        code_of = {value: code for code, value in enumerate(values)}
        docs, codes = [np.empty(0, dtype=np.int64)], [np.empty(0, dtype=np.int64)]
        for table, offset in parts:
            if table.values:
                recode = np.array([code_of[v] for v in table.values], dtype=np.int64)
                docs.append(table.docs + offset)
                codes.append(recode[table.codes])
        return cls(values, np.concatenate(docs), np.concatenate(codes))

    def counts(self, mask: np.ndarray) -> list[tuple[str, int]]:
        """(value, documents) for the documents set in `mask`, most frequent first."""
        if not self.values:
            return []
        tally = np.bincount(self.codes[mask[self.docs]], minlength=len(self.values))
        found = [(self.values[i], int(tally[i])) for i in np.flatnonzero(tally)]
        return sorted(found, key=lambda kv: (-kv[1], kv[0]))

    def values_for(self, docnums: np.ndarray) -> list[str]:
        """The distinct values of these documents."""
        codes = np.unique(self.codes[np.isin(self.docs, docnums)])
        return [self.values[code] for code in codes]

    def docs_with(self, value: str) -> np.ndarray:
        code = self.code_of.get(value)
        return self.docs[self.codes == code] if code is not None else self.docs[:0]


class _TopAndAllCollector(TopCollector):
    """The top N by score, and every matching docnum (for counting and facets) in one pass."""

    def _collect(self, global_docnum, score):
        self.docset.add(global_docnum)
        return super()._collect(global_docnum, score)

    def all_ids(self):
        return self.docset


class ChineseWhooshEngine(BaseEngine):
    backend = ChineseWhooshBackend
    query = WhooshSearchQuery
