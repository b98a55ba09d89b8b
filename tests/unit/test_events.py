"""Which use cases emit which events, in their own unit of work (fakes of the ports)."""

from datetime import timedelta

import pytest

from domain import errors
from domain.events import EventType, ScheduleChange
from domain.model import DateOverride, OverrideKind
from domain.use_cases.directory import update_provider
from domain.use_cases.moves import cancel, reschedule
from domain.use_cases.time_off import add_override, delete_override
from domain.use_cases.weekly_availability import replace_weekly_availability, sync_availability
from tests.unit.builders import slot, utc
from tests.unit.fakes import FakeFeed
from tests.unit.test_booking import book_monday


def _kinds(uow):
    return [(e.type, e.changes) for e in uow.outbox.events]


def test_booking_moving_and_canceling_each_emit_their_event_with_the_appointment(uow, clock):
    booked = book_monday(uow, clock, "09:00", "09:30")
    moved = reschedule(uow, clock, booked.id, utc("2026-03-02 10:00"), utc("2026-03-02 10:30"))
    canceled = cancel(uow, clock, booked.id)
    cancel(uow, clock, booked.id)  # canceling again changes nothing, emits nothing
    events = uow.outbox.events
    assert [e.type for e in events] == [
        EventType.APPOINTMENT_BOOKED,
        EventType.APPOINTMENT_RESCHEDULED,
        EventType.APPOINTMENT_CANCELED,
    ]
    assert [e.appointment for e in events] == [booked, moved, canceled]
    assert {e.occurred_at for e in events} == {clock.now()}
    assert len({e.id for e in events}) == 3 and all(e.id.startswith("evt_") for e in events)


def test_refused_and_replayed_bookings_emit_nothing(uow, clock):
    book_monday(uow, clock, "09:00", "09:30", key="k")
    book_monday(uow, clock, "09:00", "09:30", key="k")
    with pytest.raises(errors.Conflict):
        book_monday(uow, clock, "09:00", "09:30", client_id=2)
    with pytest.raises(errors.RuleViolation):
        book_monday(uow, clock, "18:00", "18:30")
    assert len(uow.outbox.events) == 1


def test_a_sync_emits_a_schedule_change_only_when_windows_changed(uow):
    feed = FakeFeed({1: [slot("morning", "monday", "09:00", "monday", "12:00")]})
    sync_availability(uow, feed, 1)
    sync_availability(uow, feed, 1)
    assert _kinds(uow) == [(EventType.SCHEDULE_CHANGED, (ScheduleChange.WEEKLY_AVAILABILITY,))]
    assert uow.outbox.events[0].provider_id == 1


def test_time_off_and_extra_time_emit_what_was_added_and_removed(uow):
    start = utc("2026-03-02 09:00")
    off, _ = add_override(uow, DateOverride(1, start, start + timedelta(hours=1)))
    extra = DateOverride(1, start, start + timedelta(hours=1), OverrideKind.AVAILABLE)
    more, _ = add_override(uow, extra)
    delete_override(uow, 1, off.id)
    delete_override(uow, 1, more.id)
    assert [changes for _, changes in _kinds(uow)] == [
        (ScheduleChange.TIME_OFF_ADDED,),
        (ScheduleChange.EXTRA_AVAILABILITY_ADDED,),
        (ScheduleChange.TIME_OFF_REMOVED,),
        (ScheduleChange.EXTRA_AVAILABILITY_REMOVED,),
    ]


@pytest.mark.parametrize(
    ("changes", "emits"),
    [
        ({"buffer_after": 10}, True),
        ({"min_notice_minutes": 60}, True),
        ({"horizon_days": 30}, True),
        ({"timezone": "Europe/Berlin"}, True),
        ({"name": "Dr. B", "email": None, "accepts_new_clients": False}, False),
        ({"min_cancel_notice_minutes": 60}, False),
        ({"buffer_after": 0}, False),  # unchanged
    ],
)
def test_only_policy_changes_that_alter_free_time_emit(uow, changes, emits):
    update_provider(uow, 1, changes)
    assert _kinds(uow) == (
        [(EventType.SCHEDULE_CHANGED, (ScheduleChange.POLICIES,))] if emits else []
    )


def test_a_failed_unit_keeps_no_event(uow):
    with pytest.raises(errors.ProviderNotFound):
        add_override(uow, DateOverride(99, utc("2026-03-02 09:00"), utc("2026-03-02 10:00")))
    assert uow.outbox.events == []


def test_a_weekly_availability_put_emits_a_schedule_change_only_when_windows_changed(uow):
    window = {
        "starts_at": {"day_of_week": "friday", "time": "09:00"},
        "ends_at": {"day_of_week": "friday", "time": "12:00"},
    }
    replace_weekly_availability(uow, 1, [window])
    replace_weekly_availability(uow, 1, [window])
    assert _kinds(uow) == [(EventType.SCHEDULE_CHANGED, (ScheduleChange.WEEKLY_AVAILABILITY,))]
