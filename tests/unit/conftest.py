"""Unit tests run on in-memory fakes of the ports; no framework is imported here."""

from __future__ import annotations

import pytest

from domain.model import Client, Provider
from tests.unit.builders import utc, window
from tests.unit.fakes import FakeUnitOfWork, FixedClock


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(utc("2026-03-01 12:00"))  # a Sunday; the Monday after is 2026-03-02


@pytest.fixture
def uow() -> FakeUnitOfWork:
    """Provider 1 is available Mondays 09:00-12:00 and 13:00-14:00 (UTC).

    Provider 2 is closed to new clients and provider 3 open, both Mondays 09:00-17:00.
    Clients 1 and 2 exist.
    """
    uow = FakeUnitOfWork()
    uow.providers.add(Provider("Dr. Ada Lovelace", "ada@example.com", "UTC"))
    uow.providers.add(Provider("Dr. Closed", "closed@example.com", accepts_new_clients=False))
    uow.providers.add(Provider("Dr. Open", "open@example.com"))
    uow.clients.add(Client("Grace", "grace@example.com"))
    uow.clients.add(Client("Alan", "alan@example.com"))
    uow.windows.add(window("monday", "09:00", "monday", "12:00", ext="morning"))
    uow.windows.add(window("monday", "13:00", "monday", "14:00", ext="afternoon"))
    for provider_id in (2, 3):
        uow.windows.add(window("monday", "09:00", "monday", "17:00", provider_id, ext="day"))
    return uow
