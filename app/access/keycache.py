"""Each worker's keys by digest, re-read at most every few seconds.

A key revoked or changed in the database is seen by every worker within ``REFRESH``
seconds; expiry is checked on every request against the cached key
(docs/DECISIONS.md, "API keys and scopes").
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

from domain.access import ApiKey, Grant

REFRESH = 5.0
CAPACITY = 10_000
#: A key as read, and what it grants.
Found = tuple[ApiKey, Grant]


class KeyCache:
    """Known keys only: an unknown secret is looked up every time (and rate limited)."""

    def __init__(
        self, refresh: float = REFRESH, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._refresh = refresh
        self._monotonic = monotonic
        self._keys: OrderedDict[str, tuple[float, Found]] = OrderedDict()

    def get(self, digest: str, load: Callable[[], Found | None]) -> Found | None:
        now = self._monotonic()
        cached = self._keys.get(digest)
        if cached is not None and now - cached[0] < self._refresh:
            return cached[1]
        found = load()
        if found is None:
            self._keys.pop(digest, None)
            return None
        self._keys[digest] = (now, found)
        self._keys.move_to_end(digest)
        if len(self._keys) > CAPACITY:
            self._keys.popitem(last=False)
        return found
