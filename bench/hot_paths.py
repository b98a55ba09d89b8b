"""In-process profile of the two hot paths: one provider's free time (GET) and a booking (POST).

Run: ``.venv/bin/python -m bench.hot_paths URL [--requests N] [--profile get|post] >/dev/null``
against a copy of a database ``make bench-http`` loaded (bench/dataset.py; it keeps the SQLite
files in bench/results/): bookings change it. The app is built as gunicorn builds it (JSON log
lines on stdout, metrics in multiprocess mode), and each request is a prepared WSGI environ
handed to the app directly: what is timed is the app's CPU per request, without HTTP parsing
or sockets. Every provider is asked once first, so the schedule caches are warm as under load.
Bookings go to free slots found through the GET, four weeks ahead. Figures go to stderr; with
``--profile`` also cProfile's top functions, and the stats to $TMPDIR/hot-paths-{get,post}.prof.
Each path runs twice, once with its API key checked and once ``-keyless`` (authentication
skipped, every scope held), so the cost of access control is a ratio of one run (issue 19).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime, timedelta
from typing import Any

from werkzeug.test import EnvironBuilder

from bench import keys
from bench.dataset import Spec
from bench.servers import UNREACHED_RATELIMITS
from bench.slots import stamp
from domain.access import SCOPES, Grant

Environ = dict[str, Any]
_KEY = keys.headers()


def build_app(url: str) -> Any:
    """The app as served: JSON logs on stdout, metrics in multiprocess mode."""
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="hot-paths-")
    from app import create_app  # after the environment is set, as gunicorn.conf.py does
    from app.config import Config

    keys.grant(url)
    return create_app(Config.from_env({"DATABASE_URL": url, **UNREACHED_RATELIMITS}))


def get_environ(rng: random.Random, provider_id: int) -> Environ:
    """A GET of one of the next 50 weeks of the provider's free time, as bench/wrk does."""
    monday = Spec().first_monday + timedelta(weeks=53)
    lower = datetime(monday.year, monday.month, monday.day, tzinfo=UTC)
    lower += timedelta(weeks=rng.randrange(50))
    query = {"from": stamp(lower), "to": stamp(lower + timedelta(weeks=1))}
    path = f"/providers/{provider_id}/availabilities"
    return EnvironBuilder(path=path, query_string=query, headers=_KEY).get_environ()


def gets(rng: random.Random, args: argparse.Namespace) -> list[Environ]:
    return [get_environ(rng, rng.randint(1, args.providers)) for _ in range(args.requests)]


def post_environs(app: Any, count: int, rng: random.Random, providers: int) -> list[Environ]:
    """POSTs of distinct free 30-minute slots (client p books provider p: bench/dataset.py)."""
    lower = datetime.now(UTC).replace(microsecond=0, second=0, minute=0) + timedelta(weeks=4)
    bodies: list[dict[str, Any]] = []
    client = app.test_client()
    for provider in rng.sample(range(1, providers + 1), providers):
        if len(bodies) >= count:
            break
        query = {"from": stamp(lower), "to": stamp(lower + timedelta(weeks=4)), "duration": 30}
        path = f"/providers/{provider}/availabilities"
        answer = client.get(path, query_string=query, headers=_KEY)
        for slot in answer.get_json()["availabilities"][::2][:5]:
            bodies.append({"client_id": provider, "provider_id": provider, **slot})
    rng.shuffle(bodies)  # providers in random order, as under load
    return [
        EnvironBuilder(path="/appointments", method="POST", json=body, headers=_KEY).get_environ()
        for body in bodies[:count]
    ]


@contextmanager
def keyless() -> Iterator[None]:
    """Authentication skipped, every request holding every scope: the cost without a key."""
    from app.access import authentication

    real = authentication._authenticate
    authentication._authenticate = lambda: Grant(0, frozenset(SCOPES))
    try:
        yield
    finally:
        authentication._authenticate = real


def serve(app: Any, environs: list[Environ]) -> tuple[float, dict[int, int]]:
    """CPU seconds per request over ``environs``, and the statuses answered."""
    statuses: dict[int, int] = {}

    def start_response(status: str, _headers: Any, _exc: Any = None) -> Callable[..., Any]:
        code = int(status.split()[0])
        statuses[code] = statuses.get(code, 0) + 1
        return lambda _data: None

    started = time.process_time()
    for environ in environs:
        body = app(environ, start_response)
        b"".join(body)
        getattr(body, "close", lambda: None)()
    return (time.process_time() - started) / len(environs), statuses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--providers", type=int, default=1000)
    parser.add_argument("--profile", choices=("get", "post"))
    args = parser.parse_args()
    rng = random.Random(7)
    app = build_app(args.url)
    posts = post_environs(app, 2 * args.requests, rng, args.providers)
    loads = {  # each "-keyless" load the same kind of requests, in the same run
        "get-keyless": gets(random.Random(11), args),
        "get": gets(random.Random(11), args),
        "post": posts[::2],
        "post-keyless": posts[1::2],
    }
    warm = [get_environ(rng, provider) for provider in range(1, args.providers + 1)]
    serve(app, warm)  # every provider's schedule cached, as after a few seconds of load
    for name, environs in loads.items():
        profiler = cProfile.Profile() if args.profile == name else None
        if profiler is not None:
            profiler.enable()
        with keyless() if name.endswith("-keyless") else nullcontext():
            cpu, statuses = serve(app, environs)
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(f"{tempfile.gettempdir()}/hot-paths-{name}.prof")
            text = io.StringIO()
            stats = pstats.Stats(profiler, stream=text).sort_stats("cumulative")
            stats.print_stats(60)
            print(text.getvalue(), file=sys.stderr)
        figures = {"path": name, "cpu_ms": round(cpu * 1000, 3), "statuses": statuses}
        print(json.dumps(figures), file=sys.stderr)


if __name__ == "__main__":
    main()
