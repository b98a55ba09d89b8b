"""Use cases added with provider policies: time off, rescheduling, cancellation details."""

from dataclasses import replace
from datetime import timedelta

import pytest

from domain import errors
from domain.model import AppointmentStatus, CanceledBy, DateOverride, OverrideKind
from domain.use_cases.availability import free_windows
from domain.use_cases.booking import book
from domain.use_cases.directory import update_provider
from domain.use_cases.moves import cancel, reschedule
from domain.use_cases.time_off import add_override, delete_override, list_overrides
from tests.unit.builders import utc


def monday(clock: str):
    return utc(f"2026-03-02 {clock}")


def book_monday(uow, clock, start, end, client_id=1, provider_id=1):
    return book(uow, clock, client_id, provider_id, monday(start), monday(end))


def test_time_off_keeps_and_reports_the_appointments_it_covers(uow, clock):
    kept = book_monday(uow, clock, "09:00", "09:30")
    block = DateOverride(1, monday("08:00"), monday("10:00"), reason="conference")
    stored, covered = add_override(uow, block)
    assert stored.id is not None
    assert covered == [kept]
    assert uow.appointments.get(kept.id).status is AppointmentStatus.SCHEDULED
    assert uow.write_locked


def test_time_off_is_listed_and_removed_and_frees_time_again(uow, clock):
    block, _ = add_override(uow, DateOverride(1, monday("09:00"), monday("12:00")))
    day = (monday("00:00"), monday("23:59"))
    assert free_windows(uow, clock, 1, *day) == [(monday("13:00"), monday("14:00"))]
    assert list_overrides(uow, 1) == [block]
    delete_override(uow, 1, block.id)
    assert list_overrides(uow, 1) == []
    assert len(free_windows(uow, clock, 1, *day)) == 2


def test_extra_availability_can_be_booked(uow, clock):
    add_override(uow, DateOverride(1, monday("18:00"), monday("19:00"), OverrideKind.AVAILABLE))
    assert book_monday(uow, clock, "18:00", "19:00").id is not None


def test_overrides_of_unknown_providers_or_other_providers_are_not_found(uow):
    with pytest.raises(errors.ProviderNotFound):
        add_override(uow, DateOverride(99, monday("09:00"), monday("10:00")))
    with pytest.raises(errors.ProviderNotFound):
        list_overrides(uow, 99)
    block, _ = add_override(uow, DateOverride(1, monday("09:00"), monday("10:00")))
    with pytest.raises(errors.OverrideNotFound):
        delete_override(uow, 2, block.id)


def test_free_windows_with_a_step_yield_overlapping_candidates(uow, clock):
    found = free_windows(
        uow,
        clock,
        1,
        monday("13:00"),
        monday("14:00"),
        timedelta(minutes=30),
        timedelta(minutes=15),
    )
    assert [s.start for s in found] == [monday("13:00"), monday("13:15"), monday("13:30")]
    with pytest.raises(errors.InvalidRequest, match="step needs a duration"):
        free_windows(uow, clock, 1, monday("13:00"), monday("14:00"), None, timedelta(minutes=15))
    with pytest.raises(errors.InvalidRequest, match="step must be between"):
        free_windows(
            uow,
            clock,
            1,
            monday("13:00"),
            monday("14:00"),
            timedelta(minutes=30),
            timedelta(minutes=1),
        )


def test_a_buffer_policy_shrinks_listed_windows_and_refuses_close_bookings(uow, clock):
    update_provider(uow, 1, {"buffer_after": 15})
    book_monday(uow, clock, "10:00", "10:30")
    listed = free_windows(uow, clock, 1, monday("09:00"), monday("12:00"))
    assert listed == [(monday("09:00"), monday("09:45")), (monday("10:45"), monday("12:00"))]
    with pytest.raises(errors.ProviderConflict, match="buffer"):
        book_monday(uow, clock, "10:30", "11:00", client_id=2)


def test_notice_and_horizon_refusals_say_which_rule_was_broken(uow, clock):
    update_provider(uow, 1, {"min_notice_minutes": 24 * 60, "horizon_days": 7})
    with pytest.raises(errors.TooShortNotice):
        book_monday(uow, clock, "09:00", "09:30")  # 21 hours after now
    with pytest.raises(errors.BeyondHorizon):
        book(uow, clock, 1, 1, utc("2026-03-09 09:00"), utc("2026-03-09 09:30"))
    assert book_monday(uow, clock, "13:00", "13:30").id is not None


def test_policy_values_out_of_range_are_refused(uow):
    for changes in ({"buffer_before": -1}, {"min_notice_minutes": 10**9}, {"horizon_days": 0}):
        with pytest.raises(errors.InvalidRequest):
            update_provider(uow, 1, changes)


def test_rescheduling_moves_the_appointment_and_may_overlap_its_own_old_time(uow, clock):
    appointment = book_monday(uow, clock, "09:00", "10:00")
    moved = reschedule(uow, clock, appointment.id, monday("09:30"), monday("10:30"))
    assert (moved.id, moved.starts_at, moved.ends_at) == (
        appointment.id,
        monday("09:30"),
        monday("10:30"),
    )
    assert uow.locks[-1] == (1, 1)


def test_rescheduling_into_its_own_buffer_is_allowed_but_not_into_anothers(uow, clock):
    update_provider(uow, 1, {"buffer_before": 30, "buffer_after": 30})
    mine = book_monday(uow, clock, "09:00", "09:30")
    book_monday(uow, clock, "11:00", "11:30", client_id=2)
    assert reschedule(uow, clock, mine.id, monday("09:15"), monday("09:45")).id == mine.id
    with pytest.raises(errors.ProviderConflict):
        reschedule(uow, clock, mine.id, monday("10:15"), monday("10:45"))


def test_a_failed_reschedule_changes_nothing(uow, clock):
    mine = book_monday(uow, clock, "09:00", "09:30")
    with pytest.raises(errors.OutsideAvailability):
        reschedule(uow, clock, mine.id, monday("12:00"), monday("12:30"))
    assert uow.appointments.get(mine.id) == mine


def test_a_canceled_appointment_cannot_be_moved(uow, clock):
    appointment = book_monday(uow, clock, "09:00", "09:30")
    cancel(uow, clock, appointment.id)
    with pytest.raises(errors.AppointmentCanceled):
        reschedule(uow, clock, appointment.id, monday("10:00"), monday("10:30"))


def test_rescheduling_an_unknown_appointment_is_not_found(uow, clock):
    with pytest.raises(errors.AppointmentNotFound):
        reschedule(uow, clock, 99, monday("10:00"), monday("10:30"))


def test_cancellation_stores_the_reason_and_who_canceled(uow, clock):
    appointment = book_monday(uow, clock, "09:00", "09:30")
    canceled = cancel(uow, clock, appointment.id, "feeling better", CanceledBy.CLIENT)
    assert (canceled.cancel_reason, canceled.canceled_by) == ("feeling better", CanceledBy.CLIENT)
    again = cancel(uow, clock, appointment.id, "other", CanceledBy.PROVIDER)
    assert again == canceled


def test_a_cancellation_later_than_the_providers_notice_is_refused(uow, clock):
    appointment = book_monday(uow, clock, "09:00", "09:30")
    update_provider(uow, 1, {"min_cancel_notice_minutes": 24 * 60})
    with pytest.raises(errors.CancellationTooLate, match="1440 minutes"):
        cancel(uow, clock, appointment.id)
    clock.current = monday("09:00") - timedelta(hours=25)
    assert cancel(uow, clock, appointment.id).status is AppointmentStatus.CANCELED


def test_every_writing_use_case_takes_the_write_lock_first(uow, clock):
    appointment = book_monday(uow, clock, "09:00", "09:30")
    for use_case in (
        lambda: cancel(uow, clock, appointment.id),
        lambda: add_override(uow, DateOverride(1, monday("15:00"), monday("16:00"))),
        lambda: update_provider(uow, 1, {"name": "Dr. Renamed"}),
    ):
        uow.write_locked = False
        use_case()
        assert uow.write_locked


def test_a_provider_patch_keeps_other_policies(uow):
    update_provider(uow, 1, {"buffer_before": 5})
    provider = update_provider(uow, 1, {"horizon_days": 30})
    assert replace(provider, horizon_days=None).buffer_before == 5


def test_reasons_longer_than_500_characters_are_refused(uow, clock):
    appointment = book_monday(uow, clock, "09:00", "09:30")
    with pytest.raises(errors.InvalidRequest, match="500 characters"):
        cancel(uow, clock, appointment.id, "x" * 501)
    with pytest.raises(errors.InvalidRequest, match="500 characters"):
        DateOverride(1, monday("09:00"), monday("10:00"), reason="x" * 501)
    assert cancel(uow, clock, appointment.id, "x" * 500).cancel_reason == "x" * 500


def test_a_buffer_longer_than_any_allowed_still_keeps_listed_time_clear(uow, clock):
    """The listing reads bookings widened by the largest allowed buffer; a stored row beyond
    the domain's bounds (written by hand, say) is read again with its own buffer."""
    book_monday(uow, clock, "10:00", "10:30", client_id=1, provider_id=3)
    assert [(w.start.hour, w.end.hour) for w in free_windows(uow, clock, 3, *monday_range())] == [
        (9, 10),
        (10, 17),
    ]
    next_monday = tuple(moment + timedelta(days=7) for moment in monday_range())
    assert len(free_windows(uow, clock, 3, *next_monday)) == 1
    provider = uow.providers.get(3)
    uow.providers.table.rows[3] = replace(provider, buffer_after=8 * 24 * 60)  # 8 days
    assert free_windows(uow, clock, 3, *next_monday) == []  # inside the buffer a week on


def monday_range():
    return monday("00:00"), monday("00:00") + timedelta(days=1)
