"""The edge's audit appends: committed as they run, by default without waiting for the disk,
on a connection each thread keeps and replaces when it dies (docs/DECISIONS.md, "Audit trail")."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, func, select, text

from adapters.sqlalchemy import Database
from adapters.sqlalchemy import held as held_module
from adapters.sqlalchemy.tables import audit_events
from app.config import Config
from domain.audit import AuditEvent
from domain.errors import StoreUnavailable
from tests.integration.test_unreachable_database import ONLY_POSTGRES, _kill_other_backends


def _event(request_id: str = "r") -> AuditEvent:
    return AuditEvent(datetime.now(UTC), 3, request_id, "getClient", "client", (4,), "ok", 200)


def _durability(engine: Engine) -> str:
    """SQLite's ``synchronous`` (1 NORMAL, 2 FULL) or PostgreSQL's ``synchronous_commit``."""
    sql = "PRAGMA synchronous" if engine.dialect.name == "sqlite" else "SHOW synchronous_commit"
    with engine.connect() as connection:
        return str(connection.execute(text(sql)).scalar_one())


def _count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(audit_events)).scalar_one())


@pytest.fixture
def synced(database_url: str) -> Iterator[Database]:
    database = Database(database_url, audit_synced=True)
    yield database
    database.dispose()


def test_reads_events_by_default_commit_without_waiting_for_the_disk_and_changes_still_do(
    database: Database,
) -> None:
    assert database.audit_writer is not database.engine
    assert _durability(database.audit_writer) in {"1", "off"}
    assert _durability(database.engine) in {"2", "on"}


def test_audit_sync_reads_makes_every_reads_event_wait_for_the_disk(synced: Database) -> None:
    assert _durability(synced.audit_writer) in {"2", "on"}
    synced.audit_log().append(_event())
    assert _count(synced.audit_writer) == 1


def test_audit_sync_reads_is_read_from_the_environment_as_a_flag() -> None:
    assert Config.from_env({}).audit_sync_reads is False
    assert Config.from_env({"AUDIT_SYNC_READS": "true"}).audit_sync_reads is True
    with pytest.raises(ValueError, match="AUDIT_SYNC_READS"):
        Config.from_env({"AUDIT_SYNC_READS": "sometimes"})


def test_an_appended_event_is_committed_at_once_and_leaves_no_transaction_open(
    database: Database,
) -> None:
    log = database.audit_log()
    log.append(_event("a"))
    log.append(_event("b"))
    assert _count(database.audit_writer) == 2  # another connection sees both
    if database.engine.dialect.name == "postgresql":
        states = "SELECT state FROM pg_stat_activity WHERE datname = current_database()"
        with database.engine.connect() as connection:
            assert "idle in transaction" not in connection.execute(text(states)).scalars().all()


@ONLY_POSTGRES
def test_a_kept_connection_that_died_while_idle_is_replaced_before_the_next_append(
    database: Database, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(held_module, "IDLE_BEFORE_PING_S", 0.0)  # idle long enough
    database.audit_log().append(_event("before"))
    assert _kill_other_backends(database_url) >= 1
    database.audit_log().append(_event("after"))
    assert _count(database.engine) == 2


@ONLY_POSTGRES
def test_a_kept_connection_that_died_in_steady_use_fails_one_append_then_reconnects(
    database: Database, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(held_module, "IDLE_BEFORE_PING_S", 3600.0)  # never pinged
    database.audit_log().append(_event("before"))
    assert _kill_other_backends(database_url) >= 1
    with pytest.raises(StoreUnavailable):
        database.audit_log().append(_event("lost"))
    database.audit_log().append(_event("after"))
    assert _count(database.engine) == 2
