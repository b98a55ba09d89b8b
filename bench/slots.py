"""Free slots for the booking load, found by asking the served app for free windows.

Each provider's free windows over a future range (GET /providers/{id}/availabilities) are
cut into consecutive 30-60 minute slots; client ``p`` books provider ``p`` (bench/dataset.py),
so no slot conflicts with the client's other appointments either. The slots are shuffled
and split into one file per run: every slot is booked at most once in the whole benchmark.
"""

from __future__ import annotations

import json
import math
import random
import urllib.request
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

from bench import keys
from bench.dataset import ZONES

LENGTHS = (30, 45, 60)
FETCHERS = 4
#: Pool bookings name five providers of one zone: bench/dataset.py gives provider p the zone
#: ZONES[p % len(ZONES)], so ids that far apart share it.
POOL, ZONE_STRIDE = 5, len(ZONES)


def stamp(moment: datetime) -> str:
    """An instant as the API writes it: UTC with a ``Z``."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def free_windows(
    base_url: str, provider_id: int, lower: datetime, upper: datetime
) -> list[tuple[datetime, datetime]]:
    """The provider's free windows in ``[lower, upper)``, from the GET endpoint."""
    query = urlencode({"from": stamp(lower), "to": stamp(upper)})
    url = f"{base_url}/providers/{provider_id}/availabilities?{query}"
    with urllib.request.urlopen(keys.authorized(url), timeout=30) as response:
        body = json.load(response)
    return [
        (datetime.fromisoformat(w["starts_at"]), datetime.fromisoformat(w["ends_at"]))
        for w in body["availabilities"]
    ]


def cut(start: datetime, end: datetime, rng: random.Random) -> Iterator[tuple[datetime, datetime]]:
    """Consecutive, non-overlapping slots of 30, 45 or 60 minutes from ``start`` to ``end``."""
    while True:
        slot_end = start + timedelta(minutes=rng.choice(LENGTHS))
        if slot_end > end:
            return
        yield start, slot_end
        start = slot_end


def booking(provider_id: int, start: datetime, end: datetime) -> str:
    """The POST /appointments body for this slot, on one line."""
    return json.dumps(
        {
            "client_id": provider_id,
            "provider_id": provider_id,
            "starts_at": stamp(start),
            "ends_at": stamp(end),
        },
        separators=(",", ":"),
    )


def pool_booking(provider_id: int, start: datetime, end: datetime, providers: int) -> str:
    """The same slot booked by client ``provider_id`` from a pool of five providers in the
    provider's zone (ids ``ZONE_STRIDE`` apart, bench/dataset.py), the provider first."""
    pool = [(provider_id - 1 + n * ZONE_STRIDE) % providers + 1 for n in range(POOL)]
    body = json.loads(booking(provider_id, start, end))
    del body["provider_id"]
    return json.dumps({**body, "provider_ids": pool}, separators=(",", ":"))


def provider_bookings(
    base_url: str,
    provider_id: int,
    lower: datetime,
    upper: datetime,
    cap: int,
    pool_of: int | None = None,
) -> list[str]:
    """Up to ``cap`` bookings of distinct free slots of one provider, chosen at random;
    with ``pool_of`` (the provider count), as pool bookings (``pool_booking``)."""
    rng = random.Random(provider_id)
    slots = [
        booking(provider_id, *slot)
        if pool_of is None
        else pool_booking(provider_id, *slot, pool_of)
        for window in free_windows(base_url, provider_id, lower, upper)
        for slot in cut(*window, rng)
    ]
    return rng.sample(slots, min(cap, len(slots)))


def collect(
    base_url: str,
    provider_ids: Sequence[int],
    lower: datetime,
    upper: datetime,
    needed: int,
    pools: bool = False,
) -> list[str]:
    """At least ``needed`` bookings if the providers have them, spread over the providers;
    with ``pools``, as pool bookings of five providers."""
    pool_of = len(provider_ids) if pools else None
    cap = math.ceil(1.25 * needed / len(provider_ids))
    order = random.Random(len(provider_ids)).sample(list(provider_ids), len(provider_ids))
    found: list[str] = []
    with ThreadPoolExecutor(FETCHERS) as pool:
        for bookings in pool.map(
            lambda p: provider_bookings(base_url, p, lower, upper, cap, pool_of), order
        ):
            found += bookings
    random.Random(needed).shuffle(found)
    return found


def write_runs(bookings: list[str], runs: int, directory: Path, prefix: str) -> list[Path]:
    """Split ``bookings`` into ``runs`` files of equal size, one body per line."""
    size = len(bookings) // runs
    paths = []
    for run in range(runs):
        path = directory / f"{prefix}-slots-{run}.jsonl"
        path.write_text("\n".join(bookings[run * size : (run + 1) * size]) + "\n")
        paths.append(path)
    return paths
