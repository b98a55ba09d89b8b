"""The whole roster at once: per-provider slots gathered into roster slots, and the pool choice.

Pure functions. Each provider's slots come from ``free_time`` and ``candidate_slots``, the
functions behind the single-provider listing and booking; this module only merges them, pages
them and picks a provider (docs/DECISIONS.md, "Roster search" and "Choosing from a pool").
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from domain.intervals import Interval
from domain.model import Provider
from domain.rules.scheduling import candidate_slots

#: Passes of the search for a clean page cut before the fallback (docs/DECISIONS.md,
#: "Roster paging").
MAX_CUT_PASSES = 64
_WEEK = timedelta(days=7)
_NEVER = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class RosterSlot:
    starts_at: datetime
    ends_at: datetime
    provider_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class RosterPage:
    """Slots by start; ``next_from`` is where the next page starts, None on the last one.

    ``exact`` is False when no cut kept every provider's slot grid (the fallback).
    """

    slots: list[RosterSlot]
    next_from: datetime | None
    exact: bool = True


def page(
    free: Mapping[int, Sequence[Interval]],
    lower: datetime,
    duration: timedelta,
    step: timedelta | None,
    limit: int,
    known_until: datetime | None = None,
) -> RosterPage | None:
    """The first ``limit`` roster slots of the providers' free windows ``free``, by start.

    All slots last ``duration``, so ordering by start is ordering by start then end. When
    ``free`` covers only the beginning of the range, slots starting after ``known_until`` may
    be missing: None when the page would need them (docs/DECISIONS.md, "Roster search").
    """
    step = step or duration
    streams = [_starts(pid, windows, duration, step) for pid, windows in sorted(free.items())]
    grouped: list[tuple[datetime, list[int]]] = []
    for start, provider_id in heapq.merge(*streams):
        if grouped and grouped[-1][0] == start:
            grouped[-1][1].append(provider_id)
        elif len(grouped) < limit:
            grouped.append((start, [provider_id]))
        elif known_until is not None and start > known_until:
            return None
        else:
            cut, exact = cut_point(free, lower, start, step)
            kept = [_slot(s, ids, duration) for s, ids in grouped if s < cut]
            return RosterPage(kept, cut, exact)
    if known_until is not None:
        return None
    return RosterPage([_slot(s, ids, duration) for s, ids in grouped], None)


def _starts(
    provider_id: int, free: Sequence[Interval], duration: timedelta, step: timedelta
) -> Iterator[tuple[datetime, int]]:
    for slot in candidate_slots(free, duration, step):
        yield slot.start, provider_id


def _slot(start: datetime, provider_ids: list[int], duration: timedelta) -> RosterSlot:
    return RosterSlot(start, start + duration, tuple(provider_ids))


def cut_point(
    free: Mapping[int, Sequence[Interval]],
    lower: datetime,
    first_omitted: datetime,
    step: timedelta,
) -> tuple[datetime, bool]:
    """Where to end a page whose first omitted slot starts at ``first_omitted``.

    Asked again from ``p``, a provider whose free window straddles ``p`` would start its slots
    at ``p``; so ``p`` is the latest instant in ``(lower, first_omitted]`` at which every
    provider is outside its free windows or on its own slot grid, and pages then repeat and
    skip nothing. Without such an instant, ``first_omitted`` and False (docs/DECISIONS.md,
    "Roster paging").
    """
    cut = first_omitted
    for _ in range(MAX_CUT_PASSES):
        moved = False
        for windows in free.values():
            window = _straddling(windows, cut)
            if window is not None and (cut - window.start) % step:
                cut = window.start + (cut - window.start) // step * step
                moved = True
        if not moved:
            return (cut, True) if cut > lower else (first_omitted, False)
    return first_omitted, False


def _straddling(windows: Sequence[Interval], moment: datetime) -> Interval | None:
    """The window with ``start < moment < end``, if any."""
    index = bisect_left(windows, moment, key=lambda w: w.start) - 1
    if index >= 0 and windows[index].end > moment:
        return windows[index]
    return None


def week_of(moment: datetime) -> tuple[datetime, datetime]:
    """The UTC calendar week holding ``moment``: Monday 00:00 to the next Monday 00:00."""
    utc = moment.astimezone(UTC)
    monday = datetime(utc.year, utc.month, utc.day, tzinfo=UTC) - timedelta(days=utc.weekday())
    return monday, monday + _WEEK


def choose(candidates: Sequence[Provider], week_counts: Mapping[int, int]) -> Provider:
    """The pool choice among providers who can all take the slot: ``ranked``'s first."""
    return ranked(candidates, week_counts)[0]


def ranked(candidates: Sequence[Provider], week_counts: Mapping[int, int]) -> list[Provider]:
    """Fewest scheduled appointments in the week, then least recently booked, then lowest id.

    A provider never booked counts as booked least recently (docs/DECISIONS.md, "Choosing
    from a pool").
    """

    def rank(provider: Provider) -> tuple[int, datetime, int]:
        assert provider.id is not None
        return (
            week_counts.get(provider.id, 0),
            provider.last_booked_at or _NEVER,
            provider.id,
        )

    return sorted(candidates, key=rank)
