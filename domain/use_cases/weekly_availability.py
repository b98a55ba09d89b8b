"""Use cases for a provider's weekly availability: read and set through the API, synced from
the feed.

A provider's windows come from sources: the feed (``calendly``) and the API (``api``). Each
source replaces only its own windows, and availability is the merge of all of them
(docs/DECISIONS.md, "Weekly availability over the API").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from domain import errors
from domain.events import ScheduleChange
from domain.model import Provider
from domain.ports.feed import AvailabilityFeed
from domain.ports.unit_of_work import UnitOfWork
from domain.rules.feed import RawSlot, parse_slots
from domain.use_cases.common import load_provider, schedule_changed
from domain.windows import SyncReport, WeeklyWindow

API_SOURCE = "api"
#: Most windows one PUT may set.
MAX_API_WINDOWS = 200
#: Longest id (label) a PUT may give a window; a derived id is at most 29 characters.
MAX_WINDOW_ID_LENGTH = 100


@dataclass(frozen=True, slots=True)
class WeeklyAvailability:
    """A provider's stored windows, every source, ordered by start."""

    provider: Provider
    windows: tuple[WeeklyWindow, ...]


def weekly_availability(uow: UnitOfWork, provider_id: int) -> WeeklyAvailability:
    with uow:
        return _read(uow, provider_id)


def replace_weekly_availability(
    uow: UnitOfWork,
    provider_id: int,
    raw: Sequence[RawSlot],
    expected: Callable[[WeeklyAvailability], bool] | None = None,
) -> WeeklyAvailability:
    """Replace the provider's ``api`` windows with ``raw``, all or nothing.

    ``raw`` windows are ``{"starts_at": {"day_of_week", "time"}, "ends_at": {...}}``, with
    an optional ``id`` (else ``window_id``) and ``source`` (only ``api``): the shape the
    weekly availability is read in. They are validated like a feed's slots; InvalidWindows
    names each bad one. With ``expected``, the current weekly availability must satisfy it,
    checked under the provider's lock.
    """
    if len(raw) > MAX_API_WINDOWS:
        raise errors.InvalidRequest(f"at most {MAX_API_WINDOWS} windows may be set")
    windows = _api_windows(provider_id, raw)
    with uow:
        uow.lock_schedules(provider_id)
        current = _read(uow, provider_id)
        if expected is not None and not expected(current):
            raise errors.PreconditionFailed("the weekly availability changed since you read it")
        if _replace_windows(uow, provider_id, API_SOURCE, windows).changed:
            schedule_changed(uow, provider_id, ScheduleChange.WEEKLY_AVAILABILITY)
        replaced = _read(uow, provider_id)
        uow.commit()
    return replaced


def _api_windows(provider_id: int, raw: Sequence[RawSlot]) -> list[WeeklyWindow]:
    slots = [{"id": window_id(window), **window, "provider_id": provider_id} for window in raw]
    try:
        return parse_slots(
            provider_id,
            slots,
            API_SOURCE,
            lambda index, _id: f"window {index}",
            max_id_length=MAX_WINDOW_ID_LENGTH,
        )
    except errors.FeedError as error:
        raise errors.InvalidWindows("some windows are invalid", error.problems) from error


def window_id(window: RawSlot) -> str:
    """The stable id of an API window sent without one: its start and end, e.g.
    ``monday-0900-monday-1700``.

    The same window sent again keeps its id (and its row); the same window twice in one
    request is a duplicate id, refused like a feed's.
    """
    return f"{_moment(window.get('starts_at'))}-{_moment(window.get('ends_at'))}"


def _moment(value: Any) -> str:
    if not isinstance(value, dict):
        return "?"
    return f"{value.get('day_of_week')}-{str(value.get('time')).replace(':', '')}"


def _read(uow: UnitOfWork, provider_id: int) -> WeeklyAvailability:
    provider = uow.providers.get(provider_id)
    if provider is None:
        raise errors.ProviderNotFound(provider_id)
    windows = sorted(
        uow.windows.for_provider(provider_id),
        key=lambda w: (w.start, w.length_minutes, w.source, w.external_id),
    )
    return WeeklyAvailability(provider, tuple(windows))


def sync_availability(uow: UnitOfWork, feed: AvailabilityFeed, provider_id: int) -> SyncReport:
    """Upsert the provider's windows from the feed by (source, external id); drop vanished ones.

    All or nothing: an invalid feed raises FeedError listing every problem and changes nothing.
    """
    with uow:
        uow.lock_schedules(provider_id)  # serialized with PUT weekly-availability's If-Match
        load_provider(uow, provider_id)
        raw = feed.fetch(provider_id)
        report = _replace_windows(
            uow, provider_id, feed.source, parse_slots(provider_id, raw, feed.source)
        )
        if report.changed:
            schedule_changed(uow, provider_id, ScheduleChange.WEEKLY_AVAILABILITY)
        uow.commit()
    return report


def _replace_windows(
    uow: UnitOfWork, provider_id: int, source: str, windows: Sequence[WeeklyWindow]
) -> SyncReport:
    """Make the provider's windows from ``source`` be ``windows``, matched by external id.

    Windows of other sources are never touched. Runs in the caller's open, locked unit.
    """
    created = updated = deleted = unchanged = 0
    incoming = {w.external_id: w for w in windows}
    stored = {w.external_id: w for w in uow.windows.for_provider(provider_id) if w.source == source}
    for external_id, window in incoming.items():
        current = stored.get(external_id)
        if current is None:
            uow.windows.add(window)
            created += 1
        elif current.same_schedule(window):
            unchanged += 1
        else:
            uow.windows.update(replace(window, id=current.id))
            updated += 1
    for external_id, window in stored.items():
        if external_id not in incoming:
            uow.windows.delete(window)
            deleted += 1
    return SyncReport(provider_id, created, updated, deleted, unchanged)
