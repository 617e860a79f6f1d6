"""What a search backend keeps between queries, each keyed so that it is never read stale.

Values computed from a whole index generation (facet tables, filter doc sets, live docs, sort
keys, the exact-match view) are kept per generation; values read from one Whoosh segment, which
never changes, per segment; the matches of recent queries in an LRU, per generation.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from whoosh.searching import Searcher

GENERATION_VALUES_LIMIT = 256  # values kept per process before they are all forgotten at once
# Generations whose values are kept: the latest, and the one before for searches still reading
# it. Every write makes a generation, and the values of one weigh ~100 MB at full scale: kept
# until the limit above, a few writes would grow each worker by gigabytes.
GENERATIONS_KEPT = 2
RESULT_CACHE_SIZE = 256  # queries whose matches are kept per process, per index generation
# Unfiltered hits of the last few queries: a search with a chosen facet runs its query again,
# filtered otherwise, to count that facet's other values (the query's words are looked up once).
RECENT_HITS_SIZE = 4


class Caches:
    """A backend's caches, shared by its threads under one lock."""

    def __init__(self):
        self.lock = threading.Lock()
        # (index folder inode, generation, what) → value
        self.generation_values: dict = {}
        # (index folder inode, generation) of those values, least recently first seen first
        self.generations: OrderedDict = OrderedDict()
        # (index folder inode, segment id, what) → value
        self.segment_values: dict = {}
        # (index folder inode, generation, query, filters, sort) → matches, least recent first
        self.query_matches: OrderedDict = OrderedDict()
        self.recent_hits: OrderedDict = OrderedDict()

    def cached_matches(self, key):
        """The matches kept for `key` (now the most recently used), or None."""
        with self.lock:
            matches = self.query_matches.get(key)
            if matches is not None:
                self.query_matches.move_to_end(key)
        return matches

    def keep_matches(self, key, matches) -> None:
        with self.lock:
            self.query_matches[key] = matches
            while len(self.query_matches) > RESULT_CACHE_SIZE:
                self.query_matches.popitem(last=False)

    def hits(self, key, compute: Callable[[], Any]):
        """The unfiltered hits kept for `key`, else computed and kept (RECENT_HITS_SIZE)."""
        with self.lock:
            found = self.recent_hits.get(key)
        if found is None:
            found = compute()
            with self.lock:
                self.recent_hits[key] = found
                while len(self.recent_hits) > RECENT_HITS_SIZE:
                    self.recent_hits.popitem(last=False)
        return found

    def keep_generation_value(self, full_key: tuple, value) -> None:
        """Keep a generation's value (under the lock), forgetting every value of the
        generations older than the last GENERATIONS_KEPT."""
        generation = full_key[:2]
        if generation not in self.generations:
            self.generations[generation] = None
            while len(self.generations) > GENERATIONS_KEPT:
                old, _ = self.generations.popitem(last=False)
                for key in [k for k in self.generation_values if k[:2] == old]:
                    del self.generation_values[key]
        if len(self.generation_values) > GENERATION_VALUES_LIMIT:
            self.generation_values.clear()
        self.generation_values[full_key] = value

    def clear_query_matches(self) -> None:
        with self.lock:
            self.query_matches.clear()
            self.recent_hits.clear()


@dataclass(frozen=True, eq=False)
class Generation:
    """The index generation a searcher reads, with the caches of values computed from it."""

    searcher: Searcher
    index_inode: int | None  # of the index folder the searcher was opened from
    path: str  # the index folder (its exact-match texts live there too)
    caches: Caches

    def key(self) -> tuple:
        return (self.index_inode, self.searcher.reader().generation())

    def cached(self, key, build: Callable[[], Any]):
        """A value computed once per index generation (facet tables, filter doc sets)."""
        caches = self.caches
        full_key = (*self.key(), key)
        cached = caches.generation_values.get(full_key)
        if cached is None:
            cached = build()
            with caches.lock:
                caches.keep_generation_value(full_key, cached)
        return cached

    def per_segment(self, name: str, read: Callable[[Any], Any]) -> list[tuple[Any, int]]:
        """(read(segment reader), docnum offset) for every segment of the searcher: read once
        per segment (segments do not change), forgotten once the segment is merged away."""
        values = self.caches.segment_values
        parts, current = [], set()
        for segment_reader, offset in self.searcher.reader().leaf_readers():
            key = (self.index_inode, segment_reader.segment().segment_id(), name)
            current.add(key)
            value = values.get(key)
            if value is None:
                value = values[key] = read(segment_reader)
            parts.append((value, offset))
        with self.caches.lock:
            for key in [k for k in values if k[2] == name and k not in current]:
                del values[key]
        return parts
