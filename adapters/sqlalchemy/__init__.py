"""The SQLAlchemy (Core) adapter: tables, repositories and the unit of work.

Works on SQLite and PostgreSQL (psycopg 3). Nothing here connects at import time.
"""

from adapters.sqlalchemy.database import Database, normalize_url
from adapters.sqlalchemy.tables import metadata
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWork

__all__ = ["Database", "SqlAlchemyUnitOfWork", "metadata", "normalize_url"]
