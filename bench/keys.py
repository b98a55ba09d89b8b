"""The benchmark's API key: one secret per run, granted every scope in each database served.

Every operation needs ``Authorization: Bearer <key>`` (app/access); wrk sends it with ``-H``
(bench/load.py), and the scripts that set headers of their own keep it (bench/wrk/report.lua).
"""

from __future__ import annotations

import functools
import urllib.request
from datetime import UTC, datetime

from adapters.sqlalchemy import Database
from domain.access import SCOPES, ApiKey
from domain.rules.keys import digest, new_secret


@functools.cache
def secret() -> str:
    return new_secret()


def headers() -> dict[str, str]:
    """The run's key as a request header."""
    return {"Authorization": f"Bearer {secret()}"}


def authorization() -> str:
    """The same header as wrk's ``-H`` takes it."""
    return f"Authorization: {headers()['Authorization']}"


def authorized(url: str) -> urllib.request.Request:
    """A GET of ``url`` carrying the run's key, for the benchmark's own urllib calls."""
    return urllib.request.Request(url, headers=headers())


def grant(database_url: str) -> None:
    """Store the run's key in the database unless it is there already."""
    database = Database(database_url)
    try:
        with database.unit_of_work() as uow:
            uow.lock_for_writing()
            if uow.keys.by_digest(digest(secret())) is None:
                now = datetime.now(UTC)
                key = ApiKey("benchmark", SCOPES, digest(secret()), secret()[-4:], now)
                uow.keys.add(key)
                uow.commit()
    finally:
        database.dispose()
