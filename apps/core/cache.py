"""An in-process cache bounded by bytes, for whole pages: an entry count bounds nothing when one
page weighs 2 KB and another 200 KB (300 cache-busting variants grew a worker by 28 MB)."""

from __future__ import annotations

from django.core.cache.backends.locmem import LocMemCache

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
