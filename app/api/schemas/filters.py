"""The filters of a roster search, a first-available search and a pool booking: which
providers they ask for (docs/DECISIONS.md, "Provider matching")."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from app.api.fields import Id
from app.api.schemas.profiles import EXAMPLES, code_field
from domain.profiles import Filters, Kind

#: The filter of each kind, as requests name it (singular: one value per repetition).
NAMES = {
    Kind.SPECIALTY: "specialty",
    Kind.LANGUAGE: "language",
    Kind.MODALITY: "modality",
    Kind.REGION: "region",
    Kind.PAYER: "payer",
}
_ABOUT = {
    Kind.SPECIALTY: "Only providers with one of these specialty codes.",
    Kind.LANGUAGE: "Only providers speaking one of these languages (BCP 47 tags, matched in "
    "their standard form: `es` matches `es`, not `es-MX`).",
    Kind.MODALITY: "Only providers seeing clients in one of these ways.",
    Kind.REGION: "Only providers licensed in one of these ISO 3166-2 regions.",
    Kind.PAYER: "Only providers taking one of these payers.",
}
_MOST_VALUES = 20
_TYPE = (
    "Only providers offering this appointment type in its modality; the type's lengths and "
    "policies then apply (`duration` may be left out, or must be one of the type's)."
)


def filter_fields(query: bool) -> dict[str, Any]:
    """The filter fields of a query string (each repeated for several values) or a body
    (each a list); different filters combine with AND, the values of one with OR."""
    again = " Repeat it for several values." if query else ""
    made: dict[str, Any] = {
        name: fields.List(
            code_field(kind),
            validate=validate.Length(1, _MOST_VALUES),
            metadata={"description": _ABOUT[kind] + again, "example": EXAMPLES[kind][:1]},
        )
        for kind, name in NAMES.items()
    }
    made["appointment_type_id"] = Id(strict=not query, metadata={"description": _TYPE})
    return made


def filters_of(data: dict[str, Any]) -> Filters:
    """The filters of parsed ``data``, taken out of it (``accepts_new_clients`` too)."""
    codes = {field: frozenset(data.pop(name, ())) for field, name in _FIELD_NAMES.items()}
    return Filters(
        **codes,
        appointment_type_id=data.pop("appointment_type_id", None),
        accepts_new_clients=data.pop("accepts_new_clients", None),
    )


_FIELD_NAMES = {
    "specialties": "specialty",
    "languages": "language",
    "modalities": "modality",
    "licensed_regions": "region",
    "payers": "payer",
}


#: Bases of the schemas that take the filters, in a body and in a query string.
BodyFilters = Schema.from_dict(filter_fields(query=False), name="BodyFilters")
QueryFilters = Schema.from_dict(filter_fields(query=True), name="QueryFilters")
