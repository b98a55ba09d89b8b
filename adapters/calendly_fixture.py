"""The availability feed read from a Calendly-style JSON fixture file.

The file is read afresh on every call, so a changed file is seen on the next sync. It comes
in one of two shapes:

- an object keyed by provider id: ``{"1": [slot, ...], "2": [...]}``;
- a flat list of slots, each carrying ``provider_id``.

This adapter checks only the file and its shape; slot contents are validated by the domain
(``domain.rules.feed.parse_slots``). Every failure is a ``FeedError``, never a bare exception;
its messages never name the file's path, since they may reach API clients.
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from typing import Any, Never, TypeGuard

from domain.errors import FeedError
from domain.rules.feed import RawSlot

#: Refuse files larger than this: a weekly availability feed is a few kilobytes.
MAX_FEED_BYTES = 10 * 1024 * 1024
_PROVIDER_KEY = re.compile(r"[1-9][0-9]{0,17}")


class CalendlyFixtureFeed:
    """An ``AvailabilityFeed`` over a JSON file in either of the feed's two shapes."""

    source = "calendly"

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self._path = Path(path)

    def fetch(self, provider_id: int) -> list[RawSlot]:
        """The provider's raw slots in file order; empty if the feed does not mention it."""
        return self._load().get(provider_id, [])

    def provider_ids(self) -> list[int]:
        """Every provider id the feed mentions, ascending."""
        return sorted(self._load())

    def _load(self) -> dict[int, list[RawSlot]]:
        data = self._parse(self._read())
        if isinstance(data, dict):
            return self._by_key(data)
        if isinstance(data, list):
            return self._by_provider_id(data)
        self._fail(f"the top level is {_kind(data)}, expected an object or a list")

    def _read(self) -> str:
        try:
            mode = os.stat(self._path).st_mode
            if stat.S_ISDIR(mode):
                self._fail("the path is a directory, not a file")
            if not stat.S_ISREG(mode):
                self._fail("the path is not a regular file")
            with open(self._path, "rb") as file:
                content = file.read(MAX_FEED_BYTES + 1)
        except FileNotFoundError:
            self._fail("the file does not exist")
        except OSError as exc:
            self._fail(f"the file cannot be read ({exc.strerror or type(exc).__name__})")
        if len(content) > MAX_FEED_BYTES:
            self._fail(f"the file is larger than {MAX_FEED_BYTES // 2**20} MiB")
        try:
            return content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            self._fail(f"the file is not UTF-8 text (bad byte at offset {exc.start})")

    def _parse(self, text: str) -> Any:
        try:
            return json.loads(text, object_pairs_hook=_reject_duplicate_keys)
        except json.JSONDecodeError as exc:
            self._fail(f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}")
        except _DuplicateKey as exc:
            self._fail(f"the key {exc.args[0]!r} appears more than once in one object")
        except (ValueError, RecursionError):  # a number too long, or nesting too deep
            self._fail("the JSON is too deeply nested or holds an absurdly long number")

    def _by_key(self, data: dict[str, Any]) -> dict[int, list[RawSlot]]:
        by_provider: dict[int, list[RawSlot]] = {}
        problems: list[str] = []
        for key, slots in data.items():
            if not _PROVIDER_KEY.fullmatch(key):
                problems.append(f"key {key!r} is not a provider id (a positive integer)")
            elif not isinstance(slots, list):
                problems.append(f"provider {key}: expected a list of slots, got {_kind(slots)}")
            else:
                by_provider[int(key)] = slots
        self._fail_if(problems)
        return by_provider

    def _by_provider_id(self, data: list[Any]) -> dict[int, list[RawSlot]]:
        by_provider: dict[int, list[RawSlot]] = {}
        problems: list[str] = []
        for index, slot in enumerate(data):
            provider_id = slot.get("provider_id") if isinstance(slot, dict) else None
            if not isinstance(slot, dict):
                problems.append(f"entry {index}: expected a slot object, got {_kind(slot)}")
            elif not _is_provider_id(provider_id):
                problems.append(
                    f"entry {index}: 'provider_id' must be a positive integer, got {provider_id!r}"
                )
            else:
                by_provider.setdefault(provider_id, []).append(slot)
        self._fail_if(problems)
        return by_provider

    def _fail_if(self, problems: list[str]) -> None:
        if problems:
            raise FeedError("the availability feed has a bad shape", problems)

    def _fail(self, problem: str) -> Never:
        raise FeedError(f"cannot use the availability feed: {problem}")


class _DuplicateKey(Exception):
    pass


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _is_provider_id(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _kind(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    return names.get(type(value), "a number")
