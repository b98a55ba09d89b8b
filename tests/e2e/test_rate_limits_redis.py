"""Rate limits across gunicorn's four workers, counted in the real Redis at 127.0.0.1:6379.

Concurrent requests spread over the workers; the limit holds exactly: N answered, every
other one refused, and each answer's ``RateLimit`` remaining is its own (19, 18, ... 0),
which only one shared, atomic counter gives. Each test has a key prefix of its own in Redis
and removes its keys afterwards. In one process: tests/e2e/test_rate_limits.py.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis

from tests.e2e.servers import Reply, Server, gunicorn
from tests.keys import UNKNOWN_KEY, bearer

REDIS = "redis://127.0.0.1:6379/0"
PER_KEY = 20
AUTH_FAILURES = 5
CLIENT_THREADS = 8
FIELD = re.compile(r'^"(?P<name>[a-z-]+)";r=(?P<r>\d+);t=(?P<t>\d+)$')


@pytest.fixture
def prefix() -> Iterator[str]:
    """A Redis key prefix for this test alone; its keys are deleted at the end."""
    name = f"scheduling-test-{uuid.uuid4().hex}"
    yield name
    client = redis.Redis.from_url(REDIS)
    try:
        for key in client.scan_iter(match=f"{name}*"):
            client.delete(key)
    finally:
        client.close()


@pytest.fixture
def shared(database_url: str, feed_path: Path, prefix: str) -> Iterator[Server]:
    """gunicorn -w 4 counting in Redis: 20 requests a minute per key, 5 failures per address."""
    env = {
        "RATELIMIT_STORAGE_URI": REDIS,
        "RATELIMIT_KEY_PREFIX": prefix,
        "RATELIMIT_PER_KEY": f"{PER_KEY}/minute",
        "RATELIMIT_AUTH_FAILURES": f"{AUTH_FAILURES}/minute",
    }
    with gunicorn(database_url, feed_path, env=env) as server:
        yield server


def burst(server: Server, count: int, headers: dict[str, str] | None = None) -> list[Reply]:
    """``count`` concurrent ``GET /timezones`` from CLIENT_THREADS threads."""
    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        return list(
            pool.map(lambda _: server.call("GET", "/timezones", headers=headers), range(count))
        )


def remaining(reply: Reply, policy: str) -> int:
    found = FIELD.match(reply.headers["ratelimit"])
    assert found is not None and found["name"] == policy, reply.headers["ratelimit"]
    return int(found["r"])


def written(pids: set[int]) -> dict[int, int]:
    """Bytes each process has written so far (its request log lines among them)."""
    figures = {}
    for pid in pids:
        line = next(
            x for x in Path(f"/proc/{pid}/io").read_text().splitlines() if x.startswith("wchar")
        )
        figures[pid] = int(line.split()[1])
    return figures


def test_a_key_gets_exactly_its_limit_across_four_workers_and_then_429s(shared: Server) -> None:
    workers = shared.wait_for_workers(4)
    assert len(workers) == 4
    before = written(workers)
    replies = burst(shared, PER_KEY + 10)
    after = written(workers)
    assert Counter(r.status for r in replies) == {200: PER_KEY, 429: 10}
    answered = [r for r in replies if r.status == 200]
    assert sorted(remaining(r, "key") for r in answered) == list(range(PER_KEY))
    for refused in (r for r in replies if r.status == 429):
        assert refused.content_type == "application/problem+json"
        assert refused.body["type"].endswith("/problems/rate-limited")
        assert refused.headers["ratelimit-policy"] == f'"key";q={PER_KEY};w=60'
        assert remaining(refused, "key") == 0
        assert 1 <= int(refused.headers["retry-after"]) <= 60
    served_by = [pid for pid in workers if after[pid] > before[pid]]
    assert len(served_by) >= 2, "the burst must reach more than one worker"


def test_failed_authentication_is_limited_exactly_per_address_across_four_workers(
    shared: Server,
) -> None:
    replies = burst(shared, AUTH_FAILURES + 7, headers=bearer(UNKNOWN_KEY))
    assert Counter(r.status for r in replies) == {401: AUTH_FAILURES, 429: 7}
    failures = [r for r in replies if r.status == 401]
    assert sorted(remaining(r, "auth-failures") for r in failures) == list(range(AUTH_FAILURES))
    assert all(r.headers["www-authenticate"].startswith("Bearer") for r in failures)
    refused = [r for r in replies if r.status == 429]
    assert all("failed authentication" in r.body["detail"] for r in refused)
    assert UNKNOWN_KEY not in "".join(str(r.body) + str(r.headers) for r in replies)
    without = shared.call("GET", "/timezones", headers={"Authorization": ""})
    assert without.status == 429  # no key at all is a failure too, and the budget is spent
