"""Weekly windows: the recurring shape of a provider's week, in wall-clock time."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field

MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY
DEFAULT_SOURCE = "calendly"


class Weekday(enum.IntEnum):
    """ISO weekday order, Monday first, matching ``date.weekday()``."""

    MONDAY = 0
    TUESDAY = 1
    WEDNESDAY = 2
    THURSDAY = 3
    FRIDAY = 4
    SATURDAY = 5
    SUNDAY = 6


@dataclass(frozen=True, slots=True, order=True)
class WeekTime:
    """A wall-clock moment in a week: a weekday and minutes since that day's midnight."""

    day: Weekday
    minute: int

    def __post_init__(self) -> None:
        if not 0 <= self.minute < MINUTES_PER_DAY:
            raise ValueError(f"minute of day out of range: {self.minute}")

    @property
    def minute_of_week(self) -> int:
        return self.day * MINUTES_PER_DAY + self.minute


@dataclass(frozen=True, slots=True)
class WeeklyWindow:
    """A recurring weekly availability window in the provider's wall-clock time.

    The window may cross midnight or the week boundary (Sunday to Monday); its length is
    ``(end - start) mod 7 days`` and is always positive.
    """

    provider_id: int
    external_id: str
    start: WeekTime
    end: WeekTime
    source: str = DEFAULT_SOURCE
    id: int | None = None

    def __post_init__(self) -> None:
        if self.length_minutes == 0:
            raise ValueError("a weekly window cannot have zero length")

    @property
    def length_minutes(self) -> int:
        return (self.end.minute_of_week - self.start.minute_of_week) % MINUTES_PER_WEEK

    def same_schedule(self, other: WeeklyWindow) -> bool:
        return (self.start, self.end) == (other.start, other.end)


@dataclass(frozen=True, slots=True)
class SyncReport:
    provider_id: int
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    problems: tuple[str, ...] = field(default=())

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)


def merged_spans(windows: Iterable[WeeklyWindow]) -> list[tuple[int, int]]:
    """The windows merged around the week, as (minute of the week it starts, length).

    Overlapping or touching windows, the week boundary included, become one; windows that
    cover the whole week become one span from Monday 00:00 lasting the whole week
    (docs/DECISIONS.md, "Slots and steps").
    """
    spans: list[list[int]] = []
    for start, length in sorted((w.start.minute_of_week, w.length_minutes) for w in windows):
        if spans and start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], start + length)
        else:
            spans.append([start, start + length])
    while len(spans) > 1 and spans[-1][1] >= spans[0][0] + MINUTES_PER_WEEK:
        first = spans.pop(0)  # the last span runs on into the next week's first one
        spans[-1][1] = max(spans[-1][1], first[1] + MINUTES_PER_WEEK)
    if spans and spans[-1][1] - spans[0][0] >= MINUTES_PER_WEEK and len(spans) == 1:
        return [(0, MINUTES_PER_WEEK)]
    return [(start % MINUTES_PER_WEEK, end - start) for start, end in spans]
