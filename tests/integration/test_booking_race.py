"""16 processes book the same slot at once: exactly one wins, on each database."""

from __future__ import annotations

import multiprocessing
import time
from collections import Counter

from adapters.sqlalchemy import Database
from domain.model import Client
from domain.ports import AppointmentSearch
from tests.integration.booking_race import SLOT, Outcome, book_the_contested_slot
from tests.integration.support import open_practice

RIVALS = 16
DEADLINE_S = 90


def _clients(database: Database, count: int) -> list[int]:
    with database.unit_of_work() as uow:
        ids = [
            uow.clients.add(Client(f"Rival {n}", f"rival{n}@example.com")).id for n in range(count)
        ]
        uow.commit()
    return [client_id or 0 for client_id in ids]


def _race(url: str, provider_id: int, client_ids: list[int]) -> list[Outcome]:
    context = multiprocessing.get_context("spawn")
    start, outcomes = context.Barrier(len(client_ids)), context.Queue()
    rivals = [
        context.Process(
            target=book_the_contested_slot, args=(url, provider_id, client_id, start, outcomes)
        )
        for client_id in client_ids
    ]
    for rival in rivals:
        rival.start()
    deadline = time.monotonic() + DEADLINE_S
    try:
        results = [outcomes.get(timeout=max(deadline - time.monotonic(), 0.1)) for _ in rivals]
        for rival in rivals:
            rival.join(timeout=max(deadline - time.monotonic(), 0.1))
        assert [rival.exitcode for rival in rivals] == [0] * len(rivals)
        return results
    finally:
        for rival in rivals:
            if rival.is_alive():
                rival.terminate()


def test_of_sixteen_processes_booking_one_slot_exactly_one_succeeds(
    database: Database, database_url: str
) -> None:
    practice = open_practice(database)
    results = _race(database_url, practice.provider_id, _clients(database, RIVALS))
    kinds = Counter(kind for kind, _ in results)
    assert kinds == {"booked": 1, "conflict": RIVALS - 1}, results
    with database.unit_of_work() as uow:
        stored, total = uow.appointments.search(AppointmentSearch(), 0, RIVALS)
    assert total == 1
    assert (stored[0].starts_at, stored[0].ends_at) == SLOT
    assert str(stored[0].id) == next(detail for kind, detail in results if kind == "booked")
