"""Run the Alembic migrations (``migrations/``) from code, wherever the process started."""

from __future__ import annotations

from typing import Any

from alembic import command
from alembic.config import Config

from adapters.sqlalchemy.database import REPO_ROOT, normalize_url
from adapters.sqlalchemy.tables import POSTGRES_ONLY, metadata

ALEMBIC_INI = REPO_ROOT / "alembic.ini"


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Leave out of autogenerate what the models deliberately do not describe.

    The PostgreSQL exclusion constraints exist only in the migration (the models stay
    portable), and Alembic's own version table is not a model.
    """
    if name in POSTGRES_ONLY:
        return False
    return not (type_ == "table" and name == "alembic_version")


def context_options() -> dict[str, Any]:
    """What env.py, and the schema comparison test, configure Alembic's context with."""
    return {
        "target_metadata": metadata,
        "render_as_batch": True,
        "compare_type": True,
        "include_object": include_object,
        "transactional_ddl": True,
    }


def alembic_config(url: str | None = None) -> Config:
    """The project's Alembic configuration, optionally aimed at ``url``."""
    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(REPO_ROOT / "migrations"))
    config.attributes["configure_logging"] = False
    if url is not None:
        config.attributes["url"] = normalize_url(url)
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)
