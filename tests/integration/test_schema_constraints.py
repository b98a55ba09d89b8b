"""The database itself refuses rows the domain would never write, on both databases."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import CheckConstraint, insert, inspect
from sqlalchemy.exc import IntegrityError

from adapters.sqlalchemy import Database, metadata
from adapters.sqlalchemy.tables import appointments, date_overrides, providers, weekly_windows
from tests.integration.support import NOW, Practice, at, open_practice


def _appointment(practice: Practice, **changes: Any) -> dict[str, Any]:
    row = {
        "client_id": practice.client_id,
        "provider_id": practice.provider_id,
        "starts_at": at(7, 10),
        "ends_at": at(7, 11),
        "status": "scheduled",
        "created_at": NOW,
    }
    return {**row, **changes}


def _window(practice: Practice, **changes: Any) -> dict[str, Any]:
    row = {
        "provider_id": practice.provider_id,
        "source": "calendly",
        "external_id": "raw",
        "start_day": 0,
        "start_minute": 540,
        "end_day": 0,
        "end_minute": 600,
    }
    return {**row, **changes}


def _provider(_practice: Practice, **changes: Any) -> dict[str, Any]:
    row = {"name": "Dr. Raw", "timezone": "UTC", "accepts_new_clients": True}
    return {**row, **changes}


def _override(practice: Practice, **changes: Any) -> dict[str, Any]:
    row = {
        "provider_id": practice.provider_id,
        "starts_at": at(9, 0),
        "ends_at": at(10, 0),
        "kind": "unavailable",
    }
    return {**row, **changes}


CANCELED: dict[str, Any] = {"status": "canceled", "canceled_at": NOW}

BAD_ROWS = {
    "an appointment ending before it starts": (appointments, _appointment, {"ends_at": at(7, 9)}),
    "an appointment ending as it starts": (appointments, _appointment, {"ends_at": at(7, 10)}),
    "an unknown status": (appointments, _appointment, {"status": "pending"}),
    "an unknown provider": (appointments, _appointment, {"provider_id": 999}),
    "an unknown client": (appointments, _appointment, {"client_id": 999}),
    "a missing start": (appointments, _appointment, {"starts_at": None}),
    "a day past Sunday": (weekly_windows, _window, {"start_day": 7}),
    "a minute past the day": (weekly_windows, _window, {"end_minute": 1440}),
    "a zero-length window": (weekly_windows, _window, {"end_minute": 540}),
    "a window of an unknown provider": (weekly_windows, _window, {"provider_id": 999}),
    "a negative buffer before": (providers, _provider, {"buffer_before": -1}),
    "a negative buffer after": (providers, _provider, {"buffer_after": -5}),
    "a negative notice": (providers, _provider, {"min_notice_minutes": -1}),
    "a horizon of no days": (providers, _provider, {"horizon_days": 0}),
    "a negative cancellation notice": (providers, _provider, {"min_cancel_notice_minutes": -1}),
    "a missing buffer": (providers, _provider, {"buffer_before": None}),
    "an unknown canceler": (appointments, _appointment, {**CANCELED, "canceled_by": "robot"}),
    "a cancel reason too long": (
        appointments,
        _appointment,
        {**CANCELED, "cancel_reason": "x" * 501},
    ),
    "a reason on a scheduled appointment": (appointments, _appointment, {"cancel_reason": "why"}),
    "a canceler of a scheduled appointment": (
        appointments,
        _appointment,
        {"canceled_by": "client"},
    ),
    "an override ending as it starts": (date_overrides, _override, {"ends_at": at(9, 0)}),
    "an unknown override kind": (date_overrides, _override, {"kind": "maybe"}),
    "an override reason too long": (date_overrides, _override, {"reason": "x" * 501}),
    "an override of an unknown provider": (date_overrides, _override, {"provider_id": 999}),
}

#: A valid row of each table, clear of the bad rows' times and ids, that must go in.
GOOD_ROW_CHANGES: dict[str, dict[str, Any]] = {
    "appointments": {
        "starts_at": at(8, 10),
        "ends_at": at(8, 11),
        **CANCELED,
        "cancel_reason": "x" * 500,
        "canceled_by": "provider",
    },
    "weekly_windows": {"external_id": "good"},
    "providers": {"buffer_before": 0, "horizon_days": 1, "min_cancel_notice_minutes": 0},
    "date_overrides": {"kind": "available", "reason": "x" * 500},
}


@pytest.mark.parametrize("case", sorted(BAD_ROWS))
def test_the_database_refuses_a_row_breaking_its_rules(database: Database, case: str) -> None:
    practice = open_practice(database)
    table, row, changes = BAD_ROWS[case]
    with database.engine.connect() as connection:
        connection.execute(insert(table).values(row(practice, **GOOD_ROW_CHANGES[table.name])))
        with pytest.raises(IntegrityError):
            connection.execute(insert(table).values(row(practice, **changes)))


def test_the_check_constraints_carry_the_models_names(database: Database) -> None:
    inspector = inspect(database.engine)
    for table in metadata.tables.values():
        expected = {c.name for c in table.constraints if isinstance(c, CheckConstraint)}
        found = {c["name"] for c in inspector.get_check_constraints(table.name)}
        assert found == expected, table.name
