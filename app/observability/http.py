"""The request hooks: a request id, one log line per request, metrics, domain events.

See docs/DECISIONS.md, "Structured logs" and "Metrics".
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

from flask import Flask, g, request
from werkzeug.routing import Rule
from werkzeug.wrappers import Response

from app.observability import events, request_id
from app.observability.metrics import Metrics
from app.problems import PROBLEM_MIMETYPE

UNMATCHED = "unmatched"
_PLACEHOLDER = re.compile(r"<(?:[^<>:]+:)?([^<>]+)>")


def openapi_path(rule: Rule) -> str:
    """``/providers/<id(min=1, ...):provider_id>`` as ``/providers/{provider_id}``."""
    return _PLACEHOLDER.sub(r"{\1}", rule.rule)


class RequestHooks:
    """Installed by ``install``: everything the service does around each request."""

    def __init__(self, metrics: Metrics, log: Any, events_log: Any, *, count: bool) -> None:
        self.metrics, self.log, self.events_log, self.count = metrics, log, events_log, count
        self._routes: dict[str, str] = {}

    def install(self, app: Flask) -> None:
        app.before_request(self.begin)
        app.after_request(self.finish)
        app.teardown_request(self.end)

    def begin(self) -> None:
        g.started = time.perf_counter()
        g.request_id = request_id.begin(request.headers.get(request_id.HEADER))

    def finish(self, response: Response) -> Response:
        started = g.get("started")
        seconds = time.perf_counter() - started if started is not None else 0.0
        rid = g.get("request_id") or request_id.begin(request.headers.get(request_id.HEADER))
        response.headers[request_id.HEADER] = rid
        route = self._route(request.url_rule)
        status = response.status_code
        problem_type = _problem_type(response) if status >= 400 else None
        if self.count:
            self.metrics.observe_request(request.method, route, status, seconds)
        events.record(request, response, problem_type, self.metrics, self.events_log)
        # Never the raw path or query: a caller may put anything there (an e-mail, a reason).
        line: dict[str, Any] = {
            "method": request.method,
            "route": route,
            **_ids(request.view_args),
            "status": status,
            "duration_ms": round(seconds * 1000, 2),
        }
        if problem_type is not None:
            line["problem_type"] = problem_type
        (self.log.error if status >= 500 else self.log.info)("request", **line)
        return response

    def end(self, _error: BaseException | None) -> None:
        request_id.end()

    def _route(self, rule: Rule | None) -> str:
        if rule is None:
            return UNMATCHED
        route = self._routes.get(rule.rule)
        if route is None:
            route = self._routes[rule.rule] = openapi_path(rule)
        return route


def _ids(view_args: dict[str, Any] | None) -> dict[str, int]:
    """The path's ids (integers once converted); any text in a path stays out of the logs."""
    return {k: v for k, v in (view_args or {}).items() if isinstance(v, int)}


def _problem_type(response: Response) -> str | None:
    """The ``type`` of a problem document; only error answers are read, and they are small."""
    if response.mimetype != PROBLEM_MIMETYPE or response.is_streamed:
        return None
    try:
        body = json.loads(response.get_data())
    except ValueError:
        return None
    found = body.get("type") if isinstance(body, dict) else None
    return found if isinstance(found, str) else None
