"""Matching providers is indexed SQL (docs/QUERY_PLANS.md, "Matching providers"): each filter
is a range scan of ix_provider_attributes_kind_code_provider_id, which holds the provider ids,
and the type one of the offers' index; no provider's schedule is read."""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy import Connection, insert, text

from adapters.sqlalchemy import Database
from adapters.sqlalchemy.matching import matching_providers
from adapters.sqlalchemy.tables import (
    appointment_types,
    provider_appointment_types,
    provider_attributes,
    providers,
)
from domain.profiles import Filters
from tests.integration.test_query_plans import _explaining

PROVIDERS = 1000
INDEX = "ix_provider_attributes_kind_code_provider_id"
#: Codes of each kind, and how many a provider draws (the benchmark's shape, issue 20).
SHAPE = {
    "specialty": ([f"s{n}" for n in range(20)], (3, 3)),
    "language": (["en", "es", "fr", "de", "pt", "zh", "vi", "ar"], (1, 3)),
    "region": (
        [f"US-{c}" for c in ["TX", "NM", "CA", "NY", "FL", "WA", "OR", "AZ", "CO", "IL"]],
        (1, 3),
    ),
    "payer": ([f"p{n}" for n in range(15)], (2, 6)),
    "modality": (["in_person", "video", "phone"], (1, 3)),
}
FILTERS = Filters(
    languages=frozenset({"es"}),
    licensed_regions=frozenset({"US-TX"}),
    payers=frozenset({"p1", "p2"}),
    appointment_type_id=3,
)


def _populate(connection: Connection) -> None:
    chance = random.Random(20)
    people = [
        {"id": n, "name": f"P{n}", "timezone": "UTC", "accepts_new_clients": True}
        for n in range(1, PROVIDERS + 1)
    ]
    connection.execute(insert(providers), people)
    codes = [
        {"provider_id": p["id"], "kind": kind, "code": code}
        for p in people
        for kind, (values, (low, high)) in SHAPE.items()
        for code in chance.sample(values, chance.randint(low, high))
    ]
    connection.execute(insert(provider_attributes), codes)
    kinds = [
        {"id": n, "name": f"T{n}", "durations": "60", "modality": "video", "clients": "any"}
        for n in range(1, 9)
    ]
    connection.execute(insert(appointment_types), kinds)
    offers = [
        {"provider_id": p["id"], "appointment_type_id": t}
        for p in people
        for t in chance.sample(range(1, 9), chance.randint(2, 4))
    ]
    connection.execute(insert(provider_appointment_types), offers)
    connection.execute(text("ANALYZE"))


def _plan(connection: Connection, statement: Any, params: dict[str, Any]) -> str:
    sqlite = connection.dialect.name == "sqlite"
    with _explaining(connection, "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "):
        rows = connection.execute(statement, params).all()
    return "\n".join(str(row[-1]) for row in rows)


def test_matching_reads_only_the_attribute_and_offer_indexes(database: Database) -> None:
    with database.engine.begin() as connection:
        _populate(connection)
    with database.engine.connect() as connection:
        statement, params = matching_providers(FILTERS, None)
        plan = _plan(connection, statement, params)
        matched = [row.id for row in connection.execute(statement, params)]
    print(plan)  # docs/QUERY_PLANS.md shows it
    assert INDEX in plan  # the most selective filter drives; the others probe an index too
    assert "weekly_windows" not in plan and "appointments " not in plan
    for table in ("provider_attributes", "provider_appointment_types"):
        assert f"Seq Scan on {table}" not in plan and f"SCAN {table}" not in plan
    assert 0 < len(matched) < PROVIDERS // 10
