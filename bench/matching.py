"""Benchmark of provider matching (issue 20), in process, on SQLite or PostgreSQL.

Run: ``make bench-matching`` (``BENCH_ARGS="--db postgresql"`` for PostgreSQL, on a database
it creates through ``BENCH_POSTGRES_ADMIN_URL`` and drops). For 1,000 and then 10,000
providers, loads that many with the issue's profile shape (3 of 20 specialties, 1-3 of 8
languages, 1-3 of 10 regions, 2-6 of 15 payers, 1-3 modalities, 2-4 of 8 offered types) and a
working week each, then prints p50s of: resolving the filter alone (the matching providers' rows), a
filtered week search, the same search over the matched providers named by id, and an unfiltered
week search with ``limit=100``. Each search runs warm (plans kept after their second miss).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from adapters.clock import SystemClock
from adapters.sqlalchemy import Database
from adapters.sqlalchemy.migrate import upgrade
from adapters.sqlalchemy.tables import (
    appointment_types,
    provider_appointment_types,
    provider_attributes,
    providers,
    weekly_windows,
)
from bench import databases
from domain.profiles import Filters
from domain.use_cases.matching import match_providers
from domain.use_cases.roster import search_free_slots

RESULTS = Path(__file__).resolve().parent / "results"

SHAPE = {
    "specialty": ([f"s{n}" for n in range(20)], (3, 3)),
    "language": (["en", "es", "fr", "de", "pt", "zh", "vi", "ar"], (1, 3)),
    "region": (
        [f"US-{c}" for c in ("TX", "NM", "CA", "NY", "FL", "WA", "OR", "AZ", "CO", "IL")],
        (1, 3),
    ),
    "payer": ([f"p{n}" for n in range(15)], (2, 6)),
    "modality": (["in_person", "video", "phone"], (1, 3)),
}


def load(database: Database, count: int) -> None:
    rng = random.Random(20)
    people = [
        {"id": n, "name": f"P{n}", "timezone": "UTC", "accepts_new_clients": True}
        for n in range(1, count + 1)
    ]
    codes = [
        {"provider_id": p["id"], "kind": kind, "code": code}
        for p in people
        for kind, (values, (low, high)) in SHAPE.items()
        for code in rng.sample(values, rng.randint(low, high))
    ]
    kinds = [
        {"id": n, "name": f"T{n}", "durations": "60", "modality": "video", "clients": "any"}
        for n in range(1, 9)
    ]
    offers = [
        {"provider_id": p["id"], "appointment_type_id": t}
        for p in people
        for t in rng.sample(range(1, 9), rng.randint(2, 4))
    ]
    week = [
        {
            "provider_id": p["id"],
            "source": "api",
            "external_id": f"d{d}",
            "start_day": d,
            "start_minute": 540,
            "end_day": d,
            "end_minute": 1020,
        }
        for p in people
        for d in range(5)
    ]
    with database.engine.begin() as connection:
        for table, rows in (
            (providers, people),
            (provider_attributes, codes),
            (appointment_types, kinds),
            (provider_appointment_types, offers),
            (weekly_windows, week),
        ):
            for start in range(0, len(rows), 5000):
                connection.execute(insert(table), rows[start : start + 5000])


def p50(run: Callable[[], Any], times: int) -> float:
    spent = []
    for _ in range(times):
        began = time.perf_counter()
        run()
        spent.append((time.perf_counter() - began) * 1000)
    return statistics.median(spent)


def measure(url: str, count: int) -> None:
    """Load ``count`` providers into the empty database at ``url`` and print the p50s."""
    upgrade(url)
    database = Database(url)
    load(database, count)
    clock, unit = SystemClock(), database.unit_of_work
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    monday = today + timedelta(days=7 - today.weekday())
    week = {"lower": monday, "upper": monday + timedelta(days=7), "duration": timedelta(hours=1)}
    # Spanish and licensed in Texas (or New Mexico, on a smaller roster): about 100 of 1,000
    # providers match, and 500 of 10,000, as the targets ask.
    regions = {"US-TX"} if count > 1000 else {"US-TX", "US-NM"}
    filters = Filters(languages=frozenset({"es"}), licensed_regions=frozenset(regions))

    def resolve() -> list[Any]:
        with unit() as uow:
            return uow.profiles.matching(filters, None)

    ids = [p.id for p in resolve() if p.id is not None]

    def filtered() -> Any:
        matched = match_providers(unit(), filters, None, week["duration"])[0]
        return search_free_slots(unit(), clock, **week, matched=matched)

    by_id = lambda: search_free_slots(unit(), clock, **week, provider_ids=ids)  # noqa: E731
    everyone = lambda: search_free_slots(unit(), clock, **week, limit=100)  # noqa: E731
    for warm in (filtered, by_id, everyone):
        warm(), warm()
    print(f"providers {count}, matching {len(ids)} ({database.engine.dialect.name})")
    print(f"filtering alone p50 {p50(resolve, 200):.2f} ms")
    searched, named = p50(filtered, 30), p50(by_id, 30)
    print(f"filtered week search p50 {searched:.2f} ms")
    print(f"same providers by id p50 {named:.2f} ms (filtered / by id {searched / named:.2f}x)")
    print(f"unfiltered week search limit=100 p50 {p50(everyone, 30):.1f} ms", flush=True)
    database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--providers", type=int, nargs="+", default=[1000, 10_000])
    args = parser.parse_args()
    admin = os.environ.get("BENCH_POSTGRES_ADMIN_URL") or databases.DEFAULT_POSTGRES_ADMIN_URL
    RESULTS.mkdir(parents=True, exist_ok=True)
    for count in args.providers:
        name = f"matching_{count}"
        if args.db == "sqlite":
            measure(databases.sqlite_url(RESULTS, name), count)
            continue
        try:
            measure(databases.create_postgres(admin, databases.postgres_name(name)), count)
        finally:
            databases.drop_postgres(admin, databases.postgres_name(name))


if __name__ == "__main__":
    main()
