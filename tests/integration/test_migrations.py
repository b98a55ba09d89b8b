"""Alembic owns the schema: from empty to head it matches the models, and back to base."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, Integer, MetaData, Table, Text, inspect, text

from adapters.sqlalchemy import metadata
from adapters.sqlalchemy.database import REPO_ROOT, make_engine
from adapters.sqlalchemy.migrate import context_options, upgrade

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
