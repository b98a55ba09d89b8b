"""A per-process cache of providers' weekly windows and dated overrides.

Every request for free time needs a provider's windows and overrides, which change rarely,
while several workers on several hosts share one database. So each worker keeps them in
memory under the provider's ``schedule_version``, which every change to them increments in
the same transaction. A unit of work reads the provider row (and with it the version) anyway;
it uses a cached entry only when the versions are equal, so a sync, an override or a booking
made through any worker is seen by the very next request on every other one
(docs/DECISIONS.md, "Caching schedules across workers").
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

#: Providers kept per process; the least recently used is dropped past this
#: (docs/DECISIONS.md, "Cache sizes").
DEFAULT_CAPACITY = 16_384


@dataclass(frozen=True, slots=True)
class Entry(Generic[T]):
    version: int
    items: tuple[T, ...]


class VersionedCache(Generic[T]):
    """Items per provider id, each valid for exactly one schedule version."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._capacity = capacity
        self._entries: OrderedDict[int, Entry[T]] = OrderedDict()

    def get(self, provider_id: int, version: int) -> tuple[T, ...] | None:
        entry = self._entries.get(provider_id)
        if entry is None or entry.version != version:
            return None
        self._entries.move_to_end(provider_id)
        return entry.items

    def put(self, provider_id: int, version: int, items: tuple[T, ...]) -> None:
        self._entries[provider_id] = Entry(version, items)
        self._entries.move_to_end(provider_id)
        while len(self._entries) > self._capacity:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()


class RowMemo(Generic[T]):
    """Entities built from rows, reused while the row reads the same.

    Mapping a row costs more than comparing it: the roster search reads every provider's row
    on every request, and rows seldom change. Not a cache of the data: the row is read anyway.
    """

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._capacity = capacity
        self._entries: dict[int, tuple[tuple[object, ...], T]] = {}

    def get(self, key: int, row: tuple[object, ...], build: Callable[[], T]) -> T:
        entry = self._entries.get(key)
        if entry is not None and entry[0] == row:
            return entry[1]
        built = build()
        self._entries.pop(key, None)
        self._entries[key] = (row, built)
        if len(self._entries) > self._capacity:
            del self._entries[next(iter(self._entries))]
        return built
