"""The delivery queue over the outbox tables: claims with a lease, and attempt results.

PostgreSQL: the claim locks its rows ``FOR UPDATE SKIP LOCKED``, so concurrent workers
claim different deliveries without waiting for each other; SQLite: the claim runs under
the database's write lock, one claim at a time (docs/DECISIONS.md, "Webhook delivery").
Either way a claimed delivery carries a lease that no other claim ignores until it expires.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, Row, bindparam, exists, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from adapters.sqlalchemy import rows
from adapters.sqlalchemy.errors import translated
from adapters.sqlalchemy.gateway import BEGIN_OPTION
from adapters.sqlalchemy.queries import Query
from adapters.sqlalchemy.tables import (
    webhook_attempt_totals,
    webhook_attempts,
    webhook_deliveries,
    webhook_endpoints,
    webhook_events,
)
from adapters.sqlalchemy.webhooks import DELIVERED, FAILED, PENDING
from domain.events import EventType
from domain.ports.delivery import DeliveryQueue
from domain.rules.retries import outcome
from domain.webhooks import Claim, Finished

#: Candidates read per claim, per delivery wanted: room to skip busy endpoints.
_OVERSCAN = 4
_d, _e, _p = webhook_deliveries, webhook_events, webhook_endpoints
_DUE = (
    select(
        _d.c.id,
        _d.c.attempts,
        _e.c.id.label("event_id"),
        _e.c.type,
        _e.c.body,
        _e.c.request_id,
        _p.c.id.label("endpoint_id"),
        *(column for column in _p.c if column.name != "id"),
    )
    .join(_e, _e.c.id == _d.c.event_id)
    .join(_p, _p.c.id == _d.c.endpoint_id)
    .where(
        _d.c.status == PENDING,
        _d.c.next_attempt_at <= bindparam("now"),
        or_(_d.c.lease_expires_at.is_(None), _d.c.lease_expires_at <= bindparam("now")),
        _p.c.enabled.is_(True),
    )
    .order_by(_d.c.next_attempt_at, _d.c.id)
    .limit(bindparam("limit"))
)
_DUE_LOCKED = _DUE.with_for_update(skip_locked=True, of=_d)
_LEASE = (
    update(_d)
    .where(_d.c.id.in_(bindparam("ids", expanding=True)))
    .values(
        lease_token=bindparam("token"),
        lease_expires_at=bindparam("until"),
        attempts=_d.c.attempts + 1,
    )
)
_FINISH = (
    update(_d)
    .where(_d.c.id == bindparam("delivery_id"), _d.c.lease_token == bindparam("token"))
    .values(
        status=bindparam("status"),
        next_attempt_at=bindparam("next_at"),
        lease_token=None,
        lease_expires_at=None,
    )
)
_LOGGED = [c for c in webhook_attempts.c if c.name != "id"]
#: An attempt's log line, unless its endpoint was deleted meanwhile (it took its log along).
_LOG = insert(webhook_attempts).from_select(
    [c.name for c in _LOGGED],
    select(*(bindparam(c.name, type_=c.type) for c in _LOGGED)).where(
        exists().where(_p.c.id == bindparam("endpoint_id"))
    ),
)

_t = webhook_attempt_totals


def _upsert(dialect_insert: Any) -> Any:
    """Adds to an outcome's total, creating its row if missing (both dialects alike)."""
    statement = dialect_insert(_t).values(outcome=bindparam("name"), total=bindparam("n"))
    return statement.on_conflict_do_update(
        index_elements=[_t.c.outcome], set_={"total": _t.c.total + statement.excluded.total}
    )


_COUNT = {"postgresql": _upsert(postgresql.insert), "sqlite": _upsert(sqlite.insert)}
#: Attempts by outcome, and deliveries still to be made: what ``GET /metrics`` reports.
_TOTALS = select(_t.c.outcome, _t.c.total)
_PENDING = select(func.count()).select_from(_d).where(_d.c.status == PENDING)


def due_query(dialect: str, now: datetime, limit: int) -> Query:
    """The claim's read: the first ``limit`` due deliveries, locked on PostgreSQL."""
    statement = _DUE_LOCKED if dialect == "postgresql" else _DUE
    return Query(statement, {"now": now, "limit": limit})


class SqlDeliveryQueue(DeliveryQueue):
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def claim(
        self,
        limit: int,
        now: datetime,
        lease: timedelta,
        busy: Mapping[int, int],
        per_endpoint: int,
    ) -> list[Claim]:
        if limit <= 0:
            return []
        with translated(), self._engine.connect() as connection:
            if connection.dialect.name != "postgresql":
                connection.execution_options(**{BEGIN_OPTION: "IMMEDIATE"})
            with connection.begin():
                due = due_query(connection.dialect.name, now, limit * _OVERSCAN)
                found = connection.execute(due.statement, due.params)
                chosen = _within_limits(found.all(), limit, busy, per_endpoint)
                if not chosen:
                    return []
                token = uuid.uuid4().hex
                ids = [row.id for row in chosen]
                connection.execute(_LEASE, {"ids": ids, "token": token, "until": now + lease})
            return [_claim(row, token) for row in chosen]

    def figures(self) -> tuple[dict[str, int], int]:
        """Attempts made so far by outcome, and the deliveries still pending."""
        with translated(), self._engine.connect() as connection:
            totals = {row.outcome: int(row.total) for row in connection.execute(_TOTALS)}
            return totals, int(connection.execute(_PENDING).scalar_one())

    def finish(self, finished: Sequence[Finished]) -> None:
        if not finished:
            return
        with translated(), self._engine.connect() as connection:
            if connection.dialect.name != "postgresql":
                connection.execution_options(**{BEGIN_OPTION: "IMMEDIATE"})
            with connection.begin():
                connection.execute(_FINISH, [_finish_values(f) for f in finished])
                connection.execute(_LOG, [_log_values(f) for f in finished])
                counts = Counter(outcome(f) for f in finished)
                connection.execute(
                    _COUNT[connection.dialect.name],
                    [{"name": name, "n": n} for name, n in counts.items()],
                )
                for change in _endpoint_changes(finished):
                    connection.execute(change)


def _finish_values(f: Finished) -> dict[str, Any]:
    decision = f.decision
    status = DELIVERED if decision.delivered else PENDING if decision.next_attempt_at else FAILED
    return {
        "delivery_id": f.claim.delivery_id,
        "token": f.claim.lease_token,
        "status": status,
        "next_at": decision.next_attempt_at or f.at,
    }


def _within_limits(
    candidates: Sequence[Row[Any]], limit: int, busy: Mapping[int, int], per_endpoint: int
) -> list[Row[Any]]:
    """At most ``limit`` candidates, no endpoint over ``per_endpoint`` in flight."""
    counts = dict(busy)
    chosen = []
    for row in candidates:
        if counts.get(row.endpoint_id, 0) >= per_endpoint:
            continue
        counts[row.endpoint_id] = counts.get(row.endpoint_id, 0) + 1
        chosen.append(row)
        if len(chosen) == limit:
            break
    return chosen


def _claim(row: Row[Any], token: str) -> Claim:
    return Claim(
        delivery_id=row.id,
        lease_token=token,
        attempt=row.attempts + 1,
        event_id=row.event_id,
        event_type=EventType(row.type),
        body=row.body,
        request_id=row.request_id,
        endpoint=rows.endpoint(row, id_column="endpoint_id"),
    )


def _log_values(f: Finished) -> dict[str, Any]:
    claim, outcome = f.claim, f.outcome
    return {
        "delivery_id": claim.delivery_id,
        "endpoint_id": claim.endpoint.id,
        "event_id": claim.event_id,
        "event_type": claim.event_type.value,
        "attempt": claim.attempt,
        "attempted_at": f.at - timedelta(milliseconds=outcome.duration_ms),
        "status_code": outcome.status,
        "error": outcome.error,
        "duration_ms": outcome.duration_ms,
        "next_attempt_at": f.decision.next_attempt_at,
    }


def _endpoint_changes(finished: Sequence[Finished]) -> list[Any]:
    """Per endpoint: a success clears its failure record, a failure starts one if none is
    running, a decision may disable it. A healthy endpoint's row is matched, not written."""
    changes = []
    for endpoint_id in dict.fromkeys(f.claim.endpoint.id for f in finished):
        mine = [f for f in finished if f.claim.endpoint.id == endpoint_id]
        failing = [f for f in mine if not f.outcome.succeeded]
        statement = update(_p).where(_p.c.id == endpoint_id)
        if len(failing) < len(mine):
            statement = statement.where(_p.c.failing_since.is_not(None))
            changes.append(statement.values(failing_since=None))
        else:
            since = func.coalesce(_p.c.failing_since, failing[0].at)
            changes.append(statement.values(failing_since=since))
        disable = next((f.decision.disable for f in mine if f.decision.disable), None)
        if disable:
            reason = {"enabled": False, "disabled_reason": disable}
            changes.append(update(_p).where(_p.c.id == endpoint_id).values(reason))
    return changes
