"""The app's JSON responses, encoded by orjson (docs/DECISIONS.md, "Encoding responses").

Only ``response`` changes: ``dumps`` and ``loads`` stay the standard library's, so ETags
hashed from ``dumps`` and the request parser's errors are as before. Keys keep the schemas'
field order; an instant is written as RFC 3339, ``Z`` for UTC (the API's own format, which
``LeanSchema`` dumps leave to the encoder); dataclasses and anything else orjson does not
know go through Flask's own ``default``.
"""

from __future__ import annotations

from typing import Any

import orjson
from flask.json.provider import DefaultJSONProvider
from werkzeug.sansio.response import Response

#: Non-string keys as strings, like the standard library; dataclasses through Flask's
#: ``default``, as before.
_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_UTC_Z | orjson.OPT_PASSTHROUGH_DATACLASS


def encode(obj: Any, default: Any = None) -> bytes:
    """``obj`` as the app answers it, without the final newline."""
    return orjson.dumps(obj, default=default, option=_OPTIONS)


class OrjsonProvider(DefaultJSONProvider):
    """JSON keys in the schemas' field order, as the OpenAPI document lists them."""

    sort_keys = False

    def response(self, *args: Any, **kwargs: Any) -> Response:
        """Compact JSON, encoded in one call; indented (debug mode) as Flask does it."""
        if (self.compact is None and self._app.debug) or self.compact is False:
            return super().response(*args, **kwargs)
        obj = self._prepare_response_obj(args, kwargs)
        body = orjson.dumps(obj, default=self.default, option=_OPTIONS | orjson.OPT_APPEND_NEWLINE)
        response_class: Any = self._app.response_class  # a werkzeug Response: takes bytes
        return response_class(body, mimetype=self.mimetype)  # type: ignore[no-any-return]
