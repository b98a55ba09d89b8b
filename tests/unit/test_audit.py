"""The audit trail's vocabulary and its listing, on the fake log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain import errors
from domain.audit import AuditContext, AuditEvent, AuditQuery, outcome_of
from domain.use_cases.audit import list_events
from tests.unit.fakes import FakeAuditLog

START = datetime(2026, 12, 1, tzinfo=UTC)


def event(minutes: int, key_id: int | None = 1, resource: str = "client") -> AuditEvent:
    at = START + timedelta(minutes=minutes)
    return AuditEvent(at, key_id, "r", "getClient", resource, (3,), "ok", 200)


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (200, "ok"),
        (201, "ok"),
        (304, "ok"),
        (401, "denied"),
        (403, "denied"),
        (404, "not_found"),
        (409, "refused"),
        (412, "refused"),
        (422, "refused"),
        (400, "rejected"),
        (415, "rejected"),
        (503, "failed"),
    ],
)
def test_an_answers_status_names_its_outcome(status: int, outcome: str) -> None:
    assert outcome_of(status) == outcome


def test_a_changes_event_names_the_path_ids_and_the_inserted_ones_once_each() -> None:
    context = AuditContext(2, "r", "bookAppointment", "appointment", (5,), 201)
    change = context.change(START, (7, 5))
    assert (change.resource_ids, change.outcome, change.status, change.key_id) == (
        (5, 7),
        "ok",
        201,
        2,
    )


def test_events_are_listed_newest_first_filtered_and_paged() -> None:
    log = FakeAuditLog()
    for minutes in range(5):
        log.append(event(minutes, key_id=1 + minutes % 2))
    log.append(event(9, resource="appointment"))
    assert list_events(log, AuditQuery(key_id=2), 0, 10)[0] == [event(3, 2), event(1, 2)]
    assert list_events(log, AuditQuery(resource="appointment"), 0, 10)[1] == 1
    window = AuditQuery(since=START + timedelta(minutes=1), until=START + timedelta(minutes=3))
    assert [e.occurred_at.minute for e in list_events(log, window, 0, 10)[0]] == [2, 1]
    assert list_events(log, AuditQuery(), 1, 2) == ([event(4, 1), event(3, 2)], 6)


def test_a_reversed_range_is_refused() -> None:
    backwards = AuditQuery(since=START, until=START)
    with pytest.raises(errors.InvalidRequest):
        list_events(FakeAuditLog(), backwards, 0, 10)
