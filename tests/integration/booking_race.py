"""The process side of the booking race (test_booking_race.py): importable under "spawn"."""

from __future__ import annotations

from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from threading import BrokenBarrierError

from sqlalchemy.exc import SQLAlchemyError

from adapters.sqlalchemy import Database
from domain import errors, services
from tests.integration.support import FixedClock, at

SLOT = (at(7, 10), at(7, 11))
Outcome = tuple[str, str]


def book_the_contested_slot(
    url: str, provider_id: int, client_id: int, start: Barrier, outcomes: Queue[Outcome]
) -> None:
    """Get ready, wait for every rival, then try to book SLOT; report what happened."""
    database = Database(url)
    try:
        database.ping()  # connect and warm up before the start line
        start.wait(timeout=60)
        booked = services.book(database.unit_of_work(), FixedClock(), client_id, provider_id, *SLOT)
        outcomes.put(("booked", str(booked.id)))
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
