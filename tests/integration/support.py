"""Test doubles and builders shared by the integration tests (plain code, no fixtures)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from adapters.sqlalchemy import Database
from domain.model import Client, Provider
from domain.rules.feed import RawSlot
from domain.windows import Weekday, WeeklyWindow, WeekTime

#: Monday 7 January 2030, 08:00 UTC: "now" in every test that books.
NOW = datetime(2030, 1, 7, 8, 0, tzinfo=UTC)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A UTC instant in January 2030 (the 7th is a Monday)."""
    return datetime(2030, 1, day, hour, minute, tzinfo=UTC)


@dataclass
class FixedClock:
    moment: datetime = NOW

    def now(self) -> datetime:
        return self.moment


@dataclass
class StaticFeed:
    """An AvailabilityFeed serving slots held in memory; tests change them between syncs."""

    slots: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    source: str = "calendly"

    def fetch(self, provider_id: int) -> Sequence[RawSlot]:
        return self.slots.get(provider_id, [])

    def provider_ids(self) -> Sequence[int]:
        return sorted(self.slots)


def slot(external_id: str, provider_id: int, start: str, end: str) -> dict[str, Any]:
    """A raw feed slot; ``start``/``end`` read like ``"monday 09:00"``."""

    def moment(text: str) -> dict[str, str]:
        day, time = text.split()
        return {"day_of_week": day, "time": time}

    return {
        "id": external_id,
        "provider_id": provider_id,
        "starts_at": moment(start),
        "ends_at": moment(end),
        "source": "calendly",
    }


def window(provider_id: int, external_id: str, start: str, end: str) -> WeeklyWindow:
    """A stored-shape weekly window; ``start``/``end`` read like ``"monday 09:00"``."""

    def week_time(text: str) -> WeekTime:
        day, time = text.split()
        hours, minutes = time.split(":")
        return WeekTime(Weekday[day.upper()], int(hours) * 60 + int(minutes))

    return WeeklyWindow(provider_id, external_id, week_time(start), week_time(end))


@dataclass(frozen=True)
class Practice:
    """A provider open every weekday 09:00-17:00 UTC, and two clients."""

    provider_id: int
    client_id: int
    other_client_id: int


def open_practice(
    database: Database, *, accepts_new_clients: bool = True, **policies: Any
) -> Practice:
    """The practice, its provider having ``policies`` (``buffer_before=15``, ...)."""
    with database.unit_of_work() as uow:
        provider = uow.providers.add(
            Provider("Dr. Ada", accepts_new_clients=accepts_new_clients, **policies)
        )
        assert provider.id is not None
        for day in ("monday", "tuesday", "wednesday", "thursday", "friday"):
            uow.windows.add(window(provider.id, day, f"{day} 09:00", f"{day} 17:00"))
        client = uow.clients.add(Client("Bea", "bea@example.com"))
        other = uow.clients.add(Client("Cy", "cy@example.com"))
        uow.commit()
    assert client.id is not None and other.id is not None
    return Practice(provider.id, client.id, other.id)
