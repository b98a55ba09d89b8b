"""Booking by appointment type, one provider or a pool, on the fakes (docs/DECISIONS.md,
"Provider matching")."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain import errors
from domain.model import Appointment
from domain.profiles import AppointmentType, ClientRule, Filters, Modality, Profile
from domain.use_cases.booking import book
from domain.use_cases.pool_booking import book_any
from tests.unit.builders import utc

MONDAY_9 = utc("2026-03-02 09:00")
INTAKE = AppointmentType("Intake", (60, 90), Modality.VIDEO, ClientRule.NEW)


@pytest.fixture
def typed(uow):
    """Types 1 (video intake, new clients, 60 or 90 minutes) and 2 (phone, existing clients);
    providers 1 and 3 see clients by video and offer type 1; provider 1 also offers type 2."""
    uow.appointment_types.add(INTAKE)
    uow.appointment_types.add(AppointmentType("Call", (30,), Modality.PHONE, ClientRule.EXISTING))
    uow.profiles.replace(1, Profile.of(modalities=["video", "phone"], payers=["aetna"]))
    uow.profiles.replace(3, Profile.of(modalities=["video"], payers=["cigna"]))
    uow.appointment_types.offer(1, [1, 2])
    uow.appointment_types.offer(3, [1])
    return uow


def test_a_typed_booking_takes_the_types_default_length_and_records_type_and_modality(typed, clock):
    made = book(typed, clock, 1, 1, MONDAY_9, appointment_type_id=1)
    assert (made.ends_at, made.appointment_type_id, made.modality) == (
        MONDAY_9 + timedelta(minutes=60),
        1,
        "video",
    )
    assert typed.appointments.get(made.id) == made


def test_an_end_must_give_one_of_the_types_lengths(typed, clock):
    with pytest.raises(errors.TypeNotBookable, match="lasts 60, 90 minutes"):
        book(typed, clock, 1, 1, MONDAY_9, MONDAY_9 + timedelta(minutes=45), appointment_type_id=1)
    made = book(typed, clock, 1, 1, MONDAY_9, MONDAY_9 + timedelta(minutes=90), None, 1)
    assert made.ends_at - made.starts_at == timedelta(minutes=90)


def test_a_provider_must_offer_the_type_and_its_modality(typed, clock):
    with pytest.raises(errors.TypeNotBookable, match="does not offer"):
        book(typed, clock, 1, 2, MONDAY_9, appointment_type_id=1)
    typed.appointment_types.offer(2, [2])
    with pytest.raises(errors.TypeNotBookable, match="by phone"):
        book(typed, clock, 1, 2, MONDAY_9, appointment_type_id=2)


def test_the_types_client_rule_decides_who_may_book_it(typed, clock):
    with pytest.raises(errors.TypeNotBookable, match="existing clients only"):
        book(typed, clock, 1, 1, MONDAY_9, appointment_type_id=2)
    book(typed, clock, 1, 1, MONDAY_9, appointment_type_id=1)
    later = MONDAY_9 + timedelta(hours=1)
    with pytest.raises(errors.TypeNotBookable, match="new clients only"):
        book(typed, clock, 1, 1, later + timedelta(hours=1), appointment_type_id=1)
    assert book(typed, clock, 1, 1, later, appointment_type_id=2).modality == "phone"


def test_the_types_policies_replace_the_providers(typed, clock):
    typed.appointment_types.update(
        AppointmentType("Intake", (60,), Modality.VIDEO, min_notice_minutes=7 * 24 * 60, id=1)
    )
    with pytest.raises(errors.TooShortNotice):
        book(typed, clock, 1, 1, MONDAY_9, appointment_type_id=1)
    assert book(typed, clock, 1, 1, MONDAY_9, MONDAY_9 + timedelta(minutes=60)).modality is None


def test_an_archived_or_unknown_type_is_refused_and_nothing_is_booked(typed, clock):
    typed.appointment_types.update(
        AppointmentType("Intake", (60,), Modality.VIDEO, archived=True, id=1)
    )
    with pytest.raises(errors.TypeNotBookable, match="archived"):
        book(typed, clock, 1, 1, MONDAY_9, appointment_type_id=1)
    with pytest.raises(errors.UnknownReference):
        book(typed, clock, 1, 1, MONDAY_9, appointment_type_id=9)
    assert typed.appointments.table.rows == {}


def test_a_booking_without_a_type_still_needs_an_end(typed, clock):
    with pytest.raises(errors.InvalidRequest, match="ends_at"):
        book(typed, clock, 1, 1, MONDAY_9)


def test_a_pool_booking_picks_only_among_providers_matching_its_filters(typed, clock):
    cigna = Filters(payers=frozenset({"cigna"}))
    made = book_any(
        typed, clock, 1, [1, 3], MONDAY_9, MONDAY_9 + timedelta(minutes=30), None, None, cigna
    )
    assert made.provider_id == 3
    nobody = Filters(payers=frozenset({"humana"}))
    with pytest.raises(errors.TypeNotBookable, match="matches"):
        book_any(
            typed, clock, 2, [1, 3], MONDAY_9, MONDAY_9 + timedelta(minutes=30), None, None, nobody
        )


def test_a_typed_pool_booking_keeps_only_providers_offering_the_type_for_this_client(typed, clock):
    made = book_any(typed, clock, 1, [1, 2, 3], MONDAY_9, appointment_type_id=1)
    assert (made.provider_id, made.appointment_type_id, made.modality) == (1, 1, "video")
    again = book_any(
        typed, clock, 1, [1, 2, 3], MONDAY_9 + timedelta(hours=2), appointment_type_id=1
    )
    assert again.provider_id == 3  # client 1 is no longer new to provider 1
    assert isinstance(again, Appointment)
