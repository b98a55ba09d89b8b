"""Shared fixtures: fresh, migrated, empty databases on SQLite and PostgreSQL.

``database_url`` runs a test once per database. PostgreSQL comes from TEST_POSTGRES_URL
(plain ``postgresql://`` form); CI always sets it, so there it is an error to lack it,
while a developer without PostgreSQL gets the SQLite runs and skips.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.pool import NullPool

from adapters.sqlalchemy import Database, metadata
from adapters.sqlalchemy.database import normalize_url
from adapters.sqlalchemy.migrate import upgrade

POSTGRES_ENV = "TEST_POSTGRES_URL"
DATABASES = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Drop the runs of an ``only_on(name)`` test on the other database: what a test proves of
    one database is not skipped on the other, it is not a test there."""
    kept, dropped = [], []
    for item in items:
        marker = item.get_closest_marker("only_on")
        params = getattr(item, "callspec", None)
        name = params.params.get("database_url") if params else None
        (dropped if marker and name and name not in marker.args else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once per session, copied for each test."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite3"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """TEST_POSTGRES_URL, migrated to head once per session."""
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{POSTGRES_ENV} must be set in CI: PostgreSQL tests may not be skipped")
        pytest.skip(f"{POSTGRES_ENV} is not set")
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def postgres_engine(postgres_url: str) -> Iterator[Engine]:
    """An engine on the PostgreSQL test database, for emptying it between tests.

    Unpooled: some tests terminate every backend of the database, this one's included.
    """
    engine = create_engine(normalize_url(postgres_url), poolclass=NullPool)
    yield engine
    engine.dispose()


def empty_postgres(engine: Engine) -> None:
    """Remove every row and restart the id sequences."""
    names = ", ".join(
        engine.dialect.identifier_preparer.format_table(t) for t in metadata.tables.values()
    )
    with engine.begin() as connection:
        connection.execute(text("SET LOCAL lock_timeout = '10s'"))
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh, migrated, empty database: SQLite, then PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "scheduling.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    empty_postgres(request.getfixturevalue("postgres_engine"))
    yield request.getfixturevalue("postgres_url")


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    """A Database over ``database_url``, disposed after the test."""
    db = Database(database_url)
    yield db
    db.dispose()
