"""SQLite: what an audited read's append costs, in the database or in a file beside it.

Run: ``.venv/bin/python -m bench.audit_lock [--seconds 5] [--hold-ms 5]``. One thread books
as the service does (BEGIN IMMEDIATE, the booking's work held ``--hold-ms``, COMMIT, then
``--hold-ms`` until the next), another serves reads, each appending its audit event (one
autocommitted INSERT) either into the database itself or into the audit file; the pragmas
are the service's (WAL, synchronous FULL). Prints the bookings per second and the appends'
latency for: bookings alone, with appends in the database, with appends in the audit file.
docs/DECISIONS.md, "Audit trail", quotes its figures.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import tempfile
import threading
import time
from pathlib import Path

_EVENT = (
    "INSERT INTO audit_events (occurred_at, key_id, request_id, operation_id, resource, "
    "resource_ids, outcome, status) VALUES ('2026-12-03 10:00:00', 1, 'r', 'getAppointment', "
    "'appointment', '7', 'ok', 200)"
)
_TABLE = (
    "CREATE TABLE IF NOT EXISTS audit_events (id INTEGER PRIMARY KEY, occurred_at TEXT, "
    "key_id INTEGER, request_id TEXT, operation_id TEXT, resource TEXT, resource_ids TEXT, "
    "outcome TEXT, status INTEGER)"
)


def connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=10, isolation_level=None, check_same_thread=False)
    for pragma in ("journal_mode = WAL", "synchronous = FULL", "busy_timeout = 10000"):
        connection.execute(f"PRAGMA {pragma}")
    connection.execute(_TABLE)
    connection.execute("CREATE TABLE IF NOT EXISTS booked (id INTEGER PRIMARY KEY, at TEXT)")
    return connection


def book_until(path: Path, stop: threading.Event, hold: float, done: list[int]) -> None:
    connection = connect(path)
    while not stop.is_set():
        time.sleep(hold)  # the time between bookings: the lock is held about half the time
        connection.execute("BEGIN IMMEDIATE")
        time.sleep(hold)  # the booking's reads and checks, under the lock
        connection.execute("INSERT INTO booked (at) VALUES ('x')")
        connection.execute("COMMIT")
        done[0] += 1


def read_until(path: Path, stop: threading.Event, latencies: list[float]) -> None:
    connection = connect(path)
    while not stop.is_set():
        started = time.perf_counter()
        connection.execute(_EVENT)
        latencies.append(time.perf_counter() - started)
        time.sleep(0.001)  # the read's own work, without the lock


def run(directory: Path, target: str | None, seconds: float, hold: float) -> None:
    database = directory / "scheduling.sqlite3"
    stop, done, latencies = threading.Event(), [0], []  # type: ignore[var-annotated]
    threads = [threading.Thread(target=book_until, args=(database, stop, hold, done))]
    if target is not None:
        audit = database if target == "database" else directory / "scheduling-audit.sqlite3"
        threads.append(threading.Thread(target=read_until, args=(audit, stop, latencies)))
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    line = f"{target or 'no reads':>9}: {done[0] / seconds:7.1f} bookings/s"
    if latencies:
        ms = sorted(x * 1000 for x in latencies)
        p99 = ms[int(len(ms) * 0.99)]
        line += f", {len(ms) / seconds:7.1f} appends/s, p50 {statistics.median(ms):.2f} ms"
        line += f", p99 {p99:.2f} ms, max {ms[-1]:.2f} ms"
    print(line)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--hold-ms", type=float, default=5.0)
    args = parser.parse_args()
    for target in (None, "database", "file"):
        with tempfile.TemporaryDirectory() as directory:
            run(Path(directory), target, args.seconds, args.hold_ms / 1000)


if __name__ == "__main__":
    main()
