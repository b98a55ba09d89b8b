"""Benchmark of provider matching (issue 20), in process, on SQLite or PostgreSQL.

Run: ``.venv/bin/python -m bench.matching URL [--providers 1000]`` on an empty database. Loads
that many providers with the issue's profile shape (3 of 20 specialties, 1-3 of 8 languages,
1-3 of 10 regions, 2-6 of 15 payers, 1-3 modalities, 2-4 of 8 offered types) and a working
week each, then prints p50s of: resolving the filter alone (``match_providers``), a filtered
week search, the same search over the matched providers named by id, and an unfiltered week
search with ``limit=100``. Each search runs warm (plans kept after their second miss).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
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
from domain.profiles import Filters
from domain.use_cases.matching import match_providers
from domain.use_cases.roster import search_free_slots

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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--providers", type=int, default=1000)
    args = parser.parse_args()
    upgrade(args.url)
    database = Database(args.url)
    load(database, args.providers)
    clock, unit = SystemClock(), database.unit_of_work
    monday = datetime(2026, 12, 7, tzinfo=UTC)
    week = {"lower": monday, "upper": monday + timedelta(days=7), "duration": timedelta(hours=1)}
    wide = args.providers > 1000
    filters = Filters(
        languages=frozenset({"es", "fr"} if wide else {"es"}),
        payers=frozenset({"p1", "p2"} if wide else {"p1"}),
    )
    matched, _ = match_providers(unit(), filters, None, week["duration"])
    ids = list(matched.provider_ids)

    def filtered() -> Any:
        matched = match_providers(unit(), filters, None, week["duration"])[0]
        return search_free_slots(unit(), clock, **week, matched=matched)

    by_id = lambda: search_free_slots(unit(), clock, **week, provider_ids=ids[:1000])  # noqa: E731
    everyone = lambda: search_free_slots(unit(), clock, **week, limit=100)  # noqa: E731
    for warm in (filtered, by_id, everyone):
        warm(), warm()
    print(f"providers {args.providers}, matching {len(ids)} ({database.engine.dialect.name})")
    alone = p50(lambda: match_providers(unit(), filters, None, week["duration"]), 200)
    print(f"filtering alone p50 {alone:.2f} ms")
    print(f"filtered week search p50 {p50(filtered, 30):.1f} ms")
    print(f"same providers by id p50 {p50(by_id, 30):.1f} ms")
    print(f"unfiltered week search limit=100 p50 {p50(everyone, 30):.1f} ms")
    database.dispose()


if __name__ == "__main__":
    main()
