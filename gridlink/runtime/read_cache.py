"""Rendered answers kept in memory, dropped when what they show changes.

Reads dominate an Enode-style API, so an answer is rendered once and served as
bytes until a commit marks its key changed. A global generation guards the race
between a read and a concurrent write: an answer read before an invalidation
is never stored after it.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Final

MAX_ENTRIES: Final = 100_000


class ReadCache:
    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._entries: OrderedDict[str, dict[str, bytes]] = OrderedDict()
        self._max = max_entries
        self.generation = 0
        # Off while changes made elsewhere might go unheard (see ChangeListener).
        self.enabled = True

    def get(self, key: str, version: str) -> bytes | None:
        if not self.enabled:
            return None
        versions = self._entries.get(key)
        return versions.get(version) if versions is not None else None

    def put(self, key: str, version: str, body: bytes, read_at_generation: int) -> None:
        if not self.enabled or read_at_generation != self.generation:
            return  # something changed while this was read; it may be stale
        self._entries.setdefault(key, {})[version] = body
        self._entries.move_to_end(key)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    def invalidate(self, keys: set[str]) -> None:
        self.generation += 1
        for key in keys:
            self._entries.pop(key, None)

    def clear(self) -> None:
        self.generation += 1
        self._entries.clear()
