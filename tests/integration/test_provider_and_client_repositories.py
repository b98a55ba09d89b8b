"""Providers and clients round-trip through the database, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace

import pytest

from adapters.sqlalchemy import Database
from domain.errors import DuplicateEmail, ProviderNotFound
from domain.model import Client, Provider
from domain.use_cases import directory


def test_a_provider_comes_back_as_it_was_stored(database: Database) -> None:
    stored = Provider("Dr. Ada", "ada@example.com", "Europe/Paris", accepts_new_clients=False)
    with database.unit_of_work() as uow:
        added = uow.providers.add(stored)
        uow.commit()
    assert added.id is not None
    with database.unit_of_work() as uow:
        assert uow.providers.get(added.id) == added
    assert added == Provider("Dr. Ada", "ada@example.com", "Europe/Paris", False, added.id)


def test_a_providers_policies_come_back_as_they_were_stored_and_changed(
    database: Database,
) -> None:
    strict = Provider(
        "Dr. Strict",
        buffer_before=10,
        buffer_after=15,
        min_notice_minutes=120,
        horizon_days=30,
        min_cancel_notice_minutes=1440,
    )
    with database.unit_of_work() as uow:
        added = uow.providers.add(strict)
        default = uow.providers.add(Provider("Dr. Default"))
        uow.commit()
    loosened = directory.update_provider(
        database.unit_of_work(), added.id or 0, {"horizon_days": None, "buffer_after": 0}
    )
    with database.unit_of_work() as uow:
        assert uow.providers.get(added.id or 0) == loosened
        assert uow.providers.get(default.id or 0) == Provider("Dr. Default", id=default.id)
    assert loosened == replace(strict, id=added.id, horizon_days=None, buffer_after=0)


def test_providers_are_listed_by_id_a_page_at_a_time_with_the_total(database: Database) -> None:
    with database.unit_of_work() as uow:
        for name in ("A", "B", "C", "D", "E"):
            uow.providers.add(Provider(name))
        uow.commit()
    with database.unit_of_work() as uow:
        page, total = uow.providers.list(offset=1, limit=2)
    assert [p.name for p in page] == ["B", "C"]
    assert [p.id for p in page] == [2, 3]
    assert total == 5


def test_an_updated_provider_is_stored_and_a_missing_one_is_not_found(database: Database) -> None:
    with database.unit_of_work() as uow:
        provider = uow.providers.add(Provider("Dr. Ada"))
        uow.providers.update(Provider("Dr. Ada L.", timezone="Asia/Tokyo", id=provider.id))
        with pytest.raises(ProviderNotFound):
            uow.providers.update(Provider("Nobody", id=999))
        uow.commit()
    with database.unit_of_work() as uow:
        assert uow.providers.get(provider.id or 0) == Provider(
            "Dr. Ada L.", timezone="Asia/Tokyo", id=provider.id
        )


def test_an_explicit_id_is_kept_and_later_ids_come_after_it(database: Database) -> None:
    with database.unit_of_work() as uow:
        seeded = uow.providers.add(Provider("Seeded", id=7))
        following = uow.providers.add(Provider("Next"))
        uow.commit()
    assert seeded.id == 7
    assert following.id is not None and following.id > 7


@pytest.mark.parametrize("impossible_id", [0, -1, 2**31, 2**70])
def test_an_id_no_row_can_have_finds_nothing(database: Database, impossible_id: int) -> None:
    with database.unit_of_work() as uow:
        assert uow.providers.get(impossible_id) is None
        assert uow.clients.get(impossible_id) is None
        assert uow.appointments.get(impossible_id) is None
        assert uow.windows.for_provider(impossible_id) == []
        assert uow.overrides.get(impossible_id) is None
        assert uow.overrides.for_provider(impossible_id) == []


def test_a_client_is_found_by_email_ignoring_case(database: Database) -> None:
    with database.unit_of_work() as uow:
        client = uow.clients.add(Client("Bea", "Bea.Smith@Example.com"))
        uow.commit()
    with database.unit_of_work() as uow:
        assert uow.clients.get_by_email("bea.smith@EXAMPLE.COM") == client
        assert uow.clients.get_by_email("someone@example.com") is None
        assert uow.clients.get(client.id or 0) == client


def test_an_email_differing_only_in_case_is_refused_by_the_database(database: Database) -> None:
    with database.unit_of_work() as uow:
        uow.clients.add(Client("Bea", "bea@example.com"))
        uow.commit()
    with database.unit_of_work() as uow, pytest.raises(DuplicateEmail):
        uow.clients.add(Client("Impostor", "BEA@example.COM"))
    with database.unit_of_work() as uow:
        assert uow.clients.list(0, 10)[1] == 1


def test_clients_are_listed_by_id_a_page_at_a_time_with_the_total(database: Database) -> None:
    with database.unit_of_work() as uow:
        for name in ("a", "b", "c"):
            uow.clients.add(Client(name, f"{name}@example.com"))
        uow.commit()
    with database.unit_of_work() as uow:
        page, total = uow.clients.list(offset=2, limit=5)
    assert [c.email for c in page] == ["c@example.com"]
    assert total == 3


def test_registering_a_client_whose_email_is_taken_is_a_duplicate_email(
    database: Database,
) -> None:
    directory.create_client(database.unit_of_work(), Client("Bea", "bea@example.com"))
    with pytest.raises(DuplicateEmail):
        directory.create_client(database.unit_of_work(), Client("Bea 2", "Bea@Example.com"))
    assert directory.list_clients(database.unit_of_work(), 0, 10)[1] == 1
