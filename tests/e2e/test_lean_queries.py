"""The free-windows query's lean load answers what marshmallow's full load does, errors too."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from marshmallow import Schema, ValidationError

from app.api.schemas import AvailabilityQuerySchema

INSTANTS = st.sampled_from(
    [
        "2026-12-07T00:00:00Z",
        "2026-12-07T09:30:00+01:00",
        "2026-12-08T00:00:00.5Z",
        "2026-12-14T00:00:00-05:00",
        "2026-12-07T00:00:00",  # no offset
        "1969-12-31T23:59:59Z",  # before the range allowed
        "not a time",
        "",
    ]
)
MINUTES = st.sampled_from(["5", "30", "1440", "4", "1441", "30.5", "-30", "x", "", "０"])
QUERIES = st.fixed_dictionaries(
    {},
    optional={
        "from": INSTANTS,
        "to": INSTANTS,
        "duration": MINUTES,
        "step": MINUTES,
        "page": st.just("2"),
        "unknown": st.just("1"),
    },
)


def _outcome(load: Any, query: dict[str, str]) -> Any:
    try:
        return load(query)
    except ValidationError as error:
        return ("invalid", error.messages)


@given(query=QUERIES)
def test_the_lean_load_equals_the_full_load_for_any_query(query: dict[str, str]) -> None:
    schema = AvailabilityQuerySchema()
    full = _outcome(lambda q: Schema.load(schema, q), query)
    assert _outcome(schema.load, query) == full


def test_a_plain_valid_query_takes_the_lean_path_and_a_doubtful_one_does_not() -> None:
    schema = AvailabilityQuerySchema()
    valid = {"from": "2026-12-07T00:00:00Z", "to": "2026-12-14T00:00:00Z", "duration": "30"}
    assert schema._quick(valid) == Schema.load(schema, valid)
    assert schema._quick({**valid, "step": "x"}) is None  # a field's own error
    assert schema._quick({**valid, "to": valid["from"]}) is None  # a rule across fields
    assert schema._quick({**valid, "page": "2"}) is None  # not one of its fields
