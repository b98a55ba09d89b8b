"""The app's JSON responses, encoded by orjson (docs/DECISIONS.md, "Encoding responses").

Only ``response`` changes: ``dumps`` and ``loads`` stay the standard library's, so ETags
hashed from ``dumps`` and the request parser's errors are as before. Keys keep the schemas'
field order; anything orjson does not know natively (and every date, as Flask writes them as
HTTP dates) goes through Flask's own ``default``.
"""

from __future__ import annotations

from typing import Any

import orjson
from flask.json.provider import DefaultJSONProvider
from werkzeug.sansio.response import Response

#: Non-string keys (marshmallow's errors for list items are keyed by index) as strings, like
#: the standard library; dates and dataclasses through Flask's ``default``, as before.
_OPTIONS = (
    orjson.OPT_NON_STR_KEYS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_APPEND_NEWLINE
)


class OrjsonProvider(DefaultJSONProvider):
    """JSON keys in the schemas' field order, as the OpenAPI document lists them."""

    sort_keys = False

    def response(self, *args: Any, **kwargs: Any) -> Response:
        """Compact JSON, encoded in one call; indented (debug mode) as Flask does it."""
        if (self.compact is None and self._app.debug) or self.compact is False:
            return super().response(*args, **kwargs)
        obj = self._prepare_response_obj(args, kwargs)
        body = orjson.dumps(obj, default=self.default, option=_OPTIONS)
        response_class: Any = self._app.response_class  # a werkzeug Response: takes bytes
        return response_class(body, mimetype=self.mimetype)  # type: ignore[no-any-return]
