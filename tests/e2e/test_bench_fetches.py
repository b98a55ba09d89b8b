"""The benchmark's own HTTP fetches (free slots, current ETags) authenticate with the run's key.

``make bench-http`` asks the served app for free windows and ETags before it drives wrk;
when access control landed those fetches kept calling without a key and the run stopped at
its first 401. Here they run against the shipped gunicorn with the key the benchmark grants.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import keys
from bench.slots import free_windows
from bench.tags import current_tag, week_path
from tests.e2e.load import booking_day, open_providers
from tests.e2e.servers import gunicorn


def test_the_benchmarks_fetches_send_the_key_it_grants(database_url: str, feed_path: Path) -> None:
    keys.grant(database_url)
    with gunicorn(database_url, feed_path, workers=1) as server:
        (provider,) = open_providers(server, feed_path)
        day = booking_day()
        lower = datetime(day.year, day.month, day.day, tzinfo=UTC)
        windows = free_windows(server.base, provider, lower, lower + timedelta(days=1))
        assert windows == [(lower + timedelta(hours=8), lower + timedelta(hours=20))]
        tag = current_tag(server.base, week_path(provider, lower))
        again = server.call("GET", week_path(provider, lower), headers={"If-None-Match": tag})
        assert again.status == 304, again
