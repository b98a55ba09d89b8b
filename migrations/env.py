"""Alembic environment: migrates the database named by DATABASE_URL.

``DATABASE_URL`` may be the plain ``postgresql://`` form; normalize_url picks psycopg 3.
Unset, it is the SQLite file under ``instance/``. Code passes a URL through
``config.attributes["url"]`` instead (adapters/sqlalchemy/migrate.py).
"""

from __future__ import annotations

import os
from logging.config import fileConfig
from pathlib import Path

from alembic import context

from adapters.sqlalchemy.database import DEFAULT_URL, make_engine, normalize_url
from adapters.sqlalchemy.migrate import context_options

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logging", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def database_url() -> str:
    url = config.attributes.get("url") or os.environ.get("DATABASE_URL") or DEFAULT_URL
    if url == DEFAULT_URL:
        Path(DEFAULT_URL.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    return normalize_url(url)


def run_migrations_offline() -> None:
    context.configure(url=database_url(), literal_binds=True, **context_options())
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = make_engine(database_url(), for_migrations=True)
    try:
        with engine.connect() as connection:
            context.configure(connection=connection, **context_options())
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
