"""Small constructors that keep unit tests readable."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.windows import Weekday, WeeklyWindow, WeekTime


def utc(text: str) -> datetime:
    """``utc("2026-03-02 14:00")`` -> an aware UTC datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def at(day: str, clock: str) -> WeekTime:
    hours, minutes = clock.split(":")
    return WeekTime(Weekday[day.upper()], int(hours) * 60 + int(minutes))


def window(
    start_day: str, start: str, end_day: str, end: str, provider_id: int = 1, ext: str = ""
) -> WeeklyWindow:
    external_id = ext or f"{start_day}-{start}-{end_day}-{end}"
    return WeeklyWindow(provider_id, external_id, at(start_day, start), at(end_day, end))


def slot(
    ext: str,
    start_day: str,
    start: str,
    end_day: str,
    end: str,
    provider_id: int = 1,
) -> dict[str, object]:
    """A raw feed slot in the Calendly-like format."""
    return {
        "id": ext,
        "provider_id": provider_id,
        "starts_at": {"day_of_week": start_day, "time": start},
        "ends_at": {"day_of_week": end_day, "time": end},
        "source": "calendly",
    }
