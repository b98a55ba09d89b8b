"""Domain events worth a log line and a counter, read from the answers at the HTTP edge.

The use cases stay free of logging (the domain imports only the standard library); what
happened is plain from the operation and its answer. Only ids, counts and the refused
rule are logged, never names, e-mails, reasons or bodies (docs/DECISIONS.md, "Metrics").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Request
from werkzeug.wrappers import Response

from app import problems
from app.observability.metrics import Metrics

#: Problem types whose ``detail`` states a scheduling rule, safe to log (no personal data).
_RULES = frozenset(
    kind.uri
    for kind in (
        problems.BOOKING_REFUSED,
        problems.CANCELLATION_REFUSED,
        problems.CONFLICT,
        problems.UNKNOWN_REFERENCE,
        problems.IDEMPOTENCY_KEY_REUSED,
        problems.INVALID_REQUEST,
    )
)
Handler = Callable[[Request, Response, "str | None", Metrics, Any], None]


def record(
    request: Request, response: Response, problem_type: str | None, metrics: Metrics, log: Any
) -> None:
    """Count and log what this answered request did, if it is worth it."""
    if problem_type == problems.UNAVAILABLE.uri:
        metrics.database_errors.inc()
        return
    handler = _HANDLERS.get((request.endpoint, request.method))
    if handler is not None:
        handler(request, response, problem_type, metrics, log)


def _rule(response: Response, problem_type: str | None) -> dict[str, str]:
    if problem_type not in _RULES:
        return {}
    body = response.get_json(silent=True) or {}
    return {"rule": str(body.get("detail", ""))}


def _booking(
    request: Request, response: Response, problem_type: str | None, metrics: Metrics, log: Any
) -> None:
    status = response.status_code
    if status < 300:
        metrics.bookings.labels("booked").inc()
        body = response.get_json(silent=True) or {}
        log.info(
            "booking_accepted", appointment_id=body.get("id"), provider_id=body.get("provider_id")
        )
    elif status < 500:
        outcome = "conflict" if status == 409 else "rejected"
        metrics.bookings.labels(outcome).inc()
        log.info(
            "booking_refused",
            outcome=outcome,
            problem_type=problem_type,
            **_rule(response, problem_type),
        )


def _cancellation(
    request: Request, response: Response, problem_type: str | None, metrics: Metrics, log: Any
) -> None:
    appointment_id = (request.view_args or {}).get("appointment_id")
    if response.status_code == 200:
        metrics.cancellations.inc()
        log.info("appointment_canceled", appointment_id=appointment_id)
    elif problem_type == problems.CANCELLATION_REFUSED.uri:
        log.info(
            "cancellation_refused", appointment_id=appointment_id, **_rule(response, problem_type)
        )


def _sync(
    request: Request, response: Response, problem_type: str | None, metrics: Metrics, log: Any
) -> None:
    provider_id = (request.view_args or {}).get("provider_id")
    if response.status_code == 200:
        metrics.availability_syncs.labels("ok").inc()
        log.info("availability_synced", **sync_counts(response.get_json(silent=True) or {}))
    elif problem_type == problems.FEED_ERROR.uri:
        metrics.availability_syncs.labels("feed_error").inc()
        log.warning("availability_sync_failed", provider_id=provider_id, outcome="feed_error")
    elif problem_type == problems.NOT_FOUND.uri:
        metrics.availability_syncs.labels("not_found").inc()


def sync_counts(report: dict[str, Any]) -> dict[str, Any]:
    """The fields of a sync report worth a log line: the provider and the counts."""
    names = ("provider_id", "created", "updated", "deleted", "unchanged")
    return {name: report.get(name) for name in names}


_HANDLERS: dict[tuple[str | None, str], Handler] = {
    ("appointments.Appointments", "POST"): _booking,
    ("appointments.AppointmentById", "DELETE"): _cancellation,
    ("availability-sync.AvailabilitySync", "POST"): _sync,
}
