"""Column types (docs/DECISIONS.md, "Timestamps are stored in UTC")."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.types import DateTime, TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """An instant stored in UTC and always read back as an aware UTC ``datetime``.

    PostgreSQL keeps it in ``timestamptz``. SQLite keeps naive UTC as SQLAlchemy's
    fixed-width ``YYYY-MM-DD HH:MM:SS.ffffff`` text, which sorts and compares as time does.
    Naive datetimes are refused: their instant is unknown.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime refused: timestamps must carry a UTC offset")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)  # type: ignore[no-any-return]
        return value.astimezone(UTC)  # type: ignore[no-any-return]
