"""Engines for SQLite and PostgreSQL, built on demand (never at import time)."""

from __future__ import annotations

import functools
import time
from pathlib import Path
from typing import Any

import psycopg
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.pool import NullPool

from adapters.sqlalchemy.audit import SqlAuditLog, side_url
from adapters.sqlalchemy.deliveries import SqlDeliveryQueue
from adapters.sqlalchemy.errors import translated
from adapters.sqlalchemy.gateway import BEGIN_OPTION
from adapters.sqlalchemy.held import IDLE_BEFORE_PING_S
from adapters.sqlalchemy.unit_of_work import ScheduleCaches, SqlAlchemyUnitOfWork
from adapters.sqlalchemy.webhooks import AppointmentRenderer, plain_appointment
from domain.audit import AuditContext
from domain.errors import StoreUnavailable

REPO_ROOT = Path(__file__).resolve().parents[2]
#: Used when DATABASE_URL is unset: a file under the git-ignored ``instance/``.
DEFAULT_URL = f"sqlite:///{REPO_ROOT / 'instance' / 'scheduling.sqlite3'}"
#: How long a SQLite writer waits for the write lock before giving up.
SQLITE_BUSY_TIMEOUT_S = 10
SQLITE_MMAP_BYTES = 256 * 2**20
SQLITE_CACHE_KIB = 32 * 2**10
POSTGRES_CONNECT_TIMEOUT_S = 3
MIGRATIONS = REPO_ROOT / "migrations"


@functools.cache
def head_revision() -> str | None:
    """The head of this code's migrations, read from migrations/ once per process."""
    head: str | None = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    return head


def normalize_url(url: str) -> str:
    """Give plain ``postgres://`` and ``postgresql://`` URLs the project's driver, psycopg 3."""
    scheme, separator, rest = url.partition("://")
    if separator and scheme in ("postgres", "postgresql"):
        return f"postgresql+psycopg://{rest}"
    return url


def make_engine(
    url: str, *, for_migrations: bool = False, synced: bool = True, autocommit: bool = False
) -> Engine:
    """An engine for ``url``; ``for_migrations`` leaves SQLite's foreign keys off and pools nothing.

    SQLite batch migrations copy and drop tables, which enforced foreign keys would block.
    ``synced=False`` commits without waiting for the disk (SQLite ``synchronous=NORMAL``,
    PostgreSQL ``synchronous_commit=off``), and ``autocommit`` commits each statement on
    PostgreSQL as the SQLite driver does here: the edge's audit appends (docs/DECISIONS.md,
    "Audit trail").
    """
    url = normalize_url(url)
    # Statement parameters hold names, e-mails and reasons: never in an error's text, which
    # may reach a log (docs/DECISIONS.md, "Structured logs").
    options: dict[str, Any] = {"hide_parameters": True}
    if for_migrations:
        options["poolclass"] = NullPool
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S}, **options)
        _configure_sqlite(engine, foreign_keys=not for_migrations, synced=synced)
        return engine
    connect: dict[str, Any] = {"connect_timeout": POSTGRES_CONNECT_TIMEOUT_S}
    if not synced:
        connect["options"] = "-c synchronous_commit=off"
    if autocommit:
        options["isolation_level"] = "AUTOCOMMIT"
    engine = create_engine(url, connect_args=connect, **options)
    _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """Ping a pooled connection before use only if it sat idle (docs/DECISIONS.md, "Reconnecting").

    ``pool_pre_ping`` would ping before every use, a round trip per request. A connection in
    steady use needs none; one that idled through a restart or an outage is pinged, and a dead
    one is replaced before the request sees it (SQLAlchemy's pessimistic-disconnect recipe).
    """

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < IDLE_BEFORE_PING_S:
            return
        try:
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            dbapi_connection.rollback()
        except psycopg.Error as exc:
            raise sa_exc.DisconnectionError() from exc  # the pool retries with a new connection


def _configure_sqlite(engine: Engine, *, foreign_keys: bool, synced: bool) -> None:
    """Take transaction control from pysqlite and set durable, concurrent pragmas.

    SQLAlchemy's documented recipe ("Enabling Non-Legacy SQLite Transactional Modes"): the
    driver stops emitting BEGIN itself, and we emit BEGIN, or BEGIN IMMEDIATE when a unit of
    work asks for the write lock up front (docs/DECISIONS.md, "Write locks in units that
    read then write").
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute(f"PRAGMA synchronous = {'FULL' if synced else 'NORMAL'}")
        cursor.execute(f"PRAGMA busy_timeout = {int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
        cursor.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
        # Reads through a memory map and a larger page cache cost no durability: they spare a
        # system call per page read once the table outgrows SQLite's 2 MB default cache.
        cursor.execute(f"PRAGMA mmap_size = {SQLITE_MMAP_BYTES}")
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get(BEGIN_OPTION, "DEFERRED")
        if mode != "NONE":  # NONE: a read-only unit's statements each autocommit
            connection.exec_driver_sql(f"BEGIN {mode}")


class Database:
    """One database: its engine, and units of work over it.

    ``render`` writes appointments into webhook events as the API answers them.
    """

    def __init__(
        self,
        url: str,
        render: AppointmentRenderer = plain_appointment,
        audit_synced: bool = False,
    ) -> None:
        self.url = normalize_url(url)
        self.engine = make_engine(self.url)
        self.caches = ScheduleCaches()
        self._render = render
        side = side_url(self.url)
        #: SQLite: the audit file the edge's events go to (docs/DECISIONS.md, "Audit trail").
        self.audit_engine = make_engine(side, synced=audit_synced) if side else None
        sources = [self.engine] + ([self.audit_engine] if self.audit_engine else [])
        #: Where the edge's events are appended: SQLite's audit file, or on PostgreSQL an
        #: engine of its own on the same table, each statement committed as it runs.
        self.audit_writer = self.audit_engine or self.engine
        if self.engine.dialect.name == "postgresql":
            self.audit_writer = make_engine(self.url, synced=audit_synced, autocommit=True)
        self._audit_log = SqlAuditLog(self.audit_writer, sources, ready=not side)

    def unit_of_work(
        self, request_id: str | None = None, audit: AuditContext | None = None
    ) -> SqlAlchemyUnitOfWork:
        """A fresh unit of work; use cases that write call its ``lock_for_writing``.

        ``request_id`` goes with the events the unit records; with ``audit``, a commit that
        writes records the request's audit event in its transaction.
        """
        return SqlAlchemyUnitOfWork(
            self.engine, self.caches, render=self._render, request_id=request_id, audit=audit
        )

    def audit_log(self) -> SqlAuditLog:
        """The audit events outside any change's transaction, and the listing."""
        return self._audit_log

    def delivery_queue(self) -> SqlDeliveryQueue:
        """The webhook deliveries, as the delivery worker claims them."""
        return SqlDeliveryQueue(self.engine)

    def webhook_figures(self) -> tuple[dict[str, int], int]:
        """Webhook attempts so far by outcome, and deliveries pending (raises
        StoreUnavailable when the database does not answer)."""
        return self.delivery_queue().figures()

    def ping(self) -> bool:
        """Whether the database answers ``SELECT 1`` right now."""
        try:
            with translated(), self.engine.connect() as connection:
                connection.exec_driver_sql("SELECT 1")
        except StoreUnavailable:
            return False
        return True

    def schema_revision(self) -> str | None:
        """The revision the database is migrated to (None: never migrated).

        Raises StoreUnavailable when the database does not answer.
        """
        with translated(), self.engine.connect() as connection:
            revision: str | None = MigrationContext.configure(connection).get_current_revision()
            return revision

    def schema_head(self) -> str | None:
        """The revision the code expects: its migrations' head."""
        return head_revision()

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
        self._audit_log.dispose()
