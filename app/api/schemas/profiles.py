"""A provider's profile on the wire: its lists of codes, checked and normalized here, where
the standards' libraries live (langcodes for BCP 47, pycountry for ISO 3166-2)."""

from __future__ import annotations

import re
from typing import Any

import langcodes
import pycountry
from marshmallow import ValidationError, fields, validate

from domain.profiles import CODE, FIELDS, MAX_CODES, Kind, Modality

REGION_PATTERN = r"^[A-Z]{2}-[A-Z0-9]{1,3}$"
_REGION = re.compile(REGION_PATTERN)
#: What each list means (docs/DECISIONS.md, "Provider matching").
ABOUT = {
    Kind.SPECIALTY: "Practice-defined specialty codes (lowercase letters, digits, `_`, `-`).",
    Kind.LANGUAGE: "Languages spoken, as BCP 47 tags (`es`, `pt-BR`); answered in their "
    "standard form (`es-mx` becomes `es-MX`, `spa` becomes `es`).",
    Kind.MODALITY: "How the provider sees clients: `in_person`, `video`, `phone`.",
    Kind.REGION: "Where the provider is licensed, as ISO 3166-2 subdivision codes (`US-TX`).",
    Kind.PAYER: "Practice-defined payer codes (lowercase letters, digits, `_`, `-`).",
}
EXAMPLES = {
    Kind.SPECIALTY: ["anxiety", "couples"],
    Kind.LANGUAGE: ["en", "es"],
    Kind.MODALITY: ["video", "in_person"],
    Kind.REGION: ["US-TX", "US-NM"],
    Kind.PAYER: ["aetna", "bcbs-tx"],
}


class LanguageTag(fields.String):
    """A well-formed, valid BCP 47 tag, loaded in its standard form."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if not langcodes.tag_is_valid(text):
            raise ValidationError(f"Not a valid BCP 47 language tag: {text!r}.")
        return str(langcodes.standardize_tag(text))


def known_region(value: str) -> None:
    found = pycountry.subdivisions.get(code=value)  # type: ignore[no-untyped-call]
    if not _REGION.fullmatch(value) or found is None:
        raise ValidationError(f"Not an ISO 3166-2 subdivision code: {value!r}.")


def code_field(kind: Kind, strict: bool = True) -> fields.Field[Any]:
    """One code of ``kind``, as a request gives it."""
    if kind is Kind.LANGUAGE:
        return LanguageTag(validate=validate.Length(2, 35), metadata={"maxLength": 35})
    if kind is Kind.MODALITY:
        return fields.String(validate=validate.OneOf([m.value for m in Modality]))
    if kind is Kind.REGION:
        return fields.String(validate=known_region, metadata={"pattern": REGION_PATTERN})
    return fields.String(validate=validate.Regexp(CODE), metadata={"pattern": CODE.pattern})


def code_list(kind: Kind, **kwargs: Any) -> fields.List[Any]:
    """A profile list in a request: at most ``MAX_CODES`` codes; repeats are dropped."""
    metadata = {"description": ABOUT[kind], "example": EXAMPLES[kind]}
    return fields.List(
        code_field(kind),
        validate=validate.Length(max=MAX_CODES[kind]),
        metadata=metadata,
        **kwargs,
    )


def code_list_out(kind: Kind) -> fields.List[Any]:
    metadata = {"description": ABOUT[kind] + " Sorted.", "example": sorted(EXAMPLES[kind])}
    return fields.List(fields.String(), required=True, metadata=metadata)


def profile_fields(**kwargs: Any) -> dict[str, fields.Field[Any]]:
    """The five lists, by profile field name, for a request schema."""
    return {name: code_list(kind, **kwargs) for kind, name in FIELDS.items()}


def profile_fields_out() -> dict[str, fields.Field[Any]]:
    return {name: code_list_out(kind) for kind, name in FIELDS.items()}
