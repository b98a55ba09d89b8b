"""Schemas of hot requests and responses that skip marshmallow's schema-level machinery.

The schema still documents the request or response (the OpenAPI document is built from its
fields). ``LeanSchema.lean`` builds a response's dict in one plain function; ``LeanQuery``
loads the common, valid query through each field alone and falls back to the full load for
anything else, errors included. tests/e2e/test_response_encoding.py and
tests/e2e/test_lean_queries.py prove each agrees with marshmallow (docs/DECISIONS.md,
"Encoding responses").
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Any

from marshmallow import Schema, ValidationError
from marshmallow.fields import Field


class LeanSchema(Schema):
    """A schema whose ``dump`` is ``lean``, applied to one object or to each of many."""

    @staticmethod
    def lean(obj: Any) -> dict[str, Any]:
        raise NotImplementedError

    def dump(self, obj: Any, *, many: bool | None = None) -> Any:
        if self.only is not None or self.exclude:
            return super().dump(obj, many=many)
        if self.many if many is None else many:
            return [self.lean(item) for item in obj]
        return self.lean(obj)

    def field_dump(self, obj: Any, *, many: bool | None = None) -> Any:
        """marshmallow's own dump, field by field: what ``lean`` must agree with."""
        return super().dump(obj, many=many)


class LeanQuery(Schema):
    """A query schema whose ``load`` first tries each parameter's own field and then
    ``lean_valid``; whenever either has a doubt, marshmallow's full load decides."""

    def lean_valid(self, values: Mapping[str, Any]) -> bool:
        raise NotImplementedError

    def load(self, data: Any, *, many: Any = None, partial: Any = None, unknown: Any = None) -> Any:
        quick = None if many or partial or unknown else self._quick(data)
        if quick is not None:
            return quick
        return super().load(data, many=many, partial=partial, unknown=unknown)

    @cached_property
    def _by_key(self) -> dict[str, tuple[str, Field[Any]]]:
        return {field.data_key or name: (name, field) for name, field in self.load_fields.items()}

    def _quick(self, data: Mapping[str, Any]) -> dict[str, Any] | None:
        by_key = self._by_key
        values = {}
        try:
            for key in data:
                name, field = by_key[key]  # KeyError: unknown here, so the full load's call
                values[name] = field.deserialize(data[key], key, data)
        except (KeyError, ValidationError):
            return None
        return values if self.lean_valid(values) else None
