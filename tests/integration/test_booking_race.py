"""Processes racing for one slot or one appointment: the database serializes them.

Each test runs on both databases; the rivals are separate processes released at once.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from adapters.sqlalchemy import Database
from domain.model import Appointment, AppointmentStatus, Client
from domain.ports.appointments import AppointmentSearch
from tests.integration.booking_race import (
    SLOT,
    book_the_contested_slot,
    cancel_the_appointment,
    describe_cancellation,
    move_into_the_contested_slot,
    race,
)
from tests.integration.support import NOW, at, open_practice

RIVALS = 16
MOVERS = 8
CANCELERS = 4


def _clients(database: Database, count: int) -> list[int]:
    with database.unit_of_work() as uow:
        ids = [
            uow.clients.add(Client(f"Rival {n}", f"rival{n}@example.com")).id for n in range(count)
        ]
        uow.commit()
    return [client_id or 0 for client_id in ids]


def _all_appointments(database: Database) -> list[Appointment]:
    with database.unit_of_work() as uow:
        return uow.appointments.search(AppointmentSearch(), 0, 100)[0]


def test_of_sixteen_processes_booking_one_slot_exactly_one_succeeds(
    database: Database, database_url: str
) -> None:
    practice = open_practice(database)
    clients = _clients(database, RIVALS)
    results = race(
        book_the_contested_slot, [(database_url, practice.provider_id, c) for c in clients]
    )
    kinds = Counter(kind for kind, _ in results)
    assert kinds == {"booked": 1, "conflict": RIVALS - 1}, results
    [stored] = _all_appointments(database)
    assert (stored.starts_at, stored.ends_at) == SLOT
    assert str(stored.id) == next(detail for kind, detail in results if kind == "booked")


def test_of_eight_processes_moving_appointments_into_one_slot_exactly_one_succeeds(
    database: Database, database_url: str
) -> None:
    practice = open_practice(database)
    with database.unit_of_work() as uow:  # Tuesday 09:00, 10:00, ... 16:00, one per client
        before = [
            uow.appointments.add(
                Appointment(client_id, practice.provider_id, at(8, 9 + n), at(8, 10 + n), NOW)
            )
            for n, client_id in enumerate(_clients(database, MOVERS))
        ]
        uow.commit()
    results = race(move_into_the_contested_slot, [(database_url, a.id) for a in before])
    moved = [int(detail) for kind, detail in results if kind == "moved"]
    conflicts = [result for result in results if result[0] == "conflict"]
    assert len(moved) == 1 and conflicts == [("conflict", "ProviderConflict")] * (MOVERS - 1), (
        results
    )
    [winner] = moved
    after = {a.id: a for a in _all_appointments(database)}
    assert (after[winner].starts_at, after[winner].ends_at) == SLOT
    assert [after[a.id] for a in before if a.id != winner] == [a for a in before if a.id != winner]


def test_processes_canceling_one_appointment_at_once_all_report_the_first_cancellation(
    database: Database, database_url: str
) -> None:
    practice = open_practice(database)
    with database.unit_of_work() as uow:
        booked = uow.appointments.add(
            Appointment(practice.client_id, practice.provider_id, *SLOT, NOW)
        )
        uow.commit()
    rivals = range(1, CANCELERS + 1)  # each cancels at NOW + its number of minutes
    results = race(cancel_the_appointment, [(database_url, booked.id, n) for n in rivals])
    [stored] = _all_appointments(database)
    assert stored.status is AppointmentStatus.CANCELED
    assert stored.canceled_at is not None
    assert timedelta(minutes=1) <= stored.canceled_at - NOW <= timedelta(minutes=CANCELERS)
    assert results == [("canceled", describe_cancellation(stored))] * CANCELERS
