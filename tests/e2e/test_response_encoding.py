"""The hot responses' lean dumps and the orjson encoder answer what marshmallow and json did."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from hypothesis import given
from hypothesis import strategies as st

from app.api.schemas import AppointmentSchema, AvailabilitySchema, FirstSlotsSchema, RosterSchema
from app.json_provider import encode
from domain.intervals import Interval
from domain.model import Appointment, AppointmentStatus, CanceledBy, Provider
from domain.rules.roster import RosterSlot
from tests.e2e.support import new_provider

ZONES = st.sampled_from(
    [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(-timedelta(hours=8))]
)
#: Any instant, in UTC or another offset, with or without fractions of a second.
MOMENTS = st.builds(
    lambda moment, zone: moment.replace(tzinfo=UTC).astimezone(zone),
    st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(9998, 12, 30)),
    ZONES,
)
IDS = st.integers(1, 2**63 - 1)
INTERVALS = st.tuples(MOMENTS, MOMENTS).map(lambda pair: Interval(*sorted(pair)))
APPOINTMENTS = st.builds(
    lambda starts_at, minutes, **fields: Appointment(
        starts_at=starts_at, ends_at=starts_at + timedelta(minutes=minutes), **fields
    ),
    starts_at=MOMENTS,
    minutes=st.integers(5, 1440),
    client_id=IDS,
    provider_id=IDS,
    created_at=MOMENTS,
    status=st.sampled_from(AppointmentStatus),
    canceled_at=st.none() | MOMENTS,
    id=IDS,
    cancel_reason=st.none() | st.text(max_size=20),
    canceled_by=st.none() | st.sampled_from(CanceledBy),
    sequence=st.integers(1, 10_000),
)


@given(
    provider_id=IDS,
    lower=MOMENTS,
    upper=MOMENTS,
    windows=st.lists(INTERVALS, max_size=5),
    extra=st.fixed_dictionaries({}, optional={"duration": st.integers(5, 1440)}),
)
def test_the_lean_availability_dump_equals_marshmallows_field_by_field_dump(
    provider_id: int,
    lower: datetime,
    upper: datetime,
    windows: list[Interval],
    extra: dict[str, Any],
) -> None:
    answer = {"provider_id": provider_id, "lower": lower, "upper": upper, **extra}
    answer["availabilities"] = windows
    schema = AvailabilitySchema()
    assert json.loads(encode(schema.dump(answer))) == schema.field_dump(answer)


HEADS = st.fixed_dictionaries(
    {
        "lower": MOMENTS,
        "upper": MOMENTS,
        "duration": st.integers(5, 1440),
        "step": st.integers(5, 1440),
    }
)
ROSTER_SLOTS = st.builds(
    lambda span, ids: RosterSlot(span.start, span.end, tuple(ids)),
    INTERVALS,
    st.lists(IDS, min_size=1, max_size=4),
)
FIRST_SLOTS = st.builds(
    lambda span, provider_id: {
        "provider_id": provider_id,
        "starts_at": span.start,
        "ends_at": span.end,
    },
    INTERVALS,
    IDS,
)


@given(head=HEADS, slots=st.lists(ROSTER_SLOTS, max_size=4), upto=st.none() | MOMENTS)
def test_the_lean_roster_dump_equals_marshmallows_field_by_field_dump(head, slots, upto):
    answer = {**head, "slots": slots, "next_from": upto}
    schema = RosterSchema()
    assert json.loads(encode(schema.dump(answer))) == schema.field_dump(answer)


@given(head=HEADS, slots=st.lists(FIRST_SLOTS, max_size=4))
def test_the_lean_first_available_dump_equals_marshmallows_field_by_field_dump(head, slots):
    answer = {**head, "slots": slots}
    schema = FirstSlotsSchema()
    assert json.loads(encode(schema.dump(answer))) == schema.field_dump(answer)


@given(appointments=st.lists(APPOINTMENTS, max_size=3))
def test_the_lean_appointment_dump_equals_marshmallows_one_and_many(
    appointments: list[Appointment],
) -> None:
    one, many = AppointmentSchema(), AppointmentSchema(many=True)
    assert many.dump(appointments) == many.field_dump(appointments)  # strings: webhooks too
    for appointment in appointments:
        assert one.dump(appointment) == one.field_dump(appointment)


@given(appointment=APPOINTMENTS)
def test_a_schema_limited_to_some_fields_dumps_only_those(appointment: Appointment) -> None:
    dumped = AppointmentSchema(only=("id", "status")).dump(appointment)
    assert dumped == {"id": appointment.id, "status": appointment.status.value}


def test_answers_are_compact_utf8_json_in_the_schemas_field_order(app: Flask) -> None:
    client = app.test_client()
    provider = new_provider(client, name="Zoë Ødegård", timezone="Europe/Oslo")
    answer = client.get(f"/providers/{provider['id']}")
    assert answer.headers["Content-Type"] == "application/json"
    assert "Zoë Ødegård".encode() in answer.data  # UTF-8, not \\u escapes
    assert answer.data.endswith(b"}\n") and b", " not in answer.data
    assert list(json.loads(answer.data))[:3] == ["id", "name", "email"]


def test_the_encoder_writes_instants_in_utc_and_the_rest_as_flasks_own_would(
    app: Flask,
) -> None:
    berlin = timezone(timedelta(hours=1))
    value = {
        1: "integer key",
        "utc": datetime(2026, 12, 7, 14, 0, tzinfo=UTC),
        "fraction": datetime(2026, 12, 7, 14, 0, 0, 5000, tzinfo=UTC),
        "offset": datetime(2026, 12, 7, 15, 0, tzinfo=berlin),
        "provider": Provider("Dr. Grace Hopper", id=1),
    }
    with app.app_context():
        ours = json.loads(app.json.response(value).get_data())
        flasks = json.loads(DefaultJSONProvider(app).dumps(value, sort_keys=False))
    assert ours["utc"] == "2026-12-07T14:00:00Z"
    assert ours["fraction"] == "2026-12-07T14:00:00.005000Z"
    assert (
        ours["offset"] == "2026-12-07T15:00:00+01:00"
    )  # never reached by an answer: lean dumps convert
    assert {k: ours[k] for k in ("1", "provider")} == {k: flasks[k] for k in ("1", "provider")}
