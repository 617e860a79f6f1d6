"""Cache backends: an in-process cache bounded by bytes, for whole pages (an entry count bounds
nothing when one page weighs 2 KB and another 200 KB: 300 cache-busting variants grew a worker
by 28 MB); and the file cache the workers of a host share, culled now and then."""

from __future__ import annotations

from time import monotonic

from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.locmem import LocMemCache

CULL_INTERVAL_SECONDS = 10

DEFAULT_MAX_BYTES = 64 * 2**20


class ByteBoundedMemoryCache(LocMemCache):
    """LocMemCache whose entries (pickled) weigh at most OPTIONS["MAX_BYTES"] together; the least
    recently used go first. An entry heavier than the whole bound is not kept."""

    def __init__(self, name, params):
        super().__init__(name, params)
        self.max_bytes = int(params.get("OPTIONS", {}).get("MAX_BYTES", DEFAULT_MAX_BYTES))

    def _set(self, key, value, timeout=None):
        if len(value) > self.max_bytes:
            self._delete(key)
            return
        super()._set(key, value, timeout)
        held = self.bytes_held()
        while held > self.max_bytes and len(self._cache) > 1:
            old_key, old_value = self._cache.popitem()  # the least recently used
            self._expire_info.pop(old_key, None)
            held -= len(old_value)

    def bytes_held(self) -> int:
        return sum(len(value) for value in self._cache.values())


class FolderCache(FileBasedCache):
    """Django's file cache, which lists its whole folder on every write to see whether to cull:
    with a throttle entry per client that grew to thousands of files, and every request paid
    for the listing (the load test's users lost a third of their throughput as it grew). Here a
    process looks at most every CULL_INTERVAL_SECONDS; between looks the folder may pass
    MAX_ENTRIES by the entries of those seconds."""

    _next_cull = 0.0

    def _cull(self):
        now = monotonic()
        if now < self._next_cull:
            return
        self._next_cull = now + CULL_INTERVAL_SECONDS
        super()._cull()
