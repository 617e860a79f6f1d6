"""The search index on disk: a Whoosh index folder and the exact-match texts kept in it.

Opening it (again when a rebuild swapped a new folder in), a searcher per thread pinned to its
generation by a lease (`leases`: no writer removes the files of a generation being read),
writing under Whoosh's write lock and cleaning up what no reader holds, building a new index
aside and swapping it in.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import ExitStack, contextmanager
from datetime import datetime
from typing import TypeVar

from haystack.constants import ID
from whoosh.fields import Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC, EmptyIndexError, FileIndex
from whoosh.scoring import BM25F
from whoosh.searching import Searcher
from whoosh.writing import SegmentWriter

from . import leases
from .caches import Caches, Generation
from .exact import ExactView, Texts, compact
from .facets import live_docs

log = logging.getLogger(__name__)
WRITE_LOCK_TIMEOUT = float(os.environ.get("SEARCH_WRITE_LOCK_TIMEOUT", "60"))
OPEN_RETRIES = 10  # as Whoosh's reader() does for the same race

T = TypeVar("T")


class SearchUnavailable(Exception):
    """The index cannot be opened or read (missing, corrupt)."""


class Superseded(Exception):
    """Files of the searcher's index generation are unreadable (a damaged index)."""


class KeepingWriter(SegmentWriter):
    """Whoosh's writer, but a commit removes only the files no reader holds (`clean`), where
    Whoosh removes every file the new generation does not use, under readers still reading."""

    def _commit_toc(self, segments):
        TOC(self.schema, segments, self.generation).write(self.storage, self.indexname)
        try:
            clean(self.storage, self.indexname, self.generation)
        except Exception:  # committed all the same: what is left is removed by a later commit
            log.exception("index cleanup after generation %s failed", self.generation)


class KeepingIndex(FileIndex):
    """An index whose every writer (optimize included) is a KeepingWriter."""

    def writer(self, procs=1, **kwargs):
        if procs > 1:  # only when building a new index aside, which no reader knows yet
            return super().writer(procs=procs, **kwargs)
        return KeepingWriter(self, **kwargs)


def remove_unread_folders(current: str) -> None:
    """Remove the index folders a rebuild has replaced (beside `current`, in the generations
    folder) once no reader leases any of their generations; those still read stay until a
    later commit or rebuild finds them free."""
    parent = os.path.dirname(current)
    if not parent.endswith(".gen"):
        return
    for name in os.listdir(parent):
        folder = os.path.join(parent, name)
        if folder == current or not os.path.isdir(folder):
            continue
        tocs = _toc_files(FileStorage(folder), "MAIN")
        with ExitStack() as held:
            if all(held.enter_context(leases.unread(folder, g)) for g in tocs):
                shutil.rmtree(folder, ignore_errors=True)


def _toc_files(storage: FileStorage, indexname: str) -> dict[int, str]:
    pattern = TOC._pattern(indexname)
    return {
        int(match.group(1)): name for name in storage if (match := pattern.match(name)) is not None
    }


def clean(storage: FileStorage, indexname: str, current: int) -> None:
    """After generation `current` is committed (under the write lock): remove the older
    generations no reader leases, then the segment files, exact-match manifests and bases that
    no kept generation uses."""
    folder = storage.folder
    kept = [current]
    for generation, toc in sorted(_toc_files(storage, indexname).items()):
        if generation >= current:
            continue
        with leases.unread(folder, generation) as free:
            if free:
                storage.delete_file(toc)
            else:
                kept.append(generation)
    used = {
        segment.segment_id()
        for generation in kept
        for segment in TOC.read(storage, indexname, generation).segments
    }
    pattern = TOC._segment_pattern(indexname)
    for name in list(storage):
        match = pattern.match(name)
        if match and match.group(1) not in used:
            storage.delete_file(name)
    Texts.clean(folder, kept)
    remove_unread_folders(folder)
    for generation in leases.leased_generations(folder):  # lease files of removed generations
        if generation not in kept:
            with leases.unread(folder, generation):
                pass


class IndexStore:
    """The index folder at `path` (a symlink to the current generation once rebuilt)."""

    def __init__(self, path: str):
        self.path = path
        self.index = None
        self.folder = path
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
        # The folder the path leads to now: after a rebuild swaps another in, this index still
        # reads (and leases) its own files until it is opened again.
        self.folder = os.path.realpath(self.path)
        storage = FileStorage(self.folder)
        self.index = self._open_index(storage, schema) or storage.create_index(
            schema, indexclass=KeepingIndex
        )
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
                return storage.open_index(schema=schema, indexclass=KeepingIndex)
            except EmptyIndexError:
                return None
            except FileNotFoundError:
                if attempt == OPEN_RETRIES:
                    raise
                time.sleep(0.05)
        raise AssertionError("unreachable: the last attempt returns or raises")

    # ------------------------------------------------------------ reading

    def searcher(self) -> Searcher:
        """This thread's searcher of the latest generation, leased for as long as the thread
        keeps it: opened again only when the index has changed."""
        local = self._local
        searcher = getattr(local, "searcher", None)
        if searcher is not None and _up_to_date(searcher):
            return searcher
        reuse = searcher.reader() if searcher is not None else None
        fresh, lease = self._open_leased(reuse)
        previous = getattr(local, "lease", None)
        local.searcher, local.lease = fresh, lease
        if previous is not None:
            previous.release()  # the old generation's files may go now
        return fresh

    def _open_leased(self, reuse) -> tuple[Searcher, leases.Lease]:
        """A searcher of the newest generation, with the lease that keeps its files."""
        storage, indexname = self.index.storage, self.index.indexname
        for _ in range(OPEN_RETRIES):
            generation = TOC._latest_generation(storage, indexname)
            lease = leases.lease(self.folder, generation, TOC._filename(indexname, generation))
            if lease is None:  # cleaned up just now: a newer generation is there
                continue
            try:
                toc = TOC.read(storage, indexname, generation, schema=self.index.schema)
                reader = FileIndex._reader(
                    storage, toc.schema, toc.segments, toc.generation, reuse=reuse
                )
            except BaseException:
                lease.release()
                raise
            return Searcher(reader, fromindex=self.index, weighting=BM25F()), lease
        raise SearchUnavailable("the index kept changing while it was opened")

    def read(self, open_searcher: Callable[[], Searcher], work: Callable[[Generation], T]) -> T:
        """`work` on the latest generation of the index (leased: its files stay while it is
        read); SearchUnavailable when the files are missing or corrupt."""
        searcher = self._open_searcher(open_searcher)
        try:
            return work(Generation(searcher, self.opened_inode, self.folder, self.caches))
        except (OSError, EOFError, Superseded) as error:
            raise SearchUnavailable(str(error)) from error

    def _open_searcher(self, open_searcher: Callable[[], Searcher]) -> Searcher:
        """A searcher of the current generation; again from a fresh one when files are missing
        as it opens (a rebuild has just swapped another folder in); SearchUnavailable when
        they stay missing or are corrupt."""
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
            if texts is not None:  # under the write lock, before Whoosh commits
                Texts.apply(self.folder, texts, generation=writer.generation)
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
            if texts:  # before Whoosh commits
                Texts.apply(self.folder, texts, generation=writer.generation)
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
            Texts.build(folder, texts, generation=new_index.latest_generation())
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return folder

    def swap_in(self, folder: str) -> None:
        """Point the index path at `folder` in one atomic rename; remove the folders it
        replaces once no reader holds them."""
        if os.path.isdir(self.path) and not os.path.islink(self.path):
            # First rebuild: the live index is a plain folder; kept beside the new one until the
            # link replaces it, and removed with the others once unread.
            os.rename(self.path, folder + ".previous")
        link = f"{self.path}.link-{os.getpid()}"
        if os.path.lexists(link):
            os.unlink(link)
        os.symlink(folder, link)
        os.replace(link, self.path)
        remove_unread_folders(folder)


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
    # Whoosh reads a missing column file as empty values (a damaged index: leases keep the
    # files of every generation being read).
    if "" in ids or len(ids) != segment_reader.doc_count_all():
        raise Superseded("document ids unreadable: the index is damaged, run rebuild_index")
    return ids


def exact_view(gen: Generation) -> ExactView:
    """The exact-match texts of this index generation, addressed by docnum."""

    def build():
        try:
            texts = Texts(gen.path, gen.searcher.reader().generation())
        except (OSError, ValueError) as error:  # missing or damaged files
            raise SearchUnavailable(f"exact-match texts unreadable: {error}") from error
        if texts.manifest_name is None and gen.searcher.doc_count_all():
            raise SearchUnavailable("the index has no exact-match texts: run rebuild_index")
        ids = [i for part, _ in gen.per_segment(ID, _segment_ids) for i in part]
        docnum_of = {ids[docnum]: docnum for docnum in live_docs(gen).tolist()}
        return ExactView(
            texts,
            docnum_of,
            doc_count=len(docnum_of),
            doc_count_all=gen.searcher.doc_count_all(),
        )

    # A committed generation's manifest never changes: the generation is the key.
    return gen.cached("exact", build)
