"""The search index on disk: a Whoosh index folder and the exact-match texts kept in it.

Opening it (again when a rebuild swapped a new folder in), a searcher per thread, reading with
one retry when a concurrent commit merged files away, writing under Whoosh's write lock,
building a new index aside and swapping it in.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from datetime import datetime
from typing import TypeVar

from haystack.constants import ID
from whoosh.fields import Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.index import EmptyIndexError
from whoosh.scoring import BM25F
from whoosh.searching import Searcher

from .caches import Caches, Generation
from .exact import ExactView, Texts, compact
from .facets import live_docs

WRITE_LOCK_TIMEOUT = float(os.environ.get("SEARCH_WRITE_LOCK_TIMEOUT", "60"))
OPEN_RETRIES = 10  # as Whoosh's reader() does for the same race
READ_ATTEMPTS = 3  # a search that lost its files to concurrent commits, on newer generations
log = logging.getLogger(__name__)

T = TypeVar("T")


class SearchUnavailable(Exception):
    """The index cannot be opened or read (missing, corrupt)."""


class Superseded(Exception):
    """Files of the searcher's index generation are gone (merged away by a newer one)."""


class IndexStore:
    """The index folder at `path` (a symlink to the current generation once rebuilt)."""

    def __init__(self, path: str):
        self.path = path
        self.index = None
        self.opened_inode = None
        self.caches = Caches()
        self._local = threading.local()

    # ------------------------------------------------------------ opening

    def _inode(self):
        try:
            return os.stat(self.path).st_ino
        except FileNotFoundError:
            return None

    def raise_if_missing(self) -> None:
        if self._inode() is None:
            raise SearchUnavailable(f"search index not found at {self.path}")

    def moved(self) -> bool:
        """A rebuild has swapped a new index in since it was opened (the path points elsewhere)."""
        return self._inode() != self.opened_inode

    def open(self, schema: Schema) -> None:
        """Open the index, creating an empty one if there is none."""
        os.makedirs(self.path, exist_ok=True)
        storage = FileStorage(self.path)
        self.index = self._open_index(storage, schema) or storage.create_index(schema)
        self.opened_inode = self._inode()
        self._local = threading.local()

    def written_field_names(self) -> set[str] | None:
        """The fields the index on disk was written with (None when there is no index): an
        index of an older schema opens, but lacks the fields added since."""
        if not os.path.isdir(self.path):
            return None
        written = self._open_index(FileStorage(self.path), None)
        return set(written.schema.names()) if written else None

    @staticmethod
    def _open_index(storage: FileStorage, schema: Schema | None):
        """The latest generation, or None when there is no index; again when a writer's commit
        removes its table of contents just as it is read (Whoosh's own reader() retries the
        same race; opening, and Whoosh's index.exists, do not)."""
        for attempt in range(1, OPEN_RETRIES + 1):
            try:
                return storage.open_index(schema=schema)
            except EmptyIndexError:
                return None
            except FileNotFoundError:
                if attempt == OPEN_RETRIES:
                    raise
                time.sleep(0.05)
        raise AssertionError("unreachable: the last attempt returns or raises")

    # ------------------------------------------------------------ reading

    def searcher(self) -> Searcher:
        """This thread's searcher, refreshed only when the index has changed."""
        searcher = getattr(self._local, "searcher", None)
        if searcher is None:
            searcher = self.index.searcher(weighting=BM25F())
        elif not searcher.up_to_date():
            searcher = searcher.refresh()
        self._local.searcher = searcher
        return searcher

    def read(self, open_searcher: Callable[[], Searcher], work: Callable[[Generation], T]) -> T:
        """`work` on the current generation of the index, again on a newer one when a concurrent
        commit removed files under it (READ_ATTEMPTS in all); SearchUnavailable when the files
        are missing or corrupt."""
        for attempt in range(1, READ_ATTEMPTS + 1):
            searcher = self._open_searcher(open_searcher)
            try:
                return work(Generation(searcher, self.opened_inode, self.path, self.caches))
            except Exception as error:
                # Another process committed and merged away a segment this searcher still
                # reads (Whoosh opens some files lazily): again on the current generation. Under
                # a burst of edits the next generation can be merged away just as quickly.
                if attempt < READ_ATTEMPTS and not _up_to_date(searcher):
                    log.warning("search read again on a newer index generation: %r", error)
                    self._local.searcher = None
                    continue
                if isinstance(error, (OSError, EOFError, Superseded)):
                    raise SearchUnavailable(str(error)) from error
                raise
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _open_searcher(self, open_searcher: Callable[[], Searcher]) -> Searcher:
        """A searcher of the current generation. Refreshing it reads the table of contents that
        a concurrent commit may delete just then (the race `_open_index` retries too): again
        from a fresh searcher; SearchUnavailable when the files stay missing or are corrupt."""
        for attempt in range(1, OPEN_RETRIES + 1):
            try:
                return open_searcher()
            except FileNotFoundError as error:
                if attempt == OPEN_RETRIES:
                    raise SearchUnavailable(str(error)) from error
                self._local.searcher = None
                time.sleep(0.05)
            except Exception as error:  # corrupt index files
                raise SearchUnavailable(str(error)) from error
        raise AssertionError("unreachable: the last attempt returns or raises")

    # ------------------------------------------------------------ writing

    def _writer(self):
        # Wait for another writer (process or thread) instead of failing with LockError.
        # Segment files stay separate: a compound file is copied into each reader's memory.
        return self.index.writer(timeout=WRITE_LOCK_TIMEOUT, delay=0.05, compound=False)

    @contextmanager
    def _writing(self, texts: dict[str, str | None] | None):
        """A writer of the latest generation, committed unless the block fails; the exact-match
        `texts` (id → text, None: removed), if any, recorded first, under its write lock."""
        with self._locked() as writer:
            if texts is not None:
                Texts.apply(self.path, texts)  # under the write lock, before Whoosh commits
            yield writer

    @contextmanager
    def _locked(self):
        """A writer holding the index's write lock, committed unless the block fails. It writes
        on the latest generation: Whoosh reads the table of contents once the lock is held (a
        refresh before it could read one a concurrent commit is removing)."""
        writer = self._writer()
        try:
            yield writer
        except Exception:
            writer.cancel()
            raise
        writer.commit()

    def update_documents(self, prepare: Callable[[], list[dict]], exact_field: str | None) -> None:
        """Add or replace the documents `prepare` returns, and their exact-match texts.

        `prepare` reads the records once the write lock is held: two writers of one record
        write it in the order they read it, so the last write holds the last committed state.
        Read before the lock, a writer that read first could write last, and the index would
        keep the older text for good (a lost update).
        """
        with self._locked() as writer:
            docs = prepare()
            texts = {doc[ID]: pop_exact_text(doc, exact_field) for doc in docs}
            if texts:
                Texts.apply(self.path, texts)  # before Whoosh commits
            for doc in docs:
                writer.update_document(**doc)

    def delete_documents(self, identifiers: list[str]) -> None:
        with self._writing(dict.fromkeys(identifiers)) as writer:
            for identifier in identifiers:
                writer.delete_by_term(ID, identifier)

    def delete_by_term(self, field: str, values: Iterable[str]) -> None:
        """Delete the documents with any of these values (their exact-match texts stay, never
        matched: only live documents are)."""
        with self._writing(None) as writer:
            for value in values:
                writer.delete_by_term(field, value)

    def delete(self) -> None:
        """Remove the index folder (and the link to it)."""
        target = os.path.realpath(self.path)
        if os.path.islink(self.path):
            os.unlink(self.path)
        shutil.rmtree(target, ignore_errors=True)

    # ------------------------------------------------------------ rebuilding aside

    def build_aside(
        self, schema: Schema, documents: Iterable[dict], exact_field: str | None, *, procs: int
    ) -> str:
        """Write `documents` (prepared dicts) into a new index beside the live one; return its
        folder."""
        generations = os.path.join(
            os.path.dirname(os.path.abspath(self.path)),
            os.path.basename(os.path.abspath(self.path)) + ".gen",
        )
        os.makedirs(generations, exist_ok=True)
        folder = os.path.join(generations, datetime.now().strftime("%Y%m%d%H%M%S%f"))
        os.makedirs(folder)
        new_index = FileStorage(folder).create_index(schema)
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
                texts.append((doc[ID], pop_exact_text(doc, exact_field)))
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


def _up_to_date(searcher: Searcher) -> bool:
    """Whether the searcher reads the latest generation; False when telling reads a table of
    contents that a concurrent commit has just removed (it is then not the latest)."""
    try:
        return searcher.up_to_date()
    except (OSError, EOFError):
        return False


def pop_exact_text(doc: dict, exact_field: str | None) -> str:
    """Take the exactly-matched text out of a document (Whoosh does not index it)."""
    return compact(doc.pop(exact_field, "") or "") if exact_field else ""


def stored_stamps(searcher: Searcher) -> dict[str, int]:
    """Every document id in the index with its stored change stamp."""
    return {fields[ID]: fields.get("stamp", 0) for fields in searcher.all_stored_fields()}


def _segment_ids(segment_reader) -> list[str]:
    """The document id of every docnum of one segment, from its id column."""
    ids = list(segment_reader.column_reader(ID))
    # Whoosh reads a column file deleted under it (segment merged away) as empty values.
    if "" in ids or len(ids) != segment_reader.doc_count_all():
        raise Superseded("document ids unreadable: their segment was merged away")
    return ids


def exact_view(gen: Generation) -> ExactView:
    """The exact-match texts of this index generation, addressed by docnum."""
    stamp = Texts.manifest_stamp(gen.path)

    def build():
        if stamp is None and gen.searcher.doc_count_all():
            raise SearchUnavailable("the index has no exact-match texts: run rebuild_index")
        try:
            texts = Texts(gen.path)
        except (OSError, ValueError) as error:  # missing or damaged files
            raise SearchUnavailable(f"exact-match texts unreadable: {error}") from error
        ids = [i for part, _ in gen.per_segment(ID, _segment_ids) for i in part]
        docnum_of = {ids[docnum]: docnum for docnum in live_docs(gen).tolist()}
        return ExactView(
            texts,
            docnum_of,
            doc_count=len(docnum_of),
            doc_count_all=gen.searcher.doc_count_all(),
        )

    return gen.cached(("exact", stamp), build)
