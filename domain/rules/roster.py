"""The whole roster at once: per-provider slots gathered into roster slots, and the pool choice.

Pure functions. Each provider's slots come from ``offered_slots``, the function behind the
single-provider listing; this module only groups them, pages them, picks each provider's
first and picks a provider of a pool (docs/DECISIONS.md, "Roster search" and "Choosing from a
pool").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from domain.intervals import Interval
from domain.model import Provider

_WEEK = timedelta(days=7)
_NEVER = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class RosterSlot:
    starts_at: datetime
    ends_at: datetime
    provider_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class RosterPage:
    """Slots by start; ``next_from`` is the first omitted slot's start, None on the last page.

    Grids do not depend on ``from`` (domain/rules/grid.py), so a page asked from
    ``next_from`` answers exactly the rest (docs/DECISIONS.md, "Roster paging").
    """

    slots: list[RosterSlot]
    next_from: datetime | None


def page(
    offered: Mapping[int, Sequence[Interval]],
    limit: int,
    known_until: datetime | None = None,
) -> RosterPage | None:
    """The first ``limit`` distinct starts of the providers' ``offered`` slots, each with
    every provider who has it, by provider id.

    All slots last as long, so ordering by start is ordering by start then end. When the
    slots are known only up to ``known_until`` (slots starting later may be missing), the page
    is None unless more than ``limit`` starts are known (docs/DECISIONS.md, "Roster search").
    """
    by_start: dict[datetime, list[int]] = {}
    ends: dict[datetime, datetime] = {}
    for provider_id in sorted(offered):
        for slot in offered[provider_id]:
            if known_until is None or slot.start <= known_until:
                by_start.setdefault(slot.start, []).append(provider_id)
                ends[slot.start] = slot.end
    starts = sorted(by_start)
    if len(starts) <= limit and known_until is not None:
        return None
    kept = [RosterSlot(start, ends[start], tuple(by_start[start])) for start in starts[:limit]]
    return RosterPage(kept, starts[limit] if len(starts) > limit else None)


def first_slots(
    offered: Mapping[int, Sequence[Interval]], limit: int
) -> list[tuple[int, Interval]]:
    """Each provider's earliest offered slot, by start then provider id; those without any
    are left out."""
    firsts = [(slots[0], provider_id) for provider_id, slots in offered.items() if slots]
    firsts.sort(key=lambda found: (found[0].start, found[1]))
    return [(provider_id, slot) for slot, provider_id in firsts[:limit]]


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
