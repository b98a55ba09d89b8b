"""The system clock, the adapter behind the ``Clock`` port (domain/ports/clock.py); tests use
their own."""

from __future__ import annotations

from datetime import UTC, datetime


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)
