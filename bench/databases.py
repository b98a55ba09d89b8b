"""Where the benchmark's databases live: SQLite files, PostgreSQL databases it owns."""

from __future__ import annotations

from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from adapters.sqlalchemy.database import normalize_url

DEFAULT_POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PREFIX = "bench_http"
#: The key of ``size_mb``'s figure among a dataset's load timings (bench/report.py).
SIZE = "size MB"


def sqlite_url(directory: Path, appointments: int | str) -> str:
    """A fresh SQLite file for a dataset of ``appointments``, or of a shape named so (any older
    copy is removed)."""
    path = directory / f"{PREFIX}_{appointments}.sqlite3"
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    return f"sqlite:///{path}"


def postgres_name(appointments: int | str) -> str:
    return f"{PREFIX}_{appointments}"


def _admin(admin_url: str, statement: sql.Composed) -> None:
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as connection:
        connection.execute(statement)


def drop_postgres(admin_url: str, name: str) -> None:
    """Drop the database ``name``, closing any session still on it."""
    _admin(
        admin_url,
        sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)),
    )


def create_postgres(admin_url: str, name: str) -> str:
    """A new, empty database ``name`` (dropped first if left over); its URL."""
    drop_postgres(admin_url, name)
    _admin(admin_url, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def size_mb(url: str) -> float:
    """The database's size on disk in MB: the SQLite file, or pg_database_size."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        assert parsed.database is not None
        return Path(parsed.database).stat().st_size / 1e6
    engine = create_engine(normalize_url(url), poolclass=NullPool)
    try:
        with engine.connect() as connection:
            size = connection.execute(select(func.pg_database_size(func.current_database())))
            return int(size.scalar_one()) / 1e6
    finally:
        engine.dispose()
