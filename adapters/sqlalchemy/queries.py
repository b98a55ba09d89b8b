"""The hot queries, as statements (tests/integration/test_query_plans.py explains them).

Overlap with ``[lower, upper)`` is ``starts_at < upper AND ends_at > lower``. Alone, the
second condition cannot bound an index on ``(owner, starts_at)`` from below, so we add
``starts_at > lower - MAX_APPOINTMENT_LENGTH``, true of every overlapping appointment
because none lasts longer (docs/DECISIONS.md, "Overlap query bound"). Dated overrides have
no maximum length, so their index search is bounded above only (``provider_overrides``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    BindParameter,
    Column,
    ColumnElement,
    Select,
    bindparam,
    func,
    null,
    select,
    type_coerce,
    union_all,
    update,
)

from adapters.sqlalchemy.prepared import Prepared
from adapters.sqlalchemy.tables import (
    appointments,
    clients,
    date_overrides,
    providers,
    weekly_windows,
)
from adapters.sqlalchemy.types import UtcDateTime
from domain.model import MAX_APPOINTMENT_LENGTH, AppointmentStatus
from domain.ports.appointments import AppointmentSearch

SCHEDULED = AppointmentStatus.SCHEDULED.value


class Query(NamedTuple):
    """A statement built once, and the parameters of one execution of it.

    The hot statements are module constants with bound parameters, so a request pays for
    neither building nor compiling them (SQLAlchemy caches the compiled form).
    """

    statement: Any
    params: dict[str, Any] | list[dict[str, Any]]
    """One execution's parameters; a list runs the statement once per item (executemany)."""


def overlapping(lower: datetime, upper: datetime) -> list[ColumnElement[bool]]:
    """Conditions for appointments overlapping ``[lower, upper)``, index-bounded both sides."""
    return [
        appointments.c.starts_at < upper,
        appointments.c.starts_at > lower - MAX_APPOINTMENT_LENGTH,
        appointments.c.ends_at > lower,
    ]


def _owned_and_overlapping(owner: Column[int]) -> list[ColumnElement[bool]]:
    """The owner's scheduled appointments overlapping ``[lower, upper)``, as bound parameters
    (``owner_id``, ``lower``, ``upper``, ``earliest``: ``_overlap_params``)."""
    return [
        owner == bindparam("owner_id"),
        appointments.c.status == SCHEDULED,
        appointments.c.starts_at < bindparam("upper"),
        appointments.c.starts_at > bindparam("earliest"),
        appointments.c.ends_at > bindparam("lower"),
    ]


def _scheduled_overlapping(owner: Column[int]) -> Select[Any]:
    return (
        select(appointments)
        .where(*_owned_and_overlapping(owner))
        .order_by(appointments.c.starts_at, appointments.c.id)
    )


def _booked_times(owner: Column[int], padding: list[Any]) -> Select[Any]:
    """``padding`` columns, then the times of the owner's scheduled appointments overlapping
    ``[lower, upper)``: the second part of a row-and-bookings union."""
    columns = (*padding, appointments.c.starts_at, appointments.c.ends_at)
    return select(*columns).where(*_owned_and_overlapping(owner))


_PROVIDER_APPOINTMENTS = _scheduled_overlapping(appointments.c.provider_id)
_CLIENT_APPOINTMENTS = _scheduled_overlapping(appointments.c.client_id)
_PROVIDER = Prepared(select(providers).where(providers.c.id == bindparam("id")))
#: The free-time listing's one read: the provider's row (``booked_*`` null), then one row per
#: scheduled appointment overlapping the range with only ``booked_*`` set (docs/DECISIONS.md,
#: "One statement per listing"). The first part's column types apply to every row.
_PROVIDER_WITH_BOOKED = Prepared(
    union_all(
        select(
            *providers.c,
            type_coerce(null(), UtcDateTime()).label("booked_from"),
            type_coerce(null(), UtcDateTime()).label("booked_to"),
        ).where(providers.c.id == bindparam("owner_id")),
        _booked_times(appointments.c.provider_id, [null() for _ in providers.c]),
    )
)
#: A booking's read of its client: the client's id (``booked_*`` null), then the times of the
#: client's scheduled appointments overlapping the booking (one row each, ``id`` null).
_CLIENT_WITH_BOOKED = Prepared(
    union_all(
        select(
            clients.c.id,
            type_coerce(null(), UtcDateTime()).label("booked_from"),
            type_coerce(null(), UtcDateTime()).label("booked_to"),
        ).where(clients.c.id == bindparam("owner_id")),
        _booked_times(appointments.c.client_id, [null()]),
    )
)
_PROVIDER_WINDOWS = (
    select(weekly_windows)
    .where(weekly_windows.c.provider_id == bindparam("provider_id"))
    .order_by(weekly_windows.c.source, weekly_windows.c.external_id)
)
_IDS: BindParameter[Any] = bindparam("ids", expanding=True)
#: The roster's one read of appointments: an index range scan per provider, in one statement.
_PROVIDERS_APPOINTMENTS = (
    select(appointments.c.provider_id, appointments.c.starts_at, appointments.c.ends_at)
    .where(
        appointments.c.provider_id.in_(_IDS),
        appointments.c.status == SCHEDULED,
        appointments.c.starts_at < bindparam("upper"),
        appointments.c.starts_at > bindparam("earliest"),
        appointments.c.ends_at > bindparam("lower"),
    )
    .order_by(appointments.c.provider_id, appointments.c.starts_at, appointments.c.id)
)
_WEEK_COUNTS = (
    select(appointments.c.provider_id, func.count().label("booked"))
    .where(
        appointments.c.provider_id.in_(_IDS),
        appointments.c.status == SCHEDULED,
        appointments.c.starts_at >= bindparam("lower"),
        appointments.c.starts_at < bindparam("upper"),
    )
    .group_by(appointments.c.provider_id)
)
_ACTIVE_WITH = (
    select(appointments.c.provider_id)
    .distinct()
    .where(
        appointments.c.client_id == bindparam("client_id"),
        appointments.c.provider_id.in_(_IDS),
        appointments.c.status == SCHEDULED,
    )
)
_PROVIDERS = select(providers).where(providers.c.id.in_(_IDS)).order_by(providers.c.id)
_ALL_PROVIDERS = select(providers).order_by(providers.c.id)
_PROVIDERS_WINDOWS = (
    select(weekly_windows)
    .where(weekly_windows.c.provider_id.in_(_IDS))
    .order_by(weekly_windows.c.provider_id, weekly_windows.c.source, weekly_windows.c.external_id)
)
_PROVIDERS_OVERRIDES = (
    select(date_overrides)
    .where(date_overrides.c.provider_id.in_(_IDS))
    .order_by(date_overrides.c.provider_id, date_overrides.c.starts_at, date_overrides.c.id)
)
_BUMP_SCHEDULE = (
    update(providers)
    .where(providers.c.id == bindparam("provider_id"))
    .values(schedule_version=providers.c.schedule_version + 1)
)

_BOOKED = (
    update(providers)
    .where(providers.c.id == bindparam("provider_id"))
    .values(booking_version=providers.c.booking_version + 1, last_booked_at=bindparam("at"))
)
_BOOKING_CHANGED = (
    update(providers)
    .where(providers.c.id == bindparam("provider_id"))
    .values(booking_version=providers.c.booking_version + 1)
)


def _overlap_params(owner_id: int, lower: datetime, upper: datetime) -> dict[str, Any]:
    return {
        "owner_id": owner_id,
        "lower": lower,
        "upper": upper,
        "earliest": lower - MAX_APPOINTMENT_LENGTH,
    }


def provider_appointments(provider_id: int, lower: datetime, upper: datetime) -> Query:
    """Scheduled appointments of the provider overlapping ``[lower, upper)``."""
    return Query(_PROVIDER_APPOINTMENTS, _overlap_params(provider_id, lower, upper))


def provider_with_booked(provider_id: int, lower: datetime, upper: datetime) -> Query:
    """The provider's row and its scheduled appointments' times overlapping ``[lower, upper)``;
    a ``Prepared`` statement (run with ``Gateway.fetch``)."""
    return Query(_PROVIDER_WITH_BOOKED, _overlap_params(provider_id, lower, upper))


def client_with_booked(client_id: int, lower: datetime, upper: datetime) -> Query:
    """The client's id and its scheduled appointments' times overlapping ``[lower, upper)``;
    a ``Prepared`` statement (run with ``Gateway.fetch``)."""
    return Query(_CLIENT_WITH_BOOKED, _overlap_params(client_id, lower, upper))


def client_appointments(client_id: int, lower: datetime, upper: datetime) -> Query:
    """Scheduled appointments of the client overlapping ``[lower, upper)``."""
    return Query(_CLIENT_APPOINTMENTS, _overlap_params(client_id, lower, upper))


def providers_appointments(provider_ids: Sequence[int], lower: datetime, upper: datetime) -> Query:
    """The times of these providers' scheduled appointments overlapping ``[lower, upper)``,
    in one read: only the columns free time needs."""
    params = _overlap_params(0, lower, upper)
    del params["owner_id"]
    return Query(_PROVIDERS_APPOINTMENTS, {**params, "ids": list(provider_ids)})


def week_counts(provider_ids: Sequence[int], lower: datetime, upper: datetime) -> Query:
    """(provider_id, count) of scheduled appointments starting in ``[lower, upper)``."""
    return Query(_WEEK_COUNTS, {"ids": list(provider_ids), "lower": lower, "upper": upper})


def active_with(client_id: int, provider_ids: Sequence[int]) -> Query:
    """The providers among these with whom the client has a scheduled appointment."""
    return Query(_ACTIVE_WITH, {"client_id": client_id, "ids": list(provider_ids)})


def providers_by_id(provider_ids: Sequence[int] | None) -> Query:
    """These providers (all if None), by id."""
    if provider_ids is None:
        return Query(_ALL_PROVIDERS, {})
    return Query(_PROVIDERS, {"ids": list(provider_ids)})


def providers_windows(provider_ids: Sequence[int]) -> Query:
    return Query(_PROVIDERS_WINDOWS, {"ids": list(provider_ids)})


def providers_overrides(provider_ids: Sequence[int]) -> Query:
    """Every override of these providers (the cache keeps them all)."""
    return Query(_PROVIDERS_OVERRIDES, {"ids": list(provider_ids)})


def provider(provider_id: int) -> Query:
    return Query(_PROVIDER, {"id": provider_id})


def provider_windows(provider_id: int) -> Query:
    """A provider's windows, in the order of the unique index that finds them."""
    return Query(_PROVIDER_WINDOWS, {"provider_id": provider_id})


def bump_schedule(provider_id: int) -> Query:
    """Increment the provider's schedule version (adapters/sqlalchemy/cache.py)."""
    return Query(_BUMP_SCHEDULE, {"provider_id": provider_id})


def booked(provider_id: int, at: datetime) -> Query:
    """A new appointment of the provider, booked ``at``: bump its stamps."""
    return Query(_BOOKED, {"provider_id": provider_id, "at": at})


def booking_changed(provider_id: int) -> Query:
    """One of the provider's appointments moved or was canceled: bump its booking version."""
    return Query(_BOOKING_CHANGED, {"provider_id": provider_id})


def provider_overrides(provider_id: int, lower: datetime | None, upper: datetime | None) -> Query:
    """A provider's overrides overlapping ``[lower, upper)``; a missing bound is no bound.

    The index on ``(provider_id, starts_at)`` bounds the search by the provider and
    ``upper``; ``ends_at > lower`` then filters the provider's earlier overrides. Those are
    entered by hand, a few a month, so the scan stays small without a length bound.
    """
    conditions: list[ColumnElement[bool]] = [date_overrides.c.provider_id == provider_id]
    if upper is not None:
        conditions.append(date_overrides.c.starts_at < upper)
    if lower is not None:
        conditions.append(date_overrides.c.ends_at > lower)
    statement = (
        select(date_overrides)
        .where(*conditions)
        .order_by(date_overrides.c.starts_at, date_overrides.c.id)
    )
    return Query(statement, {})


def search_conditions(criteria: AppointmentSearch) -> list[ColumnElement[bool]]:
    """Filters for a search; ``lower``/``upper`` select appointments overlapping them."""
    conditions: list[ColumnElement[bool]] = []
    if criteria.provider_id is not None:
        conditions.append(appointments.c.provider_id == criteria.provider_id)
    if criteria.client_id is not None:
        conditions.append(appointments.c.client_id == criteria.client_id)
    if criteria.status is not None:
        conditions.append(appointments.c.status == criteria.status.value)
    if criteria.lower is not None:
        conditions.append(appointments.c.ends_at > criteria.lower)
        conditions.append(appointments.c.starts_at > criteria.lower - MAX_APPOINTMENT_LENGTH)
    if criteria.upper is not None:
        conditions.append(appointments.c.starts_at < criteria.upper)
    return conditions


def search_page(criteria: AppointmentSearch, offset: int, limit: int) -> Select[Any]:
    return (
        select(appointments)
        .where(*search_conditions(criteria))
        .order_by(appointments.c.starts_at, appointments.c.id)
        .offset(offset)
        .limit(limit)
    )


def search_count(criteria: AppointmentSearch) -> Select[Any]:
    return select(func.count()).select_from(appointments).where(*search_conditions(criteria))
