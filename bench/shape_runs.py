"""The dataset shapes in bench/http.py's run: built, served and driven beside the 1M dataset.

Each shape (bench/shapes.py) gets its own database and its own gunicorn; its loads
(bench/shape_loads.py) join every round of bench/http.py, after the existing targets.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine, func, select
from sqlalchemy.pool import NullPool

from adapters.sqlalchemy.database import normalize_url
from adapters.sqlalchemy.tables import appointments
from bench import databases, shapes
from bench.load import Load, wrk_command
from bench.servers import Server
from bench.shape_loads import all_loads, script_args
from bench.shape_report import ROWS

KINDS = (shapes.CLINIC, shapes.SOLID)
#: Starts a server: its name, WSGI app, readiness path and DATABASE_URL (bench/http.py).
Start = Callable[[str, str, str, str], Server]


def targets() -> tuple[str, ...]:
    return tuple(load.target for load in all_loads())


def _count(url: str) -> int:
    engine = create_engine(normalize_url(url), poolclass=NullPool)
    try:
        with engine.connect() as connection:
            rows: int = connection.execute(select(func.count()).select_from(appointments)).one()[0]
            return rows
    finally:
        engine.dispose()


def build(
    database: str, kind: str, providers: int, now: datetime, admin_url: str, directory: Path
) -> tuple[str, dict[str, float]]:
    """Create the empty database for shape ``kind``, migrate and load it: its URL, and the
    seconds of each step, its appointments and its size."""
    if database == "sqlite":
        url = databases.sqlite_url(directory, kind)
    else:
        url = databases.create_postgres(admin_url, databases.postgres_name(kind))
    print(f"{database}: loading the {kind} shape, {providers:,} providers ...", flush=True)
    timings = shapes.build(url, shapes.Shape(kind, providers, now))
    return url, {**timings, ROWS: _count(url), databases.SIZE: databases.size_mb(url)}


def drop(admin_url: str) -> None:
    """Drop every shape's PostgreSQL database, if it is there."""
    for kind in KINDS:
        databases.drop_postgres(admin_url, databases.postgres_name(kind))


def serve(start: Start, urls: dict[str, str]) -> dict[str, Server]:
    """One app server per shape; the server of each shape load, by target."""
    apps = {kind: start(f"app-{kind}", "wsgi:app", "/health", url) for kind, url in urls.items()}
    return {load.target: apps[load.shape] for load in all_loads()}


def commands(
    servers: dict[str, Server], load: Load, providers: int, now: datetime, run: int
) -> dict[str, list[str]]:
    """The wrk command of each shape load for round ``run``, its ranges placed from ``now``."""
    return {
        s.target: wrk_command(
            load, servers[s.target].url, "search.lua", script_args(s, providers, now, run)
        )
        for s in all_loads()
    }
