"""Validation of raw feed slots into weekly windows: all of them, or none.

The feed's format: ``{"id", "provider_id", "starts_at": {"day_of_week", "time"},
"ends_at": {...}, "source"}``, times as ``HH:MM`` from 00:00 to 23:59.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from domain.errors import FeedError
from domain.windows import DEFAULT_SOURCE, MINUTES_PER_DAY, Weekday, WeeklyWindow, WeekTime

#: One slot as the feed publishes it, before validation.
RawSlot = Mapping[str, Any]
_TIME = re.compile(r"([0-9]{2}):([0-9]{2})")
_DAYS = {day.name.lower(): day for day in Weekday}


def _feed_name(index: int, external_id: str | None) -> str:
    return f"slot {index}" if external_id is None else f"slot {external_id!r}"


def parse_slots(
    provider_id: int,
    slots: Sequence[RawSlot],
    source: str,
    name: Callable[[int, str | None], str] = _feed_name,
    max_id_length: int | None = None,
) -> list[WeeklyWindow]:
    """Turn raw slots into windows; raise FeedError listing every problem if any slot is bad.

    ``name(index, id)`` names a slot in the problems (the id is None when it is unusable).
    Ids are unique non-blank strings, of at most ``max_id_length`` characters when given.
    """
    problems: list[str] = []
    windows: list[WeeklyWindow] = []
    seen: set[str] = set()
    for index, slot in enumerate(slots):
        if not isinstance(slot, dict):
            problems.append(f"{name(index, None)}: expected an object")
            continue
        external_id = slot.get("id")
        named = isinstance(external_id, str) and bool(external_id.strip())
        where = name(index, external_id if named else None)
        usable = _check_id(external_id, where, seen, max_id_length, problems)
        window = _parse_slot(provider_id, slot, source, where, problems)
        if window is not None and usable:
            windows.append(window)
    if problems:
        raise FeedError(f"the feed for provider {provider_id} is invalid", problems)
    return windows


def _check_id(
    external_id: object, where: str, seen: set[str], max_length: int | None, problems: list[str]
) -> bool:
    """Whether ``external_id`` can name a window; what is wrong with it goes to ``problems``."""
    if not isinstance(external_id, str) or not external_id.strip():
        problems.append(f"{where}: 'id' must be a non-empty string")
        return False
    if max_length is not None and len(external_id) > max_length:
        problems.append(f"{where}: 'id' is longer than {max_length} characters")
        return False
    if external_id in seen:
        problems.append(f"{where}: duplicate id {external_id!r}")
    seen.add(external_id)
    return True


def _parse_slot(
    provider_id: int, slot: dict[str, Any], source: str, where: str, problems: list[str]
) -> WeeklyWindow | None:
    before = len(problems)
    slot_provider = slot.get("provider_id")
    if slot_provider != provider_id or isinstance(slot_provider, bool):
        problems.append(f"{where}: provider_id {slot_provider!r} does not match {provider_id}")
    slot_source = slot.get("source", source)
    if slot_source != source:
        problems.append(f"{where}: source {slot_source!r} is not {source!r}")
    start = _week_time(slot.get("starts_at"), f"{where}: starts_at", problems)
    end = _week_time(slot.get("ends_at"), f"{where}: ends_at", problems)
    if start is not None and end is not None and start == end:
        problems.append(f"{where}: the window has zero length")
    if len(problems) > before or start is None or end is None:
        return None
    return WeeklyWindow(provider_id, str(slot.get("id")), start, end, source or DEFAULT_SOURCE)


def _week_time(value: object, where: str, problems: list[str]) -> WeekTime | None:
    if not isinstance(value, dict):
        problems.append(f"{where}: expected an object with day_of_week and time")
        return None
    day_name, clock = value.get("day_of_week"), value.get("time")
    day = _DAYS.get(day_name.strip().lower()) if isinstance(day_name, str) else None
    if day is None:
        problems.append(f"{where}: unknown day_of_week {day_name!r}")
    minute = _minute_of_day(clock)
    if minute is None:
        problems.append(f"{where}: time {clock!r} is not HH:MM between 00:00 and 23:59")
    if day is None or minute is None:
        return None
    return WeekTime(day, minute)


def _minute_of_day(clock: object) -> int | None:
    match = _TIME.fullmatch(clock) if isinstance(clock, str) else None
    if match is None:
        return None
    hours, minutes = int(match[1]), int(match[2])
    if hours > 23 or minutes > 59:
        return None
    minute = hours * 60 + minutes
    return minute if minute < MINUTES_PER_DAY else None
