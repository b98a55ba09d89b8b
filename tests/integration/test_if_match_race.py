"""If-Match is checked under the provider's lock: two desks that read the same provider
cannot both change it, on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from adapters.sqlalchemy import Database
from domain import errors
from domain.model import Provider
from domain.use_cases.directory import create_provider, get_provider, update_provider


def test_two_updates_expecting_the_same_provider_cannot_both_succeed(database: Database):
    original = create_provider(database.unit_of_work(), Provider("Dr. Ada Lovelace"))
    assert original.id is not None

    def unchanged(current: Provider) -> bool:
        time.sleep(0.3)  # both desks would pass the check here if it were not serialized
        return current == original

    def desk(name: str) -> str:
        try:
            update_provider(database.unit_of_work(), original.id, {"name": name}, unchanged)
        except errors.PreconditionFailed:
            return "refused"
        return "changed"

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(desk, ["Dr. First Desk", "Dr. Second Desk"]))
    assert outcomes == ["changed", "refused"]
    assert get_provider(database.unit_of_work(), original.id).name in {
        "Dr. First Desk",
        "Dr. Second Desk",
    }
