"""The process side of the races (test_booking_race.py): importable under "spawn".

``race`` starts one process per rival; each connects, waits at a barrier for every other,
then runs its use case once and reports an outcome: ``(kind, detail)``.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Sequence
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from threading import BrokenBarrierError
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from adapters.sqlalchemy import Database
from domain import errors
from domain.model import Appointment, CanceledBy
from domain.use_cases import booking, moves
from tests.integration.support import NOW, FixedClock, at

SLOT = (at(7, 10), at(7, 11))
DEADLINE_S = 90
Outcome = tuple[str, str]
Worker = Callable[..., None]


def race(worker: Worker, rivals: Sequence[tuple[Any, ...]]) -> list[Outcome]:
    """Run ``worker(*arguments, start, outcomes)`` in one process per rival, all at once."""
    context = multiprocessing.get_context("spawn")
    start, outcomes = context.Barrier(len(rivals)), context.Queue()
    processes = [
        context.Process(target=worker, args=(*arguments, start, outcomes)) for arguments in rivals
    ]
    for process in processes:
        process.start()
    deadline = time.monotonic() + DEADLINE_S
    try:
        results = [outcomes.get(timeout=max(deadline - time.monotonic(), 0.1)) for _ in processes]
        for process in processes:
            process.join(timeout=max(deadline - time.monotonic(), 0.1))
        assert [process.exitcode for process in processes] == [0] * len(processes)
        return results
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()


def _compete(
    url: str, start: Barrier, outcomes: Queue[Outcome], action: Callable[[Database], Outcome]
) -> None:
    """Get ready, wait for every rival, then run ``action``; report what happened."""
    database = Database(url)
    try:
        database.ping()  # connect and warm up before the start line
        start.wait(timeout=60)
        outcomes.put(action(database))
    except (errors.ProviderConflict, errors.ClientConflict) as conflict:
        outcomes.put(("conflict", type(conflict).__name__))
    except (
        errors.DomainError,
        errors.StoreUnavailable,
        SQLAlchemyError,
        BrokenBarrierError,
    ) as exc:
        outcomes.put(("error", repr(exc)))
    finally:
        database.dispose()


def book_the_contested_slot(
    url: str, provider_id: int, client_id: int, start: Barrier, outcomes: Queue[Outcome]
) -> None:
    """Try to book SLOT for the client."""

    def book(database: Database) -> Outcome:
        booked = booking.book(database.unit_of_work(), FixedClock(), client_id, provider_id, *SLOT)
        return "booked", str(booked.id)

    _compete(url, start, outcomes, book)


def move_into_the_contested_slot(
    url: str, appointment_id: int, start: Barrier, outcomes: Queue[Outcome]
) -> None:
    """Try to reschedule the appointment to SLOT."""

    def move(database: Database) -> Outcome:
        moved = moves.reschedule(database.unit_of_work(), FixedClock(), appointment_id, *SLOT)
        return "moved", str(moved.id)

    _compete(url, start, outcomes, move)


def cancel_the_appointment(
    url: str, appointment_id: int, rival: int, start: Barrier, outcomes: Queue[Outcome]
) -> None:
    """Cancel the appointment with this rival's own clock, reason and canceler."""
    clock = FixedClock(NOW.replace(minute=rival))
    by = CanceledBy.CLIENT if rival % 2 else CanceledBy.PROVIDER

    def cancel(database: Database) -> Outcome:
        canceled = moves.cancel(
            database.unit_of_work(), clock, appointment_id, f"reason {rival}", by
        )
        return "canceled", describe_cancellation(canceled)

    _compete(url, start, outcomes, cancel)


def describe_cancellation(appointment: Appointment) -> str:
    return f"{appointment.canceled_at} | {appointment.cancel_reason} | {appointment.canceled_by}"
