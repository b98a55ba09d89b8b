"""Schemas of hot responses that dump without marshmallow's per-field machinery.

The schema still documents the response (the OpenAPI document is built from its fields);
``lean`` builds the same dict in one plain function, and tests/unit/test_lean_dump.py proves
the two agree (docs/DECISIONS.md, "Encoding responses").
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema


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
