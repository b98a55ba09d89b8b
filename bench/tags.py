"""Current ETags of availability answers, for the 304 load (If-None-Match).

Fetched from the served app just before each 304 run, so every tag is current when wrk sends
it; a tag gone stale meanwhile (a booking through the POST load) answers 200 and is counted.
"""

from __future__ import annotations

import random
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

from bench import keys
from bench.slots import FETCHERS, stamp

WEEK = timedelta(weeks=1)
#: (provider, week) pairs asked about in each 304 run; wrk cycles through them.
PAIRS = 1000


def week_path(provider_id: int, lower: datetime) -> str:
    """The GET availability path for one provider and one week, as the GET load asks it."""
    query = urlencode({"from": stamp(lower), "to": stamp(lower + WEEK)})
    return f"/providers/{provider_id}/availabilities?{query}"


def current_tag(base_url: str, path: str) -> str:
    """The ETag header of a full answer, quoted as it is sent back."""
    with urllib.request.urlopen(keys.authorized(base_url + path), timeout=30) as response:
        tag = response.headers["ETag"]
    if not tag:
        raise RuntimeError(f"no ETag on {path}")
    return str(tag)


def write_tags(
    base_url: str, providers: int, first_week: datetime, weeks: int, path: Path, seed: int
) -> Path:
    """``PAIRS`` random (provider, week) paths and their current tags, one ``path tag`` a line."""
    rng = random.Random(seed)
    paths = [
        week_path(rng.randint(1, providers), first_week + WEEK * rng.randrange(weeks))
        for _ in range(PAIRS)
    ]
    with ThreadPoolExecutor(FETCHERS) as pool:
        tags = list(pool.map(lambda p: current_tag(base_url, p), paths))
    path.write_text("".join(f"{p} {t}\n" for p, t in zip(paths, tags, strict=True)))
    return path
