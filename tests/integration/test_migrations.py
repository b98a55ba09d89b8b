"""Alembic owns the schema: from empty to head it matches the models, and back to base.

Each revision also upgrades a database holding data written at the revision before it, and
its downgrade keeps that data (``test_a_database_populated_at_0001_...``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Integer,
    MetaData,
    Table,
    Text,
    TextClause,
    bindparam,
    inspect,
    select,
    text,
)

from adapters.sqlalchemy import Database, metadata
from adapters.sqlalchemy.database import REPO_ROOT, make_engine
from adapters.sqlalchemy.migrate import context_options, downgrade, upgrade
from adapters.sqlalchemy.types import UtcDateTime
from domain import errors
from domain.events import EventType
from domain.model import (
    Appointment,
    AppointmentStatus,
    CanceledBy,
    Client,
    DateOverride,
    IdempotencyRecord,
    Provider,
)
from domain.ports.appointments import AppointmentSearch
from domain.profiles import AppointmentType, Filters, Modality, Profile
from domain.use_cases import directory, moves, time_off
from domain.webhooks import Endpoint, new_secret
from tests.integration.support import NOW, FixedClock, at, window

# SQLite cannot reflect the expression index on lower(email), so Alembic skips comparing it;
# tests/integration/test_provider_and_client_repositories.py proves it works instead.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Skipped unsupported reflection of expression-based index",
    "ignore:autogenerate skipping metadata-specified expression-based index",
)


def _diff(url: str, target: MetaData = metadata) -> list[Any]:
    """What autogenerate would change to make the database match ``target``."""
    engine = make_engine(url, for_migrations=True)
    try:
        with engine.connect() as connection:
            options = {k: v for k, v in context_options().items() if k != "target_metadata"}
            return list(
                compare_metadata(MigrationContext.configure(connection, opts=options), target)
            )
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    engine = make_engine(url, for_migrations=True)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def _alembic(url: str, *arguments: str, cwd: Path) -> None:
    """Run the alembic command as `make migrate` does, from elsewhere than the repository."""
    subprocess.run(
        [sys.executable, "-m", "alembic", "-c", str(REPO_ROOT / "alembic.ini"), *arguments],
        cwd=cwd,
        env={**os.environ, "DATABASE_URL": url},
        check=True,
        capture_output=True,
        timeout=60,
    )


def test_the_migrated_schema_matches_the_models(database_url: str) -> None:
    assert _diff(database_url) == []


def test_the_comparison_would_notice_a_model_the_migrations_lack(database_url: str) -> None:
    extended = MetaData()
    for table in metadata.tables.values():
        table.to_metadata(extended)
    Table("providers", extended, Column("nickname", Text), extend_existing=True)
    Table("rooms", extended, Column("name", Text))
    extended.tables["clients"].c.name.type = Integer()
    changes = {_summary(change) for change in _diff(database_url, extended)}
    assert changes == {
        ("add_column", "providers", "nickname"),
        ("add_table", "rooms", None),
        ("modify_type", "clients", "name"),
    }


def _summary(change: Any) -> tuple[str, str, str | None]:
    """(operation, table, column) of one autogenerate difference."""
    if isinstance(change, list):  # column modifications come as a list of tuples
        operation, _schema, table, column, *_ = change[0]
        return operation, table, column
    if change[0] == "add_table":
        return change[0], change[1].name, None
    return change[0], change[2], change[3].name


def test_the_alembic_command_goes_down_to_base_and_up_to_head(
    database_url: str, tmp_path: Path
) -> None:
    try:
        _alembic(database_url, "downgrade", "base", cwd=tmp_path)
        assert _tables(database_url) == {"alembic_version"}
        _alembic(database_url, "upgrade", "head", cwd=tmp_path)
        assert _tables(database_url) == {"alembic_version", *metadata.tables}
        assert _diff(database_url) == []
    finally:
        upgrade(database_url)  # leave the shared PostgreSQL database at head for other tests


@pytest.mark.parametrize(
    "database_url",
    [pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)],
    indirect=True,
)
def test_on_postgresql_the_migration_adds_the_exclusion_constraints(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            found = connection.execute(
                text("SELECT conname FROM pg_constraint WHERE contype = 'x' ORDER BY conname")
            ).scalars()
            assert list(found) == [
                "ex_appointments_client_overlap",
                "ex_appointments_provider_overlap",
            ]
    finally:
        engine.dispose()


# A database populated at revision 0001, then migrated to head and back.

COLUMNS_AT_0001 = {
    "providers": ["id", "name", "email", "timezone", "accepts_new_clients"],
    "clients": ["id", "name", "email"],
    "weekly_windows": [
        *("id", "provider_id", "source", "external_id"),
        *("start_day", "start_minute", "end_day", "end_minute"),
    ],
    "appointments": [
        *("id", "client_id", "provider_id", "starts_at", "ends_at"),
        *("status", "created_at", "canceled_at"),
    ],
    "idempotency_keys": ["key", "fingerprint", "appointment_id", "created_at"],
}
#: What the service wrote at revision 0001, as SQL against that schema: (statement, parameter
#: names, rows). Ids come from the database as they did then; timestamps are bound as the
#: adapter bound them (``_with_timestamps``).
ROWS_AT_0001: list[tuple[str, tuple[str, ...], list[tuple[Any, ...]]]] = [
    (
        "INSERT INTO providers (name, email, timezone, accepts_new_clients)"
        " VALUES (:name, :email, :timezone, :accepts_new_clients)",
        ("name", "email", "timezone", "accepts_new_clients"),
        [("Dr. Ada", "ada@example.com", "Europe/Paris", True), ("Dr. Bo", None, "UTC", False)],
    ),
    (
        "INSERT INTO clients (name, email) VALUES (:name, :email)",
        ("name", "email"),
        [("Bea", "bea@example.com"), ("Cy", "Cy@Example.com")],
    ),
    (
        "INSERT INTO weekly_windows"
        " (provider_id, source, external_id, start_day, start_minute, end_day, end_minute)"
        " VALUES (:provider_id, 'calendly', :external_id, :start_day, :start_minute,"
        " :end_day, :end_minute)",
        ("provider_id", "external_id", "start_day", "start_minute", "end_day", "end_minute"),
        [(1, "mon", 0, 540, 0, 1020), (1, "tue", 1, 540, 1, 1020), (2, "weekend", 6, 1320, 0, 360)],
    ),
    (
        "INSERT INTO appointments"
        " (client_id, provider_id, starts_at, ends_at, status, created_at, canceled_at)"
        " VALUES (:client_id, 1, :starts_at, :ends_at, :status, :created_at, :canceled_at)",
        ("client_id", "starts_at", "ends_at", "status", "created_at", "canceled_at"),
        [
            (1, at(7, 10), at(7, 11), "scheduled", NOW, None),
            (2, at(7, 10), at(7, 11), "canceled", NOW, NOW + timedelta(hours=1)),
            (2, at(8, 9), at(8, 10), "scheduled", NOW, None),
        ],
    ),
    (
        'INSERT INTO idempotency_keys ("key", fingerprint, appointment_id, created_at)'
        " VALUES (:key, :fingerprint, 1, :created_at)",
        ("key", "fingerprint", "created_at"),
        [("retry-1", "1|1|x|y", NOW)],
    ),
]
TIMESTAMPS = ("starts_at", "ends_at", "created_at", "canceled_at")
POLICIES = [
    *("buffer_before", "buffer_after", "min_notice_minutes"),
    *("horizon_days", "min_cancel_notice_minutes"),
]


@pytest.fixture
def url_at_0001(database_url: str) -> Iterator[str]:
    """``database_url`` taken back to an empty revision 0001; left at head afterwards."""
    downgrade(database_url, "base")
    upgrade(database_url, "0001")
    try:
        yield database_url
    finally:
        upgrade(database_url)  # the PostgreSQL test database is shared: leave it at head


@pytest.fixture
def engine_at_0001(url_at_0001: str) -> Iterator[Engine]:
    """An engine on the database at 0001, holding ROWS_AT_0001; it pools nothing, so no
    connection outlives a migration."""
    engine = make_engine(url_at_0001, for_migrations=True)
    with engine.begin() as connection:
        for sql, names, rows in ROWS_AT_0001:
            parameters = [dict(zip(names, row, strict=True)) for row in rows]
            connection.execute(_with_timestamps(sql), parameters)
    yield engine
    engine.dispose()


def _with_timestamps(sql: str) -> TextClause:
    names = [name for name in TIMESTAMPS if f":{name}" in sql]
    return text(sql).bindparams(*(bindparam(name, type_=UtcDateTime) for name in names))


def _rows_at_0001(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables 0001 has, in its columns only, in key order."""
    with engine.connect() as connection:
        return {
            table: _rows(connection, table, columns) for table, columns in COLUMNS_AT_0001.items()
        }


def _rows(connection: Connection, name: str, columns: list[str]) -> list[tuple[Any, ...]]:
    """``columns`` of every row of table ``name``, as stored, by the first column."""
    reflected = Table(name, MetaData(), autoload_with=connection)
    selected = [reflected.c[c] for c in columns]
    found = connection.execute(select(*selected).order_by(selected[0]))
    return [tuple(row) for row in found]


def _columns(url: str) -> dict[str, list[str]]:
    engine = make_engine(url, for_migrations=True)
    try:
        inspector = inspect(engine)
        return {
            name: [column["name"] for column in inspector.get_columns(name)]
            for name in inspector.get_table_names()
            if name != "alembic_version"
        }
    finally:
        engine.dispose()


def test_a_database_populated_at_0001_upgrades_with_its_data_and_policy_defaults(
    url_at_0001: str, engine_at_0001: Engine
) -> None:
    written = _rows_at_0001(engine_at_0001)
    upgrade(url_at_0001)
    assert _diff(url_at_0001) == []
    assert _rows_at_0001(engine_at_0001) == written
    with engine_at_0001.connect() as connection:
        assert _rows(connection, "providers", ["id", *POLICIES]) == [
            (1, 0, 0, 0, None, 0),
            (2, 0, 0, 0, None, 0),
        ]
        assert _rows(connection, "appointments", ["id", "cancel_reason", "canceled_by"]) == [
            (1, None, None),
            (2, None, None),
            (3, None, None),
        ]
    database = Database(url_at_0001)
    try:
        with database.unit_of_work() as uow:
            assert uow.providers.list(0, 10) == (
                [
                    Provider("Dr. Ada", "ada@example.com", "Europe/Paris", True, id=1),
                    Provider("Dr. Bo", None, "UTC", False, id=2),
                ],
                2,
            )
            assert uow.clients.list(0, 10) == (
                [Client("Bea", "bea@example.com", 1), Client("Cy", "Cy@Example.com", 2)],
                2,
            )
            assert uow.windows.for_provider(1) == [
                replace(window(1, "mon", "monday 09:00", "monday 17:00"), id=1),
                replace(window(1, "tue", "tuesday 09:00", "tuesday 17:00"), id=2),
            ]
            assert uow.windows.for_provider(2) == [
                replace(window(2, "weekend", "sunday 22:00", "monday 06:00"), id=3)
            ]
            assert uow.appointments.search(AppointmentSearch(), 0, 10) == (
                [
                    Appointment(1, 1, at(7, 10), at(7, 11), NOW, id=1),
                    Appointment(
                        2,
                        1,
                        at(7, 10),
                        at(7, 11),
                        NOW,
                        AppointmentStatus.CANCELED,
                        canceled_at=NOW + timedelta(hours=1),
                        id=2,
                    ),
                    Appointment(2, 1, at(8, 9), at(8, 10), NOW, id=3),
                ],
                3,
            )
            assert uow.idempotency.get("retry-1") == IdempotencyRecord("retry-1", "1|1|x|y", 1, NOW)
            assert uow.overrides.for_provider(1) == []
    finally:
        database.dispose()


def test_after_the_upgrade_old_rows_take_the_new_features_and_keep_their_constraints(
    url_at_0001: str, engine_at_0001: Engine
) -> None:
    upgrade(url_at_0001)
    database = Database(url_at_0001)
    unit, clock = database.unit_of_work, FixedClock()
    try:
        with unit() as uow, pytest.raises(errors.DuplicateEmail):
            uow.clients.add(Client("Cy again", "cy@example.com"))
        with pytest.raises(errors.ProviderConflict):  # onto appointment 1
            moves.reschedule(unit(), clock, 3, at(7, 10, 30), at(7, 11, 30))
        if database.engine.dialect.name == "postgresql":  # the exclusion constraint, alone
            with unit() as uow, pytest.raises(errors.ProviderConflict):
                uow.appointments.update(Appointment(2, 1, at(7, 10, 30), at(7, 11, 30), NOW, id=3))
        directory.update_provider(unit(), 1, {"buffer_after": 15, "horizon_days": 30})
        canceled = moves.cancel(unit(), clock, 1, "Moving away", CanceledBy.CLIENT)
        moved = moves.reschedule(unit(), clock, 3, at(8, 11), at(8, 12))
        block, _ = time_off.add_override(unit(), DateOverride(1, at(9, 0), at(10, 0)))
        with unit() as uow:
            assert uow.providers.add(Provider("Dr. New")).id == 3
            uow.commit()
            assert uow.appointments.get(1) == canceled
            assert uow.appointments.get(3) == moved
            assert uow.overrides.for_provider(1) == [block]
            assert uow.providers.get(1) == Provider(
                "Dr. Ada", "ada@example.com", "Europe/Paris", id=1, buffer_after=15, horizon_days=30
            )
    finally:
        database.dispose()


def test_the_upgrade_stamps_old_rows_from_their_history(
    url_at_0001: str, engine_at_0001: Engine
) -> None:
    upgrade(url_at_0001)
    with engine_at_0001.connect() as connection:
        assert _rows(connection, "appointments", ["id", "status", "sequence"]) == [
            (1, "scheduled", 1),
            (2, "canceled", 2),
            (3, "scheduled", 1),
        ]
    database = Database(url_at_0001)
    try:
        with database.unit_of_work() as uow:
            stamped = [uow.providers.get(1), uow.providers.get(2)]
        assert [(p.booking_version, p.last_booked_at) for p in stamped if p] == [
            (0, NOW),
            (0, None),
        ]
    finally:
        database.dispose()


def test_the_downgrade_to_0001_keeps_the_data_in_the_columns_0001_has(
    url_at_0001: str, engine_at_0001: Engine
) -> None:
    upgrade(url_at_0001)
    database = Database(url_at_0001)
    try:
        moves.cancel(database.unit_of_work(), FixedClock(), 1, "Moving away", CanceledBy.CLIENT)
        moves.reschedule(database.unit_of_work(), FixedClock(), 3, at(8, 11), at(8, 12))
        directory.update_provider(database.unit_of_work(), 2, {"min_notice_minutes": 60})
        time_off.add_override(database.unit_of_work(), DateOverride(1, at(9, 0), at(10, 0)))
    finally:
        database.dispose()
    at_head = _rows_at_0001(engine_at_0001)
    downgrade(url_at_0001, "0001")
    assert _columns(url_at_0001) == COLUMNS_AT_0001
    assert _rows_at_0001(engine_at_0001) == at_head


WEBHOOK_TABLES = {
    "webhook_endpoints",
    "webhook_events",
    "webhook_deliveries",
    "webhook_attempts",
    "webhook_attempt_totals",
}
#: Tables of revisions after 0005 (0008, 0009), gone too below 0005.
#: Tables later revisions add.
AFTER_0005 = {"api_keys", "audit_events"}
AFTER_0005 |= {"provider_attributes", "appointment_types", "provider_appointment_types"}


def test_0005_goes_down_to_0004_dropping_only_the_webhook_tables_and_up_again(
    url_at_0001: str, engine_at_0001: Engine
) -> None:
    upgrade(url_at_0001)
    database = Database(url_at_0001)
    try:
        with database.unit_of_work() as uow:
            uow.webhooks.add(
                Endpoint("https://93.184.215.14/h", tuple(EventType), new_secret(), NOW)
            )
            uow.commit()
        moves.cancel(database.unit_of_work(), FixedClock(), 1, "Moving away", CanceledBy.CLIENT)
        with database.engine.connect() as connection:
            assert _rows(connection, "webhook_deliveries", ["id", "status"]) == [(1, "pending")]
    finally:
        database.dispose()
    at_head = _rows_at_0001(engine_at_0001)
    downgrade(url_at_0001, "0004")
    assert set(_columns(url_at_0001)) == set(metadata.tables) - WEBHOOK_TABLES - AFTER_0005
    assert _rows_at_0001(engine_at_0001) == at_head
    upgrade(url_at_0001)
    assert _diff(url_at_0001) == []


ATTEMPTS_AT_0005 = [
    # (attempt, status_code, error, next_attempt_at): retrying, delivered, retrying, failed
    (1, 500, None, "2026-03-02 10:00:05+00:00"),
    (2, 200, None, None),
    (1, None, "the connection failed", "2026-03-02 10:00:05+00:00"),
    (2, 410, None, None),
]


def test_0006_starts_the_attempt_totals_from_the_attempts_a_populated_database_logged(
    url_at_0001: str, engine_at_0001: Engine
) -> None:
    upgrade(url_at_0001, "0005")
    moment = "2026-03-02 10:00:00+00:00"
    with engine_at_0001.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO webhook_endpoints (id, url, events, secret, enabled, created_at) "
                "VALUES (1, 'https://93.184.215.14/h', '[]', 'whsec_x', true, :at)"
            ),
            {"at": moment},
        )
        connection.execute(
            text(
                "INSERT INTO webhook_events (id, type, provider_id, body, occurred_at) "
                "VALUES ('evt_1', 'appointment.booked', 1, '{}', :at)"
            ),
            {"at": moment},
        )
        connection.execute(
            text(
                "INSERT INTO webhook_deliveries (id, event_id, endpoint_id, status, attempts, "
                "next_attempt_at) VALUES (1, 'evt_1', 1, 'failed', 4, :at)"
            ),
            {"at": moment},
        )
        for attempt, status, error, next_at in ATTEMPTS_AT_0005:
            connection.execute(
                text(
                    "INSERT INTO webhook_attempts (delivery_id, endpoint_id, event_id, "
                    "event_type, attempt, attempted_at, status_code, error, duration_ms, "
                    "next_attempt_at) VALUES (1, 1, 'evt_1', 'appointment.booked', :attempt, "
                    ":at, :status, :error, 3, :next_at)"
                ),
                {"attempt": attempt, "at": moment, "status": status, "error": error}
                | {"next_at": next_at},
            )
    upgrade(url_at_0001)
    assert _diff(url_at_0001) == []
    with engine_at_0001.connect() as connection:
        assert _rows(connection, "webhook_attempt_totals", ["outcome", "total"]) == [
            ("delivered", 1),
            ("failed", 1),
            ("retrying", 2),
        ]
    downgrade(url_at_0001, "0005")
    with engine_at_0001.connect() as connection:
        assert len(_rows(connection, "webhook_attempts", ["id"])) == 4
    upgrade(url_at_0001)


def _delivery_indexes(url: str) -> dict[str, list[str]]:
    engine = make_engine(url)
    try:
        found = inspect(engine).get_indexes("webhook_deliveries")
    finally:
        engine.dispose()
    return {index["name"]: index["column_names"] for index in found}


def test_0007_gives_a_populated_delivery_queue_the_claim_index_in_claim_order(
    url_at_0001: str, engine_at_0001: Engine
) -> None:
    upgrade(url_at_0001, "0006")
    moment = "2026-03-02 10:00:00+00:00"
    with engine_at_0001.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO webhook_endpoints (id, url, events, secret, enabled, created_at) "
                "VALUES (1, 'https://93.184.215.14/h', '[]', 'whsec_x', true, :at)"
            ),
            {"at": moment},
        )
        for number, status in enumerate(("pending", "delivered", "pending"), start=1):
            connection.execute(
                text(
                    "INSERT INTO webhook_events (id, type, provider_id, body, occurred_at) "
                    "VALUES (:event, 'appointment.booked', 1, '{}', :at)"
                ),
                {"event": f"evt_{number}", "at": moment},
            )
            connection.execute(
                text(
                    "INSERT INTO webhook_deliveries (id, event_id, endpoint_id, status, "
                    "attempts, next_attempt_at) VALUES (:id, :event, 1, :status, 0, :at)"
                ),
                {"id": number, "event": f"evt_{number}", "status": status, "at": moment},
            )
    with engine_at_0001.connect() as connection:
        before = _rows(connection, "webhook_deliveries", ["id", "status", "next_attempt_at"])
    upgrade(url_at_0001)
    assert _diff(url_at_0001) == []
    indexes = _delivery_indexes(url_at_0001)
    assert indexes["ix_webhook_deliveries_status_next_attempt_at_id"] == [
        "status",
        "next_attempt_at",
        "id",
    ]
    assert "ix_webhook_deliveries_status_next_attempt_at" not in indexes
    with engine_at_0001.connect() as connection:
        assert _rows(connection, "webhook_deliveries", ["id", "status", "next_attempt_at"]) == (
            before
        )
    downgrade(url_at_0001, "0006")
    assert "ix_webhook_deliveries_status_next_attempt_at" in _delivery_indexes(url_at_0001)
    upgrade(url_at_0001)


def test_0009_adds_an_empty_audit_trail_to_a_populated_database_and_goes_down_keeping_the_rest(
    url_at_0001: str, engine_at_0001: Engine
) -> None:
    upgrade(url_at_0001, "0008")
    with engine_at_0001.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO api_keys (id, name, scopes, digest, hint, created_at) "
                "VALUES (1, 'Front desk', 'audit:read', 'ab12', 'wXyZ', '2026-03-02 10:00:00')"
            )
        )
    at_0008 = _rows_at_0001(engine_at_0001)
    upgrade(url_at_0001)
    assert _diff(url_at_0001) == []
    with engine_at_0001.connect() as connection:
        assert _rows(connection, "audit_events", ["id"]) == []
        assert _rows(connection, "api_keys", ["id", "name"]) == [(1, "Front desk")]
    assert _rows_at_0001(engine_at_0001) == at_0008
    downgrade(url_at_0001, "0008")
    assert "audit_events" not in _tables(url_at_0001)
    with engine_at_0001.connect() as connection:
        assert _rows(connection, "api_keys", ["id", "name"]) == [(1, "Front desk")]


def test_0008_gives_a_populated_database_an_empty_key_table_and_takes_only_it_away(
    url_at_0001: str, engine_at_0001: Engine
) -> None:
    upgrade(url_at_0001, "0007")
    before = _rows_at_0001(engine_at_0001)
    upgrade(url_at_0001)
    assert _diff(url_at_0001) == []
    assert _rows_at_0001(engine_at_0001) == before
    with engine_at_0001.connect() as connection:
        assert _rows(connection, "api_keys", ["id"]) == []
    downgrade(url_at_0001, "0007")
    assert "api_keys" not in _tables(url_at_0001)
    assert _rows_at_0001(engine_at_0001) == before
    upgrade(url_at_0001)


def test_0010_gives_a_populated_database_empty_profiles_and_untyped_appointments(
    url_at_0001: str, engine_at_0001: Engine
) -> None:
    upgrade(url_at_0001, "0009")
    before = _rows_at_0001(engine_at_0001)
    upgrade(url_at_0001)
    assert _diff(url_at_0001) == []
    assert _rows_at_0001(engine_at_0001) == before
    with engine_at_0001.connect() as connection:
        assert _rows(connection, "appointments", ["id", "appointment_type_id", "modality"]) == [
            (1, None, None),
            (2, None, None),
            (3, None, None),
        ]
    database = Database(url_at_0001)
    try:
        with database.unit_of_work() as uow:
            assert uow.profiles.for_providers([1, 2]) == {1: Profile(), 2: Profile()}
            assert uow.appointment_types.offered_by(1) == []
            assert [p.id for p in uow.profiles.matching(Filters(), None)] == [1, 2]
            assert uow.appointments.get(1) == Appointment(1, 1, at(7, 10), at(7, 11), NOW, id=1)
    finally:
        database.dispose()


def test_0010_goes_down_to_0009_keeping_the_older_data_and_up_again(
    url_at_0001: str, engine_at_0001: Engine
) -> None:
    upgrade(url_at_0001)
    database = Database(url_at_0001)
    try:
        with database.unit_of_work() as uow:
            uow.profiles.replace(1, Profile.of(languages=["es"], payers=["aetna"]))
            intake = uow.appointment_types.add(AppointmentType("Intake", (60,), Modality.VIDEO))
            assert intake.id is not None
            uow.appointment_types.offer(1, [intake.id])
            uow.commit()
        with database.unit_of_work() as uow:
            matching = uow.profiles.matching(Filters(payers=frozenset({"aetna"})), None)
            assert [p.id for p in matching] == [1]
    finally:
        database.dispose()
    at_head = _rows_at_0001(engine_at_0001)
    downgrade(url_at_0001, "0009")
    assert _rows_at_0001(engine_at_0001) == at_head
    upgrade(url_at_0001)
    assert _diff(url_at_0001) == []
