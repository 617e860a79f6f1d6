"""A haystack backend on Whoosh that searches Chinese the way a lawyer expects.

A query word matches wherever it occurs as a substring, however jieba would cut the text: the
matching is done by `apps.search.exact` (numpy over every document's folded text, kept beside the
Whoosh files), and scored by how often the word occurs (BM25). Whoosh holds the documents, their
jieba words (which lift whole-word matches in the ranking), facets, dates and article numbers.
Facet values are exact, unsplit ID fields counted from per-generation numpy tables.
The query string is read by `apps.search.query`, the same parser the selector uses.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date, datetime
from functools import partial

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
from whoosh.collectors import TopCollector
from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, KEYWORD, STORED, TEXT
from whoosh.fields import ID as WHOOSH_ID
from whoosh.filedb.filestore import FileStorage
from whoosh.matching import ListMatcher, NullMatcher
from whoosh.scoring import BM25F

from .analysis import BigramAnalyzer, WordAnalyzer, cut_words, phrase_grams
from .exact import Texts, compact, count_in
from .fields import NO_SUFFIX
from .phrase import ExactPhrase
from .query import ParsedQuery, parse_query

log = logging.getLogger(__name__)

WRITE_LOCK_TIMEOUT = float(os.environ.get("SEARCH_WRITE_LOCK_TIMEOUT", "60"))
OPEN_RETRIES = 10  # as Whoosh's reader() does for the same race
ARTICLE_BOOST = 50.0
RERANK_DEPTH = 100  # the best by occurrences that their jieba words rank again; <= KEEP_RANKED

_NARROW_RE = re.compile(r'^(?P<field>\w+):"(?P<value>(?:[^"\\]|\\.)*)"$')


class SearchUnavailable(Exception):
    """The index cannot be opened or read (missing, corrupt)."""


class _Superseded(Exception):
    """Files of the searcher's index generation are gone (merged away by a newer one)."""


def _segment_ids(segment_reader) -> list[str]:
    """The document id of every docnum of one segment, from its id column."""
    ids = list(segment_reader.column_reader(ID))
    # Whoosh reads a column file deleted under it (segment merged away) as empty values.
    if "" in ids or len(ids) != segment_reader.doc_count_all():
        raise _Superseded("document ids unreadable: their segment was merged away")
    return ids


class ChineseWhooshBackend(WhooshSearchBackend):
    def __init__(self, connection_alias, **options):
        super().__init__(connection_alias, **options)
        self._local = threading.local()
        self._facet_cache: dict = {}
        self._facet_lock = threading.Lock()
        self._results: OrderedDict = OrderedDict()
        self._segment_tables: dict = {}
        self._opened_inode = None
        self.exact_field: str | None = None  # the field matched by apps.search.exact

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
            self.index = self._open_index()
        else:
            self.index = self.storage.create_index(self.schema)
        self._opened_inode = self._inode()
        self._local = threading.local()
        self.setup_complete = True

    def _open_index(self):
        """Open the latest generation, again when a writer's commit removes its table of contents
        just as it is read (Whoosh's own reader() retries the same race; opening does not)."""
        for attempt in range(1, OPEN_RETRIES + 1):
            try:
                return self.storage.open_index(schema=self.schema)
            except FileNotFoundError:
                if attempt == OPEN_RETRIES:
                    raise
                time.sleep(0.05)

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
        return content_field, schema

    # ------------------------------------------------------------ writing

    def _writer(self):
        # Wait for another writer (process or thread) instead of failing with LockError.
        # Segment files stay separate: a compound file is copied into each reader's memory.
        return self.index.writer(timeout=WRITE_LOCK_TIMEOUT, delay=0.05, compound=False)

    def prepare_document(self, index, obj) -> dict | None:
        try:
            doc = index.full_prepare(obj)
        except SkipDocument:
            return None
        doc.pop("boost", None)
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

    def _exact_text(self, doc: dict) -> str:
        """Take the exactly-matched text out of a document (Whoosh does not index it)."""
        return compact(doc.pop(self.exact_field, "") or "") if self.exact_field else ""

    def update(self, index, iterable, commit=True):
        self._ensure_current()
        docs = [doc for obj in iterable if (doc := self.prepare_document(index, obj))]
        if not docs:
            return
        texts = {doc[ID]: self._exact_text(doc) for doc in docs}
        self.index = self.index.refresh()
        writer = self._writer()
        try:
            Texts.apply(self.path, texts)  # under the write lock, before Whoosh commits
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
            Texts.apply(self.path, dict.fromkeys(identifiers))
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
        texts = []
        try:
            for doc in documents:
                texts.append((doc[ID], self._exact_text(doc)))
                writer.add_document(**doc)
        except BaseException:
            writer.cancel()
            shutil.rmtree(folder, ignore_errors=True)
            raise
        try:
            writer.commit()
            Texts.build(folder, texts)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
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

    def _hits(self, searcher, parsed: ParsedQuery) -> _Hits:
        """Every document the query matches, with its BM25 score over exact occurrences.

        Terms of a group are alternatives, groups are all required; an article reference adds
        its clause (first, by its boost) to what the words match, or is the whole query.
        """
        view = self._exact_view(searcher)
        hits = None
        for group in parsed.must:
            either = _Hits.union([view.hits(v) for term in group for v in term.variants()])
            hits = either if hits is None else hits.intersect(either)
        if parsed.article:
            docnums = self._article_docs(parsed, searcher)
            article = _Hits(docnums, np.full(len(docnums), ARTICLE_BOOST))
            hits = article if hits is None else _Hits.union([article, hits])
        if parsed.must_not:
            hits = hits.without(
                _Hits.union([view.hits(v) for t in parsed.must_not for v in t.variants()])
            )
        return hits

    def _exact_view(self, searcher) -> _ExactView:
        """The exact-match texts of this index generation, addressed by docnum."""
        stamp = Texts.manifest_stamp(self.path)

        def build():
            if stamp is None and searcher.doc_count_all():
                raise SearchUnavailable("the index has no exact-match texts: run rebuild_index")
            try:
                texts = Texts(self.path)
            except (OSError, ValueError) as error:  # missing or damaged files
                raise SearchUnavailable(f"exact-match texts unreadable: {error}") from error
            ids = [i for part, _ in self._per_segment(searcher, ID, _segment_ids) for i in part]
            docnum_of = {ids[docnum]: docnum for docnum in self.live_docs(searcher).tolist()}
            return _ExactView(texts, docnum_of, doc_count=len(docnum_of))

        return self._cached(searcher, ("exact", stamp), build)

    def _article_docs(self, parsed: ParsedQuery, searcher) -> np.ndarray:
        """Live docnums of the clause an article reference names (in any regulation if unnamed)."""
        ref = parsed.article
        docs = self.facet_table(searcher, "number").docs_with(str(ref.number))
        suffixes = self.facet_table(searcher, "suffix")
        docs = docs[suffixes.codes_of(docs) == suffixes.code_of.get(ref.suffix or NO_SUFFIX, -2)]
        if ref.name:
            regulations = self.facet_table(searcher, "regulation")
            named = self._regulations_named(searcher, ref.name.strip("《》"))
            docs = docs[np.isin(regulations.codes_of(docs), named)]
        return np.unique(docs[self.live_mask(searcher)[docs]])

    def _regulations_named(self, searcher, name: str) -> np.ndarray:
        """Codes (in the regulation facet) of the regulations whose title or short title
        contains `name`.

        Only regulation documents carry the titles, so clauses are found through their
        regulation's slug instead of each repeating the title in the index.
        """
        grams = phrase_grams(name)
        if not grams or len(grams[0]) < 2:
            return _NO_DOCS
        title = (
            ExactPhrase("title_chars", grams)
            if len(grams) > 1
            else wq.Term("title_chars", grams[0])
        )
        docnums = np.fromiter(title.docs(searcher), dtype=np.int64)
        return np.unique(self.facet_table(searcher, "regulation").codes_of(docnums))

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

    def _per_segment(self, searcher, name, read) -> list[tuple[object, int]]:
        """(read(segment reader), docnum offset) for every segment of the searcher: read once
        per segment (segments do not change), forgotten once the segment is merged away."""
        parts, current = [], set()
        for segment_reader, offset in searcher.reader().leaf_readers():
            key = (self._opened_inode, segment_reader.segment().segment_id(), name)
            current.add(key)
            value = self._segment_tables.get(key)
            if value is None:
                value = self._segment_tables[key] = read(segment_reader)
            parts.append((value, offset))
        with self._facet_lock:
            for key in [k for k in self._segment_tables if k[2] == name and k not in current]:
                del self._segment_tables[key]
        return parts

    def facet_table(self, searcher, field: str) -> _FacetTable:
        """The field's values for every document: per segment, read once (their deleted
        documents never match a query), combined per generation."""

        def build():
            read = partial(_FacetTable.read, field=field)
            return _FacetTable.combine(self._per_segment(searcher, field, read))

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

    def live_mask(self, searcher) -> np.ndarray:
        """True at the docnum of every document not deleted."""

        return self._cached(
            searcher, ("live mask",), lambda: _mask(self.live_docs(searcher), searcher)
        )

    def _allowed(self, searcher, filters) -> tuple[np.ndarray, np.ndarray]:
        """The live docnums that pass every filter group (ascending, and as a mask)."""

        def build():
            allowed = self.live_docs(searcher)
            for group in filters:
                either = [self.facet_table(searcher, f).docs_with(v) for f, v in group]
                allowed = np.intersect1d(allowed, np.concatenate(either))
            return allowed, _mask(allowed, searcher)

        return self._cached(searcher, ("filter", filters), build)

    def _matches(self, searcher, parsed, filters, sortedby, reverse, limit) -> _Matches:
        """The matches of a query, from the per-generation cache when it holds enough of them."""
        key = (*self._generation(searcher), repr(parsed), filters, sortedby, reverse)
        with self._facet_lock:
            matches = self._results.get(key)
            if matches is not None:
                self._results.move_to_end(key)
        if matches is None or (not matches.complete and len(matches.ranked) < limit):
            matches = self._run(searcher, parsed, filters, sortedby, reverse, limit)
            with self._facet_lock:
                self._results[key] = matches
                while len(self._results) > RESULT_CACHE_SIZE:
                    self._results.popitem(last=False)
        return matches

    def clear_result_cache(self) -> None:
        """Forget cached query matches (benchmarks measure queries that are really run)."""
        with self._facet_lock:
            self._results.clear()

    def _run(self, searcher, parsed, filters, sortedby, reverse, limit) -> _Matches:
        limit = max(limit, KEEP_RANKED)
        allowed, mask = self._allowed(searcher, filters) if filters else (None, None)
        if parsed.is_empty:
            docnums = allowed if allowed is not None else self.live_docs(searcher)
            if not sortedby:  # browsing by facets: documents in index order, nothing to score
                ranked = [(int(d), 0.0) for d in docnums[:limit]]
                return _Matches(ranked, docnums, complete=len(ranked) == len(docnums))
            hits = _Hits(docnums, np.zeros(len(docnums)))
        else:
            hits = self._hits(searcher, parsed)
            if mask is not None:
                hits = hits.within(mask)
        if sortedby:
            keys = self._sort_keys(searcher, sortedby)[hits.docnums]
            order = np.lexsort((hits.docnums, -keys if reverse else keys))
        else:
            order = np.lexsort((hits.docnums, -hits.scores))
        ranked = [(int(hits.docnums[i]), float(hits.scores[i])) for i in order[:limit]]
        words = [w for group in parsed.must for t in group for w in cut_words(t.text)]
        if words and not sortedby and len(order):
            # The best by occurrences ranked again with their jieba words added: where the
            # query is a whole word (办理登记) before where it is inside another (登记机关).
            # Always the same head, whatever the page asked for: pages never overlap.
            head = np.sort(order[:RERANK_DEPTH])
            boosted = wq.AndMaybe(
                _DocSet(_Hits(hits.docnums[head], hits.scores[head])),
                wq.Or([wq.Term("text", w) for w in words]),
            )
            collector = TopCollector(limit=len(head), usequality=False)
            ranked[: len(head)] = self._collect(searcher, boosted, collector)
        return _Matches(ranked, hits.docnums, complete=len(ranked) == len(hits.docnums))

    def _sort_keys(self, searcher, field: str) -> np.ndarray:
        """Every document's value of a sortable column, by docnum."""

        def build():
            reader = searcher.reader()
            if not reader.has_column(field):
                raise ValueError(f"cannot sort by {field!r}")
            return np.fromiter(reader.column_reader(field), np.int64, reader.doc_count_all())

        return self._cached(searcher, ("column", field), build)

    @staticmethod
    def _collect(searcher, whoosh_query, collector) -> list[tuple[int, float]]:
        searcher.search_with_collector(whoosh_query, collector)
        results = collector.results()
        return [
            (results.docnum(i), results.score(i) or 0.0) for i in range(results.scored_length())
        ]

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
        parsed = parse_query(force_str(query_string or "").replace("*", " "))
        filters = self._narrow_filter(narrow_queries, models)
        end_offset = end_offset if end_offset is not None else start_offset + 20
        sortedby = sort_by[0].lstrip("-") if sort_by else None
        reverse = bool(sort_by) and sort_by[0].startswith("-")
        for attempt in (1, 2):
            try:
                searcher = self.searcher()
            except Exception as error:  # missing or corrupt index files
                raise SearchUnavailable(str(error)) from error
            try:
                matches = self._matches(
                    searcher, parsed, filters, sortedby, reverse, max(end_offset, 1)
                )
                facet_counts = {
                    field: self._facet_counts(searcher, matches, field) for field in facets or ()
                }
                page = self._page(searcher, matches, start_offset, end_offset, result_class)
                break
            except Exception as error:
                # Another process committed and merged away a segment this searcher still
                # reads (Whoosh opens some files lazily): once more on the current generation.
                if attempt == 1 and not searcher.up_to_date():
                    self._local.searcher = None
                    continue
                if isinstance(error, (OSError, EOFError, _Superseded)):
                    raise SearchUnavailable(str(error)) from error
                raise
        return {
            "results": page,
            "hits": len(matches.docnums),
            "facets": {"fields": facet_counts, "dates": {}, "queries": {}},
            "spelling_suggestion": None,
        }

    @staticmethod
    def _page(searcher, matches: _Matches, start: int, end: int, result_class) -> list:
        result_class = result_class or SearchResult
        page = []
        for docnum, score in matches.ranked[start:end]:
            fields = searcher.stored_fields(docnum)
            app_label, model_name = fields[DJANGO_CT].split(".")
            if haystack_get_model(app_label, model_name) is not None:
                page.append(result_class(app_label, model_name, fields[DJANGO_ID], score))
        return page

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
        self._code_by_doc: np.ndarray | None = None

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

    def codes_of(self, docnums: np.ndarray) -> np.ndarray:
        """The value code of each of these documents (-1: none), for one-valued fields."""
        if self._code_by_doc is None:
            size = int(self.docs.max()) + 1 if len(self.docs) else 0
            self._code_by_doc = np.full(size, -1, dtype=np.int64)
            self._code_by_doc[self.docs] = self.codes
        inside = docnums < len(self._code_by_doc)
        return np.where(inside, self._code_by_doc[np.where(inside, docnums, 0)], -1)

    def docs_with(self, value: str) -> np.ndarray:
        code = self.code_of.get(value)
        return self.docs[self.codes == code] if code is not None else self.docs[:0]


@dataclass(eq=False)
class _Hits:
    """Matched documents: docnums ascending and unique, a score for each."""

    docnums: np.ndarray
    scores: np.ndarray

    @classmethod
    def union(cls, parts: list[_Hits]) -> _Hits:
        """Documents in any part, their scores summed."""
        if len(parts) == 1:
            return parts[0]
        docnums = np.concatenate([p.docnums for p in parts]) if parts else _NO_DOCS
        scores = np.concatenate([p.scores for p in parts]) if parts else _NO_SCORES
        unique, inverse = np.unique(docnums, return_inverse=True)
        return cls(unique, np.bincount(inverse, weights=scores, minlength=len(unique)))

    def intersect(self, other: _Hits) -> _Hits:
        common, mine, theirs = np.intersect1d(
            self.docnums, other.docnums, assume_unique=True, return_indices=True
        )
        return _Hits(common, self.scores[mine] + other.scores[theirs])

    def without(self, other: _Hits) -> _Hits:
        keep = ~np.isin(self.docnums, other.docnums, assume_unique=True)
        return _Hits(self.docnums[keep], self.scores[keep])

    def within(self, mask: np.ndarray) -> _Hits:
        keep = mask[self.docnums]
        return _Hits(self.docnums[keep], self.scores[keep])


_NO_DOCS = np.empty(0, dtype=np.int64)
_NO_SCORES = np.empty(0, dtype=np.float64)


def _mask(docnums: np.ndarray, searcher) -> np.ndarray:
    """True at these docnums, for every document of the searcher."""
    mask = np.zeros(searcher.doc_count_all(), dtype=bool)
    mask[docnums] = True
    return mask


class _ExactView:
    """The exact-match texts (base and delta) addressed by the docnums of one index generation."""

    K1, B = 1.2, 0.75  # BM25, as Whoosh's defaults

    def __init__(self, texts: Texts, docnum_of: dict[str, int], *, doc_count: int):
        self.base = texts.base
        lengths = []
        if self.base is not None:
            # A document changed since the base was built is read from the delta only.
            self.base_docnums = np.array(
                [-1 if i in texts.delta else docnum_of.get(i, -1) for i in self.base.ids],
                dtype=np.int64,
            )
            self.base_lengths = self.base.lengths
            lengths.append(self.base_lengths[self.base_docnums >= 0])
        self.delta = [
            (docnum_of[i], text)
            for i, text in texts.delta.items()
            if text is not None and i in docnum_of
        ]
        lengths.append(np.array([len(text) for _, text in self.delta], dtype=np.int64))
        lengths = np.concatenate(lengths)
        self.average_length = float(lengths.mean()) if len(lengths) else 1.0
        self.doc_count = doc_count

    def hits(self, word: str) -> _Hits:
        """The documents holding `word` exactly, scored by BM25 over its occurrences."""
        needle = compact(word)
        if not needle:
            return _Hits(_NO_DOCS, _NO_SCORES)
        docnums, counts, lengths = [_NO_DOCS], [_NO_DOCS], [_NO_DOCS]
        if self.base is not None:
            found, found_counts = self.base.find(needle)
            found_docnums = self.base_docnums[found]
            keep = found_docnums >= 0
            docnums.append(found_docnums[keep])
            counts.append(found_counts[keep])
            lengths.append(self.base_lengths[found[keep]])
        changed = [(d, text) for d, text in self.delta if needle in text]
        if changed:
            docnums.append(np.array([d for d, _ in changed], dtype=np.int64))
            counts.append(np.array([count_in(t, needle) for _, t in changed], dtype=np.int64))
            lengths.append(np.array([len(t) for _, t in changed], dtype=np.int64))
        docnums, counts, lengths = (np.concatenate(parts) for parts in (docnums, counts, lengths))
        order = np.argsort(docnums)
        docnums, counts, lengths = docnums[order], counts[order], lengths[order]
        matched = len(docnums)
        idf = np.log(1 + (self.doc_count - matched + 0.5) / (matched + 0.5))
        norm = self.K1 * (1 - self.B + self.B * lengths / self.average_length)
        return _Hits(docnums, idf * counts * (self.K1 + 1) / (counts + norm))


class _DocSet(wq.Query):
    """Documents already matched (global docnums and scores) as a Whoosh query, so that Whoosh
    can add the scores of their jieba words."""

    def __init__(self, hits: _Hits):
        self.hits = hits

    def __eq__(self, other):
        return other.__class__ is self.__class__ and other.hits is self.hits

    def __hash__(self):
        return id(self.hits)

    def __repr__(self):
        return f"_DocSet({len(self.hits.docnums)} documents)"

    def estimate_size(self, ixreader):
        return len(self.hits.docnums)

    def matcher(self, searcher, context=None):
        parent = searcher.parent() if searcher.parent else None
        offset = parent._offset_for_subsearcher(searcher) if parent else 0
        docnums = self.hits.docnums
        low, high = np.searchsorted(docnums, [offset, offset + searcher.doc_count_all()])
        if low == high:
            return NullMatcher()
        return ListMatcher(
            (docnums[low:high] - offset).tolist(), weights=self.hits.scores[low:high].tolist()
        )


class ChineseWhooshEngine(BaseEngine):
    backend = ChineseWhooshBackend
    query = WhooshSearchQuery
