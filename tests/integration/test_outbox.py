"""The transactional outbox and the delivery queue on the real databases.

An event exists if and only if its change committed, with one delivery per subscribed,
enabled endpoint; a claimed delivery is leased to one claimer until it is finished or the
lease expires.
"""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, select

from adapters.sqlalchemy import Database
from adapters.sqlalchemy.tables import webhook_deliveries, webhook_events
from domain import errors
from domain.events import EventType, ScheduleChange
from domain.model import DateOverride
from domain.rules.retries import DISABLE_AFTER, decide
from domain.use_cases import booking, directory, time_off
from domain.use_cases.common import schedule_changed
from domain.webhooks import Decision, Endpoint, Finished, Outcome
from tests.integration.support import NOW, FixedClock, Practice, at, open_practice

CLOCK = FixedClock()
LEASE = timedelta(seconds=30)


def _endpoint(database: Database, events: tuple[EventType, ...], enabled: bool = True) -> int:
    with database.unit_of_work() as uow:
        endpoint = uow.webhooks.add(
            Endpoint("http://127.0.0.1:9/hook", events, "whsec_AAAA", NOW, enabled=enabled)
        )
        uow.commit()
    assert endpoint.id is not None
    return endpoint.id


def _book(database: Database, practice: Practice, hour: int, key: str | None = None) -> int:
    booked = booking.book(
        database.unit_of_work(),
        CLOCK,
        practice.client_id,
        practice.provider_id,
        at(7, hour),
        at(7, hour + 1),
        idempotency_key=key,
    )
    assert booked.id is not None
    return booked.id


def _events(database: Database) -> list[dict[str, object]]:
    with database.engine.connect() as connection:
        rows = connection.execute(
            select(webhook_events.c.body).order_by(webhook_events.c.occurred_at)
        )
        return [json.loads(row.body) for row in rows]


def _deliveries(database: Database) -> list[tuple[str, int]]:
    with database.engine.connect() as connection:
        found = connection.execute(
            select(webhook_deliveries.c.event_id, webhook_deliveries.c.endpoint_id)
        )
        return sorted((row.event_id, row.endpoint_id) for row in found)


def test_without_a_subscriber_nothing_is_written(database: Database) -> None:
    practice = open_practice(database)
    _endpoint(database, (EventType.APPOINTMENT_CANCELED,))
    _endpoint(database, (EventType.APPOINTMENT_BOOKED,), enabled=False)
    _book(database, practice, 10)
    assert _events(database) == [] and _deliveries(database) == []


def test_a_committed_booking_writes_its_event_and_a_delivery_per_subscribed_enabled_endpoint(
    database: Database,
) -> None:
    practice = open_practice(database)
    wanted = _endpoint(database, (EventType.APPOINTMENT_BOOKED,))
    also = _endpoint(database, tuple(EventType))
    _endpoint(database, (EventType.APPOINTMENT_BOOKED,), enabled=False)
    _endpoint(database, (EventType.APPOINTMENT_CANCELED,))
    appointment_id = _book(database, practice, 10)
    (event,) = _events(database)
    assert event["type"] == "appointment.booked"
    assert event["data"]["id"] == appointment_id  # type: ignore[index]
    assert _deliveries(database) == sorted([(event["id"], wanted), (event["id"], also)])  # type: ignore[list-item]


def test_each_event_type_reaches_exactly_the_endpoints_subscribed_to_it(
    database: Database,
) -> None:
    practice = open_practice(database)
    by_type = {kind: _endpoint(database, (kind,)) for kind in EventType}
    _book(database, practice, 10)
    with database.unit_of_work() as uow:
        uow.lock_for_writing()
        schedule_changed(uow, practice.provider_id, ScheduleChange.POLICIES)
        uow.commit()
    expected = [(str(e["id"]), by_type[EventType(str(e["type"]))]) for e in _events(database)]
    assert len(expected) == 2
    assert _deliveries(database) == sorted(expected)


def test_on_postgresql_an_event_and_its_deliveries_take_one_statement(database: Database) -> None:
    practice = open_practice(database)
    first = _endpoint(database, (EventType.APPOINTMENT_BOOKED,))
    second = _endpoint(database, tuple(EventType))
    writes: list[str] = []

    def record(*args: Any) -> None:
        statement = args[2]
        if statement.startswith(("INSERT", "WITH")) and "webhook_" in statement:
            writes.append(statement)

    event.listen(database.engine, "before_cursor_execute", record)
    try:
        _book(database, practice, 10)
    finally:
        event.remove(database.engine, "before_cursor_execute", record)
    postgres = database.engine.dialect.name == "postgresql"
    assert len(writes) == (1 if postgres else 2)
    (booked,) = _events(database)
    assert _deliveries(database) == sorted(
        [(str(booked["id"]), first), (str(booked["id"]), second)]
    )


def test_refused_replayed_and_rolled_back_changes_leave_no_event(database: Database) -> None:
    practice = open_practice(database)
    _endpoint(database, tuple(EventType))
    _book(database, practice, 10, key="k-1")
    assert len(_events(database)) == 1
    with pytest.raises(errors.Conflict):
        _book(database, practice, 10)
    with pytest.raises(errors.RuleViolation):
        _book(database, practice, 20)  # outside availability
    _book(database, practice, 10, key="k-1")  # an idempotent replay
    with database.unit_of_work() as uow:  # a unit that changes and emits, then rolls back
        uow.lock_for_writing()
        schedule_changed(uow, practice.provider_id, ScheduleChange.POLICIES)
    assert len(_events(database)) == 1
    assert len(_deliveries(database)) == 1


def test_schedule_events_name_the_change_and_carry_a_growing_sequence(database: Database) -> None:
    practice = open_practice(database)
    _endpoint(database, (EventType.SCHEDULE_CHANGED,))
    override = DateOverride(practice.provider_id, at(8, 9), at(8, 12))
    stored, _ = time_off.add_override(database.unit_of_work(), override)
    time_off.delete_override(database.unit_of_work(), practice.provider_id, stored.id or 0)
    directory.update_provider(database.unit_of_work(), practice.provider_id, {"name": "Dr. B"})
    directory.update_provider(database.unit_of_work(), practice.provider_id, {"buffer_after": 5})
    events = _events(database)
    assert [e["data"]["changes"] for e in events] == [  # type: ignore[index]
        ["time_off_added"],
        ["time_off_removed"],
        ["policies"],
    ]
    sequences = [e["data"]["sequence"] for e in events]  # type: ignore[index]
    assert sequences == sorted(sequences) and len(set(sequences)) == 3


def test_a_claimed_delivery_is_leased_until_it_is_finished_or_the_lease_expires(
    database: Database,
) -> None:
    practice = open_practice(database)
    _endpoint(database, tuple(EventType))
    _book(database, practice, 10)
    queue = database.delivery_queue()
    (claim,) = queue.claim(10, NOW, LEASE, {}, 4)
    assert claim.attempt == 1 and claim.event_type is EventType.APPOINTMENT_BOOKED
    assert queue.claim(10, NOW + LEASE - timedelta(seconds=1), LEASE, {}, 4) == []
    (again,) = queue.claim(10, NOW + LEASE, LEASE, {}, 4)  # the first claimer died
    assert again.attempt == 2 and again.event_id == claim.event_id
    queue.finish([Finished(again, Outcome(200), Decision(True, None), NOW + LEASE)])
    assert queue.claim(10, NOW + 2 * LEASE, LEASE, {}, 4) == []


def test_concurrent_claimers_never_lease_the_same_delivery(database: Database) -> None:
    practice = open_practice(database)
    _endpoint(database, tuple(EventType))
    for hour in range(9, 17):
        _book(database, practice, hour)
    queue = database.delivery_queue()
    claimed: list[int] = []
    lock = threading.Lock()

    def claimer() -> None:
        for _ in range(8):
            found = queue.claim(1, NOW, LEASE, {}, 100)
            with lock:
                claimed.extend(c.delivery_id for c in found)

    threads = [threading.Thread(target=claimer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(claimed) == sorted(set(claimed)) and len(claimed) == 8


def test_no_endpoint_gets_more_attempts_at_once_than_allowed(database: Database) -> None:
    practice = open_practice(database)
    busy = _endpoint(database, tuple(EventType))
    other = _endpoint(database, tuple(EventType))
    for hour in range(9, 13):
        _book(database, practice, hour)
    claims = database.delivery_queue().claim(10, NOW, LEASE, {busy: 1}, 2)
    assert sorted(c.endpoint.id or 0 for c in claims) == sorted([busy, other, other])
    with database.engine.connect() as connection:
        assert (
            connection.execute(select(func.count()).select_from(webhook_deliveries)).scalar() == 8
        )


def test_an_endpoint_failing_for_three_days_is_disabled_and_says_why(database: Database) -> None:
    practice = open_practice(database)
    endpoint_id = _endpoint(database, tuple(EventType))
    with database.unit_of_work() as uow:
        uow.lock_for_writing()
        endpoint = uow.webhooks.get(endpoint_id)
        assert endpoint is not None
        uow.webhooks.update(replace(endpoint, failing_since=NOW - DISABLE_AFTER))
        uow.commit()
    _book(database, practice, 10)
    queue = database.delivery_queue()
    (claim,) = queue.claim(10, NOW, LEASE, {}, 4)
    refused = Outcome(None, "the connection failed")
    decision = decide(claim.attempt, refused, NOW, claim.endpoint.failing_since)
    queue.finish([Finished(claim, refused, decision, NOW)])
    with database.unit_of_work() as uow:
        disabled = uow.webhooks.get(endpoint_id)
        (logged,), total = uow.webhooks.attempts(endpoint_id, 0, 10)
    assert disabled is not None and not disabled.enabled
    assert disabled.disabled_reason == "every delivery failed for 3 days"
    assert (total, logged.status, logged.error, logged.next_attempt_at) == (
        1,
        None,
        "the connection failed",
        None,
    )
    assert queue.claim(10, NOW + timedelta(days=1), LEASE, {}, 4) == []


def test_a_success_clears_the_failure_record(database: Database) -> None:
    practice = open_practice(database)
    endpoint_id = _endpoint(database, tuple(EventType))
    _book(database, practice, 10)
    _book(database, practice, 12)
    queue = database.delivery_queue()
    first, second = queue.claim(10, NOW, LEASE, {}, 4)
    failed = Outcome(500)
    queue.finish([Finished(first, failed, decide(1, failed, NOW, None), NOW)])
    with database.unit_of_work() as uow:
        assert uow.webhooks.get(endpoint_id).failing_since == NOW  # type: ignore[union-attr]
    later = NOW + timedelta(minutes=1)
    queue.finish([Finished(second, Outcome(200), Decision(True, None), later)])
    with database.unit_of_work() as uow:
        assert uow.webhooks.get(endpoint_id).failing_since is None  # type: ignore[union-attr]


def test_an_attempt_finished_after_its_endpoint_was_deleted_records_the_others(
    database: Database,
) -> None:
    practice = open_practice(database)
    kept = _endpoint(database, (EventType.APPOINTMENT_BOOKED,))
    gone = _endpoint(database, (EventType.APPOINTMENT_BOOKED,))
    _book(database, practice, 10)
    queue = database.delivery_queue()
    claims = queue.claim(10, NOW, LEASE, {}, 4)
    with database.unit_of_work() as uow:
        uow.lock_for_writing()
        uow.webhooks.delete(gone)
        uow.commit()
    queue.finish([Finished(c, Outcome(200), Decision(True, None), NOW) for c in claims])
    with database.unit_of_work() as uow:
        assert uow.webhooks.attempts(kept, 0, 10)[1] == 1
        assert uow.webhooks.attempts(gone, 0, 10)[1] == 0
    assert queue.claim(10, NOW + 2 * LEASE, LEASE, {}, 4) == []
