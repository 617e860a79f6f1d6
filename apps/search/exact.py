"""Exact substring search over every document's text, with numpy instead of Whoosh postings.

A lawyer's query word must match wherever it occurs as a substring, however jieba cuts the text.
Whoosh can do that with positional bigram postings, but checks the positions in pure Python
(p95 of ~100 ms per query on the national corpus) and writes them slowly. Here the folded texts
of all documents are one array of code points; every bigram's positions are one slice of a
position array sorted by bigram, so a word of n characters is found by intersecting a few sorted
slices (offsets 0, 2, 4 … and the last: together they spell every character).

The *base* is built with the index (files in the index folder, memory-mapped so that worker
processes share one copy). Documents changed afterwards go to the *delta* (id → text, or None when
removed), searched by plain `in`; a large delta is folded into a new base. Both are named by a
manifest per index generation, so a reader sees the pair of its own generation. `ExactView` reads
them by the docnums of that Whoosh index generation, and scores a word's matches by BM25.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path

import numpy as np

from .normalize import fold
from .scoring import NO_DOCS, NO_SCORES, Hits, bm25

SHIFT = 21  # every code point fits in 21 bits: a bigram code is first << 21 | second
SEPARATOR = 0  # between documents; no query contains it, so no match spans two documents
SEPARATOR_CHAR = chr(SEPARATOR)
DELTA_LIMIT = 2000  # changed documents kept apart before they are folded into a new base
_EMPTY = np.empty(0, dtype=np.int64)


def compact(text: str) -> str:
    """The text as it is matched: folded (see normalize.fold), without spaces."""
    return fold(text).replace(" ", "").replace("\x00", "")


def covering_offsets(count: int) -> list[int]:
    """Offsets of the bigrams (of `count` consecutive ones) that spell the whole text."""
    offsets = list(range(0, count, 2))
    if offsets[-1] != count - 1:
        offsets.append(count - 1)
    return offsets


def occurrences(text: str, needle: str) -> Iterator[int]:
    """Where `needle` starts in `text`, overlapping occurrences included (as the base finds
    them); none for an empty needle."""
    at = text.find(needle) if needle else -1
    while at != -1:
        yield at
        at = text.find(needle, at + 1)


def count_in(text: str, needle: str) -> int:
    """Occurrences of `needle` in `text`, overlapping ones included (as the base counts them)."""
    return sum(1 for _ in occurrences(text, needle))


class Base:
    """Documents' texts, their bigram positions and lengths, read from (memory-mapped) files."""

    FILES = ("text", "starts", "grams", "bounds", "order")

    def __init__(self, folder: Path):
        self.folder: Path | None = folder
        ids = json.loads((folder / "ids.json").read_text(encoding="utf-8"))
        self._hold(ids, {n: np.load(folder / f"{n}.npy", mmap_mode="r") for n in self.FILES})

    @classmethod
    def in_memory(cls, ids: list[str], texts: list[str]) -> Base:
        """A base kept in this process's memory, not in files (the PostgreSQL backend's mirror)."""
        base = cls.__new__(cls)
        base.folder = None
        base._hold(ids, cls.arrays_of(texts))
        return base

    def _hold(self, ids: list[str], arrays: dict[str, np.ndarray]) -> None:
        self.ids = ids
        self.text, self.starts = arrays["text"], arrays["starts"]
        self.grams, self.bounds, self.order = arrays["grams"], arrays["bounds"], arrays["order"]
        self.lengths = np.diff(self.starts) - 1  # without the separator

    @staticmethod
    def write(folder: Path, ids: list[str], texts: list[str]) -> None:
        folder.mkdir(parents=True)
        for name, array in Base.arrays_of(texts).items():
            np.save(folder / f"{name}.npy", array)
        (folder / "ids.json").write_text(json.dumps(ids, ensure_ascii=False), encoding="utf-8")

    @staticmethod
    def arrays_of(texts: list[str]) -> dict[str, np.ndarray]:
        """The arrays of a base (see FILES) holding these compacted texts."""
        joined = "".join(text + "\x00" for text in texts)
        text = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
        starts = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum([len(t) + 1 for t in texts], out=starts[1:])
        # A bigram may end with the separator (a document's last character, for one-character
        # queries) but never start with it. (Intermediate arrays are dropped as soon as they
        # are used: the build's peak memory is tens of bytes per character.)
        positions = np.flatnonzero(text[:-1] != SEPARATOR)
        codes = (text[positions].astype(np.uint64) << SHIFT) | text[positions + 1]
        by_code = np.argsort(codes, kind="stable")  # positions of one bigram stay ascending
        codes = codes[by_code]
        # Where each bigram's run starts (the first code differs from the made-up one before it).
        first_index = np.flatnonzero(np.diff(codes, prepend=codes[:1] ^ 1))
        grams = codes[first_index]
        del codes
        bounds = np.append(first_index, len(by_code)).astype(np.int64)
        order = positions[by_code].astype(np.int32 if len(text) < 2**31 else np.int64)
        return {"text": text, "starts": starts, "grams": grams, "bounds": bounds, "order": order}

    def texts(self) -> Iterable[tuple[str, str]]:
        """(id, text) of every document, for folding a delta into a new base."""
        starts = self.starts
        for i, identifier in enumerate(self.ids):
            piece = np.asarray(self.text[starts[i] : starts[i + 1] - 1])
            yield identifier, piece.tobytes().decode("utf-32-le")

    def _slice(self, code: int) -> np.ndarray | None:
        i = int(np.searchsorted(self.grams, code))
        if i == len(self.grams) or int(self.grams[i]) != code:
            return None
        return self.order[self.bounds[i] : self.bounds[i + 1]]

    def positions(self, needle: str) -> np.ndarray:
        """Where `needle` (compacted) starts, in the joined text."""
        chars = [ord(ch) for ch in needle]
        if not chars:
            return _EMPTY
        if len(chars) == 1:  # every bigram that starts with the character: one run of codes
            low, high = np.searchsorted(self.grams, [chars[0] << SHIFT, (chars[0] + 1) << SHIFT])
            return np.asarray(self.order[self.bounds[low] : self.bounds[high]], dtype=np.int64)
        codes = [(a << SHIFT) | b for a, b in zip(chars, chars[1:], strict=False)]
        slices = []
        for offset in covering_offsets(len(codes)):
            found = self._slice(codes[offset])
            if found is None:
                return _EMPTY
            slices.append((len(found), offset, found))
        slices.sort(key=lambda entry: entry[0])  # the rarest bigram first: fewest candidates
        _, offset, found = slices[0]
        starts = np.asarray(found, dtype=np.int64) - offset
        for _, offset, found in slices[1:]:
            if not len(starts):
                break
            shifted = np.asarray(found, dtype=np.int64) - offset
            at = np.minimum(np.searchsorted(shifted, starts), len(shifted) - 1)
            starts = starts[shifted[at] == starts]
        return starts

    def find(self, needle: str) -> tuple[np.ndarray, np.ndarray]:
        """(document indexes ascending, occurrences in each) of the documents holding `needle`."""
        positions = self.positions(needle)
        if not len(positions):
            return _EMPTY, _EMPTY
        # Counted per document in one pass, whatever the order of the positions (a character's
        # come in bigram order: sorting millions of them took most of a one-character search).
        documents = np.searchsorted(self.starts, positions, side="right") - 1
        counts = np.bincount(documents, minlength=len(self.ids))
        found = np.flatnonzero(counts)
        return found, counts[found]


_MANIFEST_OF = re.compile(r"^exact-(\d+)\.json$")


class Texts:
    """The exact-match state of one index generation: a base (or none yet) and a delta.

    Each write records its state in a manifest named for the generation it commits
    (`exact-<generation>.json`); a generation reads the newest manifest not newer than itself,
    so a reader sees the texts of its own generation, whatever writers do meanwhile. The
    writer's cleanup (`clean`) removes manifests and bases no kept generation uses.
    """

    def __init__(self, folder: str | os.PathLike, generation: int):
        self.folder = Path(folder)
        self.manifest_name = manifest_for(self.folder, generation)
        manifest = self._read(self.folder, self.manifest_name)
        self.base = Base(self.folder / manifest["base"]) if manifest["base"] else None
        self.delta: dict[str, str | None] = manifest["delta"]

    @staticmethod
    def _read(folder: Path, name: str | None) -> dict:
        if name is None:
            return {"base": None, "delta": {}}
        return json.loads((folder / name).read_text(encoding="utf-8"))

    # ------------------------------------------------------------ writing

    @classmethod
    def build(
        cls, folder: str | os.PathLike, documents: Iterable[tuple[str, str]], *, generation: int
    ) -> None:
        """A new base of (id, compacted text) pairs, with an empty delta, for `generation`."""
        folder = Path(folder)
        ids, texts = [], []
        for identifier, text in documents:
            ids.append(identifier)
            texts.append(text)
        name = "exact-" + datetime.now().strftime("%Y%m%d%H%M%S%f")
        Base.write(folder / name, ids, texts)
        cls._write_manifest(folder, generation, {"base": name, "delta": {}})

    @classmethod
    def apply(
        cls, folder: str | os.PathLike, changes: dict[str, str | None], *, generation: int
    ) -> None:
        """Record changed (id → compacted text) and removed (id → None) documents for the
        `generation` about to be committed, on top of the one before it.

        The caller holds the index's write lock. A delta grown past DELTA_LIMIT is folded into
        a new base, so that searching it stays cheap.
        """
        folder = Path(folder)
        manifest = cls._read(folder, manifest_for(folder, generation - 1))
        delta = {**manifest["delta"], **changes}
        if len(delta) <= DELTA_LIMIT:
            cls._write_manifest(folder, generation, {"base": manifest["base"], "delta": delta})
            return
        current = Base(folder / manifest["base"]).texts() if manifest["base"] else ()
        merged = {identifier: text for identifier, text in current}
        merged.update(delta)
        texts = ((i, t) for i, t in merged.items() if t is not None)
        cls.build(folder, texts, generation=generation)

    @staticmethod
    def _write_manifest(folder: Path, generation: int, manifest: dict) -> None:
        descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".exact-", suffix=".json")
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(manifest, handle, ensure_ascii=False)
        os.replace(temporary, folder / f"exact-{generation}.json")

    @classmethod
    def clean(cls, folder: str | os.PathLike, generations: Iterable[int]) -> None:
        """Remove the manifests and bases that none of `generations` (those kept) reads; the
        manifests of generations not committed yet stay too."""
        folder = Path(folder)
        kept = list(generations)
        used = {manifest_for(folder, generation) for generation in kept}
        newest = max(kept, default=-1)
        for name in os.listdir(folder):
            match = _MANIFEST_OF.match(name)
            superseded = (match and int(match[1]) <= newest) or name == LEGACY
            if superseded and name not in used:
                (folder / name).unlink(missing_ok=True)
        remaining = [n for n in os.listdir(folder) if _MANIFEST_OF.match(n) or n == LEGACY]
        bases = {cls._read(folder, name)["base"] for name in remaining}
        for name in os.listdir(folder):
            if name.startswith("exact-") and (folder / name).is_dir() and name not in bases:
                shutil.rmtree(folder / name, ignore_errors=True)


LEGACY = "exact.json"  # the single manifest of indexes written before manifests per generation


def manifest_for(folder: str | os.PathLike, generation: int) -> str | None:
    """The name of the manifest `generation` reads: the newest one not newer than it (or the
    single manifest of an index written before there was one per generation); None when the
    index has no exact-match texts yet."""
    best = -1
    for name in os.listdir(folder):
        match = _MANIFEST_OF.match(name)
        if match and best < int(match[1]) <= generation:
            best = int(match[1])
    if best >= 0:
        return f"exact-{best}.json"
    return LEGACY if os.path.exists(os.path.join(folder, LEGACY)) else None


def _by_docnum(docnums: np.ndarray, *columns: np.ndarray) -> tuple[np.ndarray, ...]:
    """`docnums` (unique) in ascending order, with their columns: scattered over the docnum range
    when there are many (a sort of 90,000 docnums cost more than the lookup itself)."""
    if len(docnums) < 5000:
        order = np.argsort(docnums)
        return (docnums[order], *(column[order] for column in columns))
    at = np.full(int(docnums.max()) + 1, -1, dtype=np.int64)
    at[docnums] = np.arange(len(docnums))
    order = at[at >= 0]
    return (docnums[order], *(column[order] for column in columns))


class ExactView:
    """The exact-match texts (base and delta) addressed by the docnums of one index generation."""

    def __init__(
        self, texts: Texts, docnum_of: dict[str, int], *, doc_count: int, doc_count_all: int
    ):
        self.base = texts.base
        lengths = []
        self.base_in_docnum_order = True  # base order is docnum order: its hits need no sort
        if self.base is not None:
            # A document changed since the base was built is read from the delta only.
            self.base_docnums = np.array(
                [-1 if i in texts.delta else docnum_of.get(i, -1) for i in self.base.ids],
                dtype=np.int64,
            )
            self.base_lengths = self.base.lengths
            live = self.base_docnums[self.base_docnums >= 0]
            self.base_in_docnum_order = bool(np.all(np.diff(live) > 0))
            lengths.append(self.base_lengths[self.base_docnums >= 0])
        self.delta = [
            (docnum_of[i], text)
            for i, text in texts.delta.items()
            if text is not None and i in docnum_of
        ]
        lengths.append(np.array([len(text) for _, text in self.delta], dtype=np.int64))
        lengths = np.concatenate(lengths)
        self.average_length = float(lengths.mean()) if len(lengths) else 1.0
        self.doc_count, self.doc_count_all = doc_count, doc_count_all
        self.docnum_of = docnum_of  # live documents: index id → docnum
        self._base_index_of: np.ndarray | None = None  # docnum → base index (-1), when asked

    def compact_texts(self, docnums: list[int]) -> list[str]:
        """The texts of these documents as they are matched (compacted): for the ranking of a
        page's worth of them, not for every match."""
        if self._base_index_of is None:
            inverse = np.full(self.doc_count_all, -1, dtype=np.int64)
            if self.base is not None:
                present = np.flatnonzero(self.base_docnums >= 0)
                inverse[self.base_docnums[present]] = present
            self._base_index_of = inverse
        changed = dict(self.delta)
        texts = []
        for docnum in docnums:
            at = self._base_index_of[docnum] if docnum < len(self._base_index_of) else -1
            if docnum in changed:
                texts.append(compact(changed[docnum]))
            elif at >= 0:
                start, end = self.base.starts[at], self.base.starts[at + 1] - 1
                texts.append(np.asarray(self.base.text[start:end]).tobytes().decode("utf-32-le"))
            else:
                texts.append("")
        return texts

    def windows(
        self,
        needle: str,
        *,
        before: int,
        after: int,
        followed_by: str | None = None,
        select: Callable | None = None,
    ) -> tuple[list[int], list[str]]:
        """The occurrences of `needle` (compacted), each as (its docnum, the text from `before`
        characters before it to `after` characters after it; across a document's edge the window
        reads SEPARATOR_CHAR). Vectorised, before any is read as text: only those followed by
        one of the characters `followed_by` or opening a document are kept (when given), then
        those `select(before_codes, after_codes)` keeps — code points, a row per occurrence."""
        docnums: list[int] = []
        windows: list[str] = []
        if self.base is not None:
            text = self.base.text
            last = len(text) - 1
            starts = self.base.positions(needle)
            if followed_by is not None and len(starts):
                following = np.asarray(text[np.minimum(starts + len(needle), last)])
                previous = np.asarray(text[np.maximum(starts - 1, 0)])
                wanted = np.array([ord(ch) for ch in followed_by], dtype=text.dtype)
                starts = starts[np.isin(following, wanted) | (previous == SEPARATOR)]
            if select is not None and len(starts):
                around_before = np.clip(starts[:, None] + np.arange(-before, 0), 0, last)
                around_after = np.clip(starts[:, None] + len(needle) + np.arange(after), 0, last)
                keep = select(np.asarray(text[around_before]), np.asarray(text[around_after]))
                starts = starts[keep]
            found = self.base_docnums[np.searchsorted(self.base.starts, starts, side="right") - 1]
            for start, docnum in zip(starts.tolist(), found.tolist(), strict=True):
                if docnum < 0:  # changed since the base was built: read from the delta
                    continue
                low, high = max(start - before, 0), min(start + len(needle) + after, len(text))
                piece = np.asarray(text[low:high]).tobytes().decode("utf-32-le")
                head, tail = piece[: start - low], piece[start - low + len(needle) :]
                head = head[head.rfind(SEPARATOR_CHAR) + 1 :].rjust(before, SEPARATOR_CHAR)
                tail = tail.split(SEPARATOR_CHAR)[0].ljust(after, SEPARATOR_CHAR)
                docnums.append(docnum)
                windows.append(head + needle + tail)
        for docnum, body in self.delta:  # few: read as text, every occurrence
            padded = SEPARATOR_CHAR * before + body + SEPARATOR_CHAR * after
            for at in occurrences(body, needle):
                docnums.append(docnum)
                windows.append(padded[at : at + before + len(needle) + after])
        return docnums, windows

    def hits(self, word: str) -> Hits:
        """The documents holding `word` exactly, scored by BM25 over its occurrences."""
        needle = compact(word)
        if not needle:
            return Hits(NO_DOCS, NO_SCORES)
        docnums, counts, lengths = [NO_DOCS], [NO_DOCS], [NO_DOCS]
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
        if changed or not self.base_in_docnum_order:
            docnums, counts, lengths = _by_docnum(docnums, counts, lengths)
        scores = bm25(counts, lengths, average_length=self.average_length, doc_count=self.doc_count)
        return Hits(docnums, scores)
