"""Versions of the free-time answer: what changes them, and that a known one computes nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from domain import errors
from domain.model import Provider
from domain.rules.conditional import availability_version
from domain.use_cases.availability import free_windows, tagged_free_windows
from domain.use_cases.booking import book
from domain.use_cases.directory import update_provider
from domain.use_cases.moves import reschedule
from tests.unit.builders import utc
from tests.unit.fakes import FakeAppointments, FakeWindows

MONDAY = utc("2026-03-02 00:00")
TUESDAY = utc("2026-03-03 00:00")
NOW = utc("2026-03-01 12:00")
PROVIDER = Provider("Dr. Ada Lovelace", id=1)


def version(provider: Provider = PROVIDER, now=NOW, lower=MONDAY, upper=TUESDAY, duration=None):
    return availability_version(provider, lower, upper, duration, None, now)


def test_every_input_of_the_answer_is_in_its_version():
    base = version()
    changed = [
        replace(PROVIDER, schedule_version=1),
        replace(PROVIDER, booking_version=1),
        replace(PROVIDER, timezone="Europe/Berlin"),
        replace(PROVIDER, buffer_before=5),
        replace(PROVIDER, buffer_after=5),
        replace(PROVIDER, min_notice_minutes=5),
        replace(PROVIDER, horizon_days=365),
    ]
    assert all(version(provider) != base for provider in changed)
    assert version(upper=TUESDAY + timedelta(hours=1)) != base
    assert version(duration=timedelta(minutes=30)) != base
    assert version(replace(PROVIDER, name="Dr. Renamed", min_cancel_notice_minutes=60)) == base


def test_now_is_in_the_version_only_when_the_booking_window_cuts_the_range():
    later = NOW + timedelta(minutes=1)
    assert version(now=later) == version()  # the whole range lies ahead
    notice = replace(PROVIDER, min_notice_minutes=13 * 60)  # now + notice is Monday 01:00
    assert version(notice, now=later) != version(notice)
    horizon = replace(PROVIDER, horizon_days=1)  # now + horizon is Monday 12:00
    assert version(horizon, now=later) != version(horizon)
    inside = MONDAY + timedelta(hours=1)
    assert version(now=inside + timedelta(seconds=1)) != version(now=inside)


class UntouchableWindows(FakeWindows):
    def for_provider(self, provider_id: int):
        raise AssertionError("a known version must not read the windows")


class UntouchableAppointments(FakeAppointments):
    def scheduled_for_provider(self, provider_id, lower, upper):
        raise AssertionError("a known version must not read the appointments")

    booked_times = provider_with_booked = scheduled_for_provider


def test_a_known_version_reads_the_provider_alone_and_computes_nothing(uow, clock):
    computed = tagged_free_windows(uow, clock, 1, MONDAY, TUESDAY)
    assert computed.windows == free_windows(uow, clock, 1, MONDAY, TUESDAY)
    uow.windows = UntouchableWindows(uow.providers)
    uow.appointments = UntouchableAppointments(uow.providers, uow.clients)
    known = tagged_free_windows(uow, clock, 1, MONDAY, TUESDAY, known=computed.version.__eq__)
    assert known.windows is None and known.version == computed.version


def test_an_update_expecting_another_provider_is_refused_under_the_lock_and_changes_nothing(uow):
    with pytest.raises(errors.PreconditionFailed):
        update_provider(uow, 1, {"buffer_after": 10}, expected=lambda _current: False)
    assert uow.providers.get(1).buffer_after == 0
    assert uow.locks[-1] == (1, None) and uow.committed == 0
    changed = update_provider(uow, 1, {"buffer_after": 10}, expected=lambda p: p.buffer_after == 0)
    assert changed.buffer_after == 10


def test_a_move_expecting_another_appointment_is_refused_and_changes_nothing(uow, clock):
    start = utc("2026-03-02 09:00")
    booked = book(uow, clock, 1, 1, start, start + timedelta(minutes=30))
    later = start + timedelta(hours=1)
    with pytest.raises(errors.PreconditionFailed):
        reschedule(uow, clock, booked.id, later, later + timedelta(minutes=30), lambda _a: False)
    assert uow.appointments.get(booked.id) == booked
    moved = reschedule(
        uow, clock, booked.id, later, later + timedelta(minutes=30), lambda a: a == booked
    )
    assert moved.starts_at == later and moved.sequence == 2
