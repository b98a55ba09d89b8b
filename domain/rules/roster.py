"""The whole roster at once: per-provider slots gathered into roster slots, and the pool choice.

Pure functions. Each provider's slots come from its offer (domain/rules/offers.py): its free
time as ``free_time`` decides it, on its grid, as its own listing has them; this module only
groups them, pages them, picks each provider's first and picks a provider of a pool
(docs/DECISIONS.md, "Roster search" and "Choosing from a pool").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from domain.intervals import Interval, from_us
from domain.model import Provider
from domain.rules.offers import Offering

_HOUR = 3600 * 1_000_000  # microseconds
_DAY = 24 * _HOUR
Found = tuple[int, Interval]
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
    offers: Sequence[Offering], duration: int, step: int, lower: int, upper: int, limit: int
) -> RosterPage:
    """The first ``limit`` distinct starts of the ``offers`` in ``[lower, upper)``, each with
    every provider who has it, by provider id.

    All slots last as long, so ordering by start is ordering by start then end. Starts are
    gathered in spans of the range, from its start, until more than ``limit`` are known
    (``_next_span``; docs/DECISIONS.md, "Roster search"): the cost follows the page, not the
    range.
    """
    by_start: defaultdict[int, list[int]] = defaultdict(list)
    offers = sorted(offers, key=lambda offer: offer.provider_id)
    after, span, known = lower, _DAY, 0
    while after < upper and len(by_start) <= limit:
        before = min(upper, after + span)
        for offer in offers:
            provider_id = offer.provider_id
            for start in offer.starts(duration, step, after, before):
                by_start[start].append(provider_id)
        span = _next_span(before - after, len(by_start) - known, limit + 1 - len(by_start))
        after, known = before, len(by_start)
    starts = sorted(by_start)
    kept = [_slot(start, duration, by_start[start]) for start in starts[:limit]]
    return RosterPage(kept, from_us(starts[limit]) if len(starts) > limit else None)


def first_slots(offers: Sequence[Offering], duration: int, step: int, limit: int) -> list[Found]:
    """Each offer's earliest slot, by start then provider id, at most ``limit``; providers
    with none are left out."""
    firsts = []
    for offer in offers:
        start = offer.first(duration, step)
        if start is not None:
            firsts.append((start, offer.provider_id))
    firsts.sort()
    return [(pid, Interval(from_us(s), from_us(s + duration))) for s, pid in firsts[:limit]]


def _next_span(searched: int, found: int, wanted: int) -> int:
    """How far to search next: as far as the last span's starts say the rest of the page
    needs, a quarter more, at least an hour; twice as far while it found none."""
    if found <= 0:
        return 2 * searched
    return max(_HOUR, wanted * searched * 5 // (4 * found))


def _slot(start: int, duration: int, provider_ids: list[int]) -> RosterSlot:
    return RosterSlot(from_us(start), from_us(start + duration), tuple(provider_ids))


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
