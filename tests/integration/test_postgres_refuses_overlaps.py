"""On PostgreSQL the database itself refuses overlapping scheduled appointments.

Writes go straight through the repository, skipping the domain's checks, so only the
exclusion constraints stand in the way.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from adapters.sqlalchemy import Database
from domain.errors import ClientConflict, ProviderConflict
from domain.model import Appointment, AppointmentStatus, Provider
from tests.integration.support import NOW, Practice, at, open_practice

pytestmark = pytest.mark.parametrize(
    "database_url",
    [pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)],
    indirect=True,
)


def _appointment(practice: Practice, start_hour: int, minute: int = 0) -> Appointment:
    start = at(7, start_hour, minute)
    return Appointment(
        practice.client_id, practice.provider_id, start, start + timedelta(hours=1), NOW
    )


def _add(database: Database, *appointments: Appointment) -> list[Appointment]:
    with database.unit_of_work() as uow:
        added = [uow.appointments.add(a) for a in appointments]
        uow.commit()
    return added


def test_two_overlapping_appointments_of_a_provider_are_refused(database: Database) -> None:
    practice = open_practice(database)
    _add(database, _appointment(practice, 10))
    overlapping = replace(_appointment(practice, 10, 30), client_id=practice.other_client_id)
    with pytest.raises(ProviderConflict):
        _add(database, overlapping)


def test_two_overlapping_appointments_of_a_client_are_refused(database: Database) -> None:
    practice = open_practice(database)
    with database.unit_of_work() as uow:
        other = uow.providers.add(Provider("Dr. Elsewhere"))
        uow.commit()
    _add(database, _appointment(practice, 10))
    with pytest.raises(ClientConflict):
        _add(database, replace(_appointment(practice, 10, 59), provider_id=other.id or 0))


def test_touching_and_canceled_appointments_do_not_block(database: Database) -> None:
    practice = open_practice(database)
    [first] = _add(database, _appointment(practice, 10))
    canceled = replace(
        _appointment(practice, 10, 30), status=AppointmentStatus.CANCELED, canceled_at=NOW
    )
    _add(database, _appointment(practice, 11), _appointment(practice, 9), canceled)
    with database.unit_of_work() as uow:
        uow.appointments.update(first.canceled(NOW))
        uow.commit()
    _add(database, _appointment(practice, 10))


def test_scheduling_a_canceled_appointment_again_over_another_is_refused(
    database: Database,
) -> None:
    practice = open_practice(database)
    [first] = _add(database, _appointment(practice, 10))
    with database.unit_of_work() as uow:
        uow.appointments.update(first.canceled(NOW))
        uow.commit()
    _add(database, _appointment(practice, 10, 30))
    with database.unit_of_work() as uow, pytest.raises(ProviderConflict):
        uow.appointments.update(first)


def _moved(appointment: Appointment, start_hour: int, minute: int = 0) -> Appointment:
    start = at(7, start_hour, minute)
    return replace(appointment, starts_at=start, ends_at=start + timedelta(hours=1))


def test_moving_an_appointment_onto_another_is_refused(database: Database) -> None:
    practice = open_practice(database)
    with database.unit_of_work() as uow:
        other_provider = uow.providers.add(Provider("Dr. Elsewhere"))
        uow.commit()
    mine, theirs, elsewhere = _add(
        database,
        _appointment(practice, 10),
        replace(_appointment(practice, 12), client_id=practice.other_client_id),
        replace(_appointment(practice, 14), provider_id=other_provider.id or 0),
    )
    with database.unit_of_work() as uow, pytest.raises(ProviderConflict):
        uow.appointments.update(_moved(mine, 12, 30))
    with database.unit_of_work() as uow, pytest.raises(ClientConflict):
        uow.appointments.update(_moved(mine, 14, 30))
    with database.unit_of_work() as uow:
        assert uow.appointments.get(mine.id or 0) == mine
        assert uow.appointments.get(theirs.id or 0) == theirs
        assert uow.appointments.get(elsewhere.id or 0) == elsewhere


def test_moving_an_appointment_over_its_own_time_is_not_an_overlap(database: Database) -> None:
    practice = open_practice(database)
    [mine] = _add(database, _appointment(practice, 10))
    with database.unit_of_work() as uow:
        uow.appointments.update(_moved(mine, 10, 30))
        uow.commit()
    with database.unit_of_work() as uow:
        assert uow.appointments.get(mine.id or 0) == _moved(mine, 10, 30)
