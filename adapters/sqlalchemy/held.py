"""A connection each thread keeps between statements (docs/DECISIONS.md, "Audit trail").

The edge's audit appends are one autocommitted statement each; checking a connection out of
the pool for each would cost a third as much again as the statement. A kept connection that
sat idle is pinged first, as the pool pings its own (docs/DECISIONS.md, "Reconnecting"), and
one that failed was invalidated by the statement (adapters/sqlalchemy/prepared.py): the next
use reconnects.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any

from sqlalchemy import Connection, Engine

#: Seconds a connection may idle before its next use pings it first.
IDLE_BEFORE_PING_S = 1.0


class _Slot(threading.local):
    connection: Connection | None = None
    pid: int | None = None
    used_at: float = 0.0


class HeldConnection:
    """This thread's (and process's) connection to ``engine``, made on first use."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._slot = _Slot()

    def get(self) -> Connection:
        slot, now = self._slot, time.monotonic()
        if slot.connection is None or slot.pid != os.getpid():
            slot.connection, slot.pid = self._engine.connect(), os.getpid()
        elif now - slot.used_at >= IDLE_BEFORE_PING_S:
            _ping(slot.connection)
        slot.used_at = now
        return slot.connection

    def close(self) -> None:
        slot = self._slot
        if slot.connection is not None and slot.pid == os.getpid():
            slot.connection.close()
        slot.connection = None


def _ping(connection: Connection) -> None:
    """Invalidate ``connection`` if a server no longer answers it: the next use reconnects.

    Only PostgreSQL's connections can die under a process; SQLite's is a file it holds.
    """
    dialect = connection.dialect
    if dialect.name != "postgresql" or connection.invalidated:
        return
    dbapi_connection: Any = connection.connection.dbapi_connection
    try:
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except dialect.loaded_dbapi.Error as exc:
        connection.invalidate(exc)
