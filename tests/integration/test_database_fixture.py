"""The `database_url` fixture's contract, which the end-to-end tests rely on too."""

from __future__ import annotations

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import func, select

from adapters.sqlalchemy import Database, metadata
from adapters.sqlalchemy.migrate import alembic_config
from domain.model import Provider


@pytest.mark.parametrize("attempt", [1, 2])
def test_every_test_gets_an_empty_database_numbering_rows_from_one(
    database: Database, attempt: int
) -> None:
    with database.engine.connect() as connection:
        for table in metadata.tables.values():
            assert connection.execute(select(func.count()).select_from(table)).scalar_one() == 0
    with database.unit_of_work() as uow:
        assert uow.providers.add(Provider(f"Attempt {attempt}")).id == 1
        uow.commit()


def test_every_test_database_is_migrated_to_head(database: Database) -> None:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with database.engine.connect() as connection:
        version = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar_one()
    assert version == head
