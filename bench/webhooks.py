"""Webhook benchmark (issue 10): booking with a subscriber, drain rate, delivery lag.

Run: ``make bench-webhooks`` (or ``.venv/bin/python -m bench.webhooks [--quick] [--db ...]``).

For each database (SQLite, then PostgreSQL), on a dataset of bench/dataset.py served by
gunicorn as shipped, with the delivery worker running and a receiver on 127.0.0.1:

1. ``POST /appointments`` driven by wrk (bench/wrk/booking.lua), in alternating rounds with the
   one webhook endpoint disabled and enabled (subscribed to ``appointment.booked``), the worker
   not yet started: the ratio of the medians is the cost of the outbox on the booking path
   (target at least 0.9). The worker then starts and delivers those events first.
2. Delivery lag under a steady 100 bookings/s: receipt time minus the event's ``occurred_at``,
   p50 and p99.
3. Drain rate: the server stopped, ``--events`` events (10,000) queued for the endpoint, one
   worker started; events per second between the first and the last receipt (target 200).

The report is written to bench/results/webhooks.md and printed.
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import sys
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, func, select
from sqlalchemy.pool import NullPool

from adapters.sqlalchemy import Database
from adapters.sqlalchemy.database import normalize_url
from adapters.sqlalchemy.tables import webhook_deliveries
from bench import databases, dataset, slots
from bench.hooks import WEBHOOK_ENV, Receiver, call, delivery_worker, paced_bookings
from bench.http import SLOT_RANGE, first_week
from bench.load import Load, Result, run, wrk_command
from bench.servers import REPO, serving
from domain.events import Event, EventType
from domain.model import Appointment
from domain.webhooks import Endpoint, new_secret

RESULTS = REPO / "bench" / "results"
NAME = "bench_webhooks"
ADMIN_URL = databases.DEFAULT_POSTGRES_ADMIN_URL


@dataclass(frozen=True)
class Options:
    databases: tuple[str, ...]
    providers: int = 200
    per_provider: int = 200
    load: Load = field(default_factory=lambda: Load(threads=2, connections=32, seconds=10))
    runs: int = 3
    slots_per_second: int = 1500
    lag_rate: float = 100.0
    lag_seconds: int = 20
    events: int = 10_000
    admin_url: str = ADMIN_URL
    output: Path = RESULTS / "webhooks.md"


@dataclass
class Figures:
    database: str
    without: list[Result] = field(default_factory=list)
    with_endpoint: list[Result] = field(default_factory=list)
    lags_ms: list[float] = field(default_factory=list)
    lag_statuses: dict[int, int] = field(default_factory=dict)
    lag_sent: int = 0
    drained: int = 0
    drain_seconds: float = 0.0

    def ratio(self) -> float:
        with_rps = statistics.median(r.rps for r in self.with_endpoint)
        return with_rps / statistics.median(r.rps for r in self.without)


def parse_options(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small data, short runs: a smoke test")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--output", type=Path, default=RESULTS / "webhooks.md")
    args = parser.parse_args(argv)
    options = Options(
        databases=("sqlite", "postgresql") if args.db == "both" else (args.db,),
        admin_url=os.environ.get("BENCH_POSTGRES_ADMIN_URL")
        or databases.DEFAULT_POSTGRES_ADMIN_URL,
        output=args.output,
    )
    if args.quick:
        options = replace(
            options,
            providers=20,
            per_provider=20,
            load=Load(threads=2, connections=8, seconds=2),
            runs=1,
            slots_per_second=300,
            lag_seconds=3,
            events=500,
        )
    return options


def _database(database: str, options: Options) -> str:
    if database == "sqlite":
        return databases.sqlite_url(RESULTS, options.providers * options.per_provider)
    return databases.create_postgres(options.admin_url, NAME)


def _booking_rounds(
    figures: Figures, base: str, hook_id: int, options: Options, now: datetime
) -> None:
    """Alternate wrk rounds without and with the endpoint enabled (round 0 warms up)."""
    per_run = options.slots_per_second * options.load.seconds
    lower, upper = first_week(now) + SLOT_RANGE[0], first_week(now) + SLOT_RANGE[1]
    ids = range(1, options.providers + 1)
    rounds = 2 * (options.runs + 1)
    lag_count = int(options.lag_rate * options.lag_seconds)
    found = slots.collect(base, ids, lower, upper, per_run * rounds + lag_count)
    figures.lag_sent = lag_count
    files = slots.write_runs(found[lag_count:], rounds, RESULTS, f"webhooks-{figures.database}")
    (RESULTS / f"webhooks-{figures.database}-lag.jsonl").write_text("\n".join(found[:lag_count]))
    log = RESULTS / f"wrk-webhooks-{figures.database}.log"
    for number in range(options.runs + 1):
        for enabled, bucket in ((False, figures.without), (True, figures.with_endpoint)):
            call(base, "PATCH", f"/webhooks/{hook_id}", {"enabled": enabled})
            slot_file = files[2 * number + int(enabled)]
            load = options.load
            command = wrk_command(
                load, base, "booking.lua", [str(slot_file.relative_to(REPO)), str(load.threads)]
            )
            state = "on" if enabled else "off"
            print(
                f"{figures.database}: round {number}/{options.runs}, endpoint {state}", flush=True
            )
            result = run(command, log)
            if number:
                bucket.append(result)


def _lag(figures: Figures, base: str, receiver: Receiver, options: Options) -> None:
    """Steady bookings; the lag of each one's event (the backlog was delivered before)."""
    bodies = (RESULTS / f"webhooks-{figures.database}-lag.jsonl").read_text().splitlines()
    events, deliveries = receiver.count(), receiver.received()
    rate = options.lag_rate
    print(f"{figures.database}: {rate:g} bookings/s for {options.lag_seconds} s", flush=True)
    figures.lag_statuses = paced_bookings(base, bodies, rate)
    receiver.wait_for(events + figures.lag_statuses.get(201, 0), timeout=120)
    figures.lags_ms = receiver.lags_ms(since=deliveries)


def _wait_drained(url: str, timeout: float = 600) -> None:
    """Wait until no delivery is pending."""
    engine = create_engine(normalize_url(url), poolclass=NullPool)
    pending = select(func.count()).select_from(webhook_deliveries)
    pending = pending.where(webhook_deliveries.c.status == "pending")
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            with engine.connect() as connection:
                if connection.execute(pending).scalar_one() == 0:
                    return
            time.sleep(0.5)
    finally:
        engine.dispose()
    raise RuntimeError(f"deliveries still pending after {timeout:.0f} s")


def _queue_events(url: str, hook_id: int, count: int, now: datetime) -> None:
    """``count`` appointment.booked events for the endpoint, written by the outbox itself."""
    database = Database(url)
    try:
        for start in range(0, count, 1000):
            with database.unit_of_work() as uow:
                uow.lock_for_writing()
                for index in range(start, min(count, start + 1000)):
                    appointment = Appointment(
                        1,
                        1,
                        now + timedelta(hours=index),
                        now + timedelta(hours=index, minutes=30),
                        created_at=now,
                        id=index + 1,
                    )
                    uow.outbox.add(
                        Event(EventType.APPOINTMENT_BOOKED, 1, appointment, occurred_at=now)
                    )
                uow.commit()
    finally:
        database.dispose()


def _drain(figures: Figures, url: str, options: Options, now: datetime) -> None:
    with Receiver().running() as receiver:
        hook = _subscribe_direct(url, receiver.url)
        _queue_events(url, hook, options.events, now)
        print(f"{figures.database}: draining {options.events:,} queued events", flush=True)
        with delivery_worker(url, RESULTS / f"worker-drain-{figures.database}.log"):
            last = receiver.wait_for(options.events, timeout=max(120, options.events / 20))
        first = min(arrived for arrived, _, _ in receiver.arrivals)
        figures.drained = receiver.count()
        figures.drain_seconds = last - first


def _subscribe_direct(url: str, receiver_url: str) -> int:
    """Disable every endpoint, then add one for ``receiver_url``, straight in the database."""
    database = Database(url)
    try:
        with database.unit_of_work() as uow:
            uow.lock_for_writing()
            endpoints, _ = uow.webhooks.list(0, 1000)
            for endpoint in endpoints:
                uow.webhooks.update(replace(endpoint, enabled=False))
            added = uow.webhooks.add(
                Endpoint(
                    receiver_url, (EventType.APPOINTMENT_BOOKED,), new_secret(), datetime.now(UTC)
                )
            )
            uow.commit()
    finally:
        database.dispose()
    assert added.id is not None
    return added.id


def measure(database: str, options: Options, now: datetime) -> Figures:
    figures = Figures(database)
    url = _database(database, options)
    try:
        print(
            f"{database}: loading {options.providers * options.per_provider:,} appointments",
            flush=True,
        )
        dataset.build(url, dataset.Spec(options.providers, options.per_provider, now))
        env = {
            "DATABASE_URL": url,
            "WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY") or "2",
            **WEBHOOK_ENV,
        }
        with (
            Receiver().running() as receiver,
            serving(
                "app", "wsgi:app", "/health", env, RESULTS / f"gunicorn-webhooks-{database}.log"
            ) as app,
        ):
            status, hook = call(
                app.url,
                "POST",
                "/webhooks",
                {"url": receiver.url, "events": ["appointment.booked"]},
            )
            assert status == 201, hook
            _booking_rounds(figures, app.url, hook["id"], options, now)
            call(app.url, "PATCH", f"/webhooks/{hook['id']}", {"enabled": True})
            with delivery_worker(url, RESULTS / f"worker-{database}.log"):
                _wait_drained(url)  # the rounds' events, before the lag is measured
                _lag(figures, app.url, receiver, options)
        _drain(figures, url, options, now)
    finally:
        if database == "postgresql":
            databases.drop_postgres(options.admin_url, NAME)
    return figures


_HEADER = (
    "| database | POST/s without | POST/s with one endpoint | ratio (target >= 0.9) "
    "| lag p50 ms | lag p99 ms | 201s at 100/s | drain events/s (target >= 200) |"
)


def _row(f: Figures) -> str:
    without = statistics.median(r.rps for r in f.without)
    with_rps = statistics.median(r.rps for r in f.with_endpoint)
    p50 = statistics.median(f.lags_ms) if f.lags_ms else float("nan")
    p99 = f.lags_ms[int(0.99 * (len(f.lags_ms) - 1))] if f.lags_ms else float("nan")
    drain = (f.drained - 1) / f.drain_seconds if f.drain_seconds else float("nan")
    return (
        f"| {f.database} | {without:.0f} | {with_rps:.0f} | {f.ratio():.2f} | {p50:.0f} "
        f"| {p99:.0f} | {f.lag_statuses.get(201, 0)} of {f.lag_sent} | {drain:.0f} |"
    )


def render(measured: list[Figures], options: Options, command: str) -> str:
    load = options.load
    settings = (
        f"Settings: {options.providers} providers x {options.per_provider} appointments; "
        f"wrk -t{load.threads} -c{load.connections} -d{load.seconds}s, {options.runs} rounds "
        f"each way after a warm-up; {options.lag_rate:g} bookings/s for {options.lag_seconds} s; "
        f"{options.events:,} events drained by one worker (8 threads)."
    )
    rows = [_row(f) for f in measured]
    return "\n".join(
        [
            "# Webhook benchmark",
            "",
            f"`{command}`",
            "",
            _HEADER,
            "|---" * 8 + "|",
            *rows,
            "",
            settings,
        ]
    )


def main(argv: list[str] | None = None) -> None:
    options = parse_options(argv)
    RESULTS.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC).replace(microsecond=0)
    command = shlex.join([Path(sys.executable).name, "-m", "bench.webhooks", *sys.argv[1:]])
    began = time.perf_counter()
    measured = [measure(database, options, now) for database in options.databases]
    text = render(measured, options, command)
    options.output.write_text(text + "\n")
    print(text)
    print(f"\n(written to {options.output}; {time.perf_counter() - began:.0f} s)")


if __name__ == "__main__":
    main()
