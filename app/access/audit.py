"""The audit trail at the HTTP edge (docs/DECISIONS.md, "Audit trail").

``requires`` names the operation (``begin``). A change's event is written by its unit of
work, in its transaction (``current_context``, passed by ``Services.uow``); every other
audited answer (reads, denials, refusals, not found) is appended here before it is sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import Flask, g, has_request_context, request
from werkzeug.wrappers import Response

from app.observability import current_request_id
from app.problems import store_unavailable
from app.services import services
from domain import audit
from domain.audit import AuditContext, AuditEvent, outcome_of
from domain.errors import StoreUnavailable


@dataclass(frozen=True, slots=True)
class Audited:
    """How an operation is audited: always (client data, changes) or on a 401/403 only."""

    resource: str
    always: bool = False
    path_id: str | None = None
    """The path parameter naming the resource, if any; else the answer's ids."""


def _op(resource: str, always: bool, path_id: str | None = None) -> Audited:
    return Audited(resource, always, path_id)


_A, _C, _P, _T = audit.APPOINTMENT, audit.CLIENT, audit.PROVIDER, audit.TIME_OFF
_K, _W = audit.API_KEY, audit.WEBHOOK
#: Every protected operation (a test checks the OpenAPI document against it).
POLICY: dict[str, Audited] = {
    "listClients": _op(_C, True),
    "createClient": _op(_C, True),
    "getClient": _op(_C, True, "client_id"),
    "listAppointments": _op(_A, True),
    "bookAppointment": _op(_A, True),
    "getAppointment": _op(_A, True, "appointment_id"),
    "rescheduleAppointment": _op(_A, True, "appointment_id"),
    "cancelAppointment": _op(_A, True, "appointment_id"),
    "listProviders": _op(_P, False),
    "createProvider": _op(_P, True),
    "getProvider": _op(_P, False, "provider_id"),
    "updateProvider": _op(_P, True, "provider_id"),
    "listFreeWindows": _op(_P, False, "provider_id"),
    "getWeeklyAvailability": _op(_P, False, "provider_id"),
    "replaceWeeklyAvailability": _op(_P, True, "provider_id"),
    "syncAvailability": _op(_P, True, "provider_id"),
    "searchFreeSlots": _op(_P, False),
    "searchFreeSlotsByBody": _op(_P, False),
    "findFirstFreeSlots": _op(_P, False),
    "findFirstFreeSlotsByBody": _op(_P, False),
    "listTimeOff": _op(_T, False),
    "addTimeOff": _op(_T, True),
    "getTimeOff": _op(_T, False, "time_off_id"),
    "deleteTimeOff": _op(_T, True, "time_off_id"),
    "listTimeZones": _op(audit.TIMEZONE, False),
    "listApiKeys": _op(_K, False),
    "createApiKey": _op(_K, True),
    "getApiKey": _op(_K, False, "api_key_id"),
    "revokeApiKey": _op(_K, True, "api_key_id"),
    "listWebhooks": _op(_W, False),
    "createWebhook": _op(_W, True),
    "getWebhook": _op(_W, False, "webhook_id"),
    "updateWebhook": _op(_W, True, "webhook_id"),
    "deleteWebhook": _op(_W, True, "webhook_id"),
    "rotateWebhookSecret": _op(_W, True, "webhook_id"),
    "listWebhookDeliveries": _op(_W, False, "webhook_id"),
    "listAuditEvents": _op(audit.AUDIT_EVENT, True),
    "listAppointmentTypes": _op(audit.APPOINTMENT_TYPE, False),
    "createAppointmentType": _op(audit.APPOINTMENT_TYPE, True),
    "getAppointmentType": _op(audit.APPOINTMENT_TYPE, False, "type_id"),
    "updateAppointmentType": _op(audit.APPOINTMENT_TYPE, True, "type_id"),
    "getOfferedAppointmentTypes": _op(_P, False, "provider_id"),
    "replaceOfferedAppointmentTypes": _op(_P, True, "provider_id"),
}
#: An operation added without a row here is still audited on a 401/403.
UNLISTED = Audited(audit.OTHER)


def operation_of(view: Callable[..., Any]) -> tuple[str, int]:
    """A view's operationId and its success status, as flask-smorest documents them."""
    doc = getattr(view, "_apidoc", {})
    operation_id = doc.get("manual_doc", {}).get("operationId", view.__name__)
    return operation_id, min(doc.get("success_status_codes") or [200])


def begin(operation_id: str, success: int) -> None:
    """The request is this operation (called by ``requires`` before authenticating)."""
    g.audit_operation = (operation_id, success)


def current_context() -> AuditContext | None:
    """For ``Services.uow``: the audited request's context, once its key is known."""
    if not has_request_context():
        return None
    context: AuditContext | None = g.get("audit")
    if context is not None:
        return context
    operation, grant = g.get("audit_operation"), g.get("grant")
    if operation is None or grant is None or not POLICY.get(operation[0], UNLISTED).always:
        return None
    operation_id, success = operation
    policy = POLICY[operation_id]
    ids = _path_ids(policy)
    context = AuditContext(
        grant.key_id, current_request_id(), operation_id, policy.resource, ids, success
    )
    g.audit = context
    return context


def install(app: Flask) -> None:
    app.after_request(record)


def record(response: Response) -> Response:
    """Append the answer's event unless a committed change already did; a 503 if it cannot."""
    operation = g.get("audit_operation")
    if operation is None:
        return response
    context: AuditContext | None = g.get("audit")
    if context is not None and context.recorded:
        return response
    policy = POLICY.get(operation[0], UNLISTED)
    status = response.status_code
    if not policy.always and status not in (401, 403):
        return response
    try:
        services().database.audit_log().append(_event(operation[0], policy, response))
    except StoreUnavailable as error:
        # Not answered unless recorded: the caller retries (docs/DECISIONS.md, "Audit trail").
        return store_unavailable(error)
    return response


def _event(operation_id: str, policy: Audited, response: Response) -> AuditEvent:
    grant = g.get("grant")
    status = response.status_code
    ids = _answer_ids(response) if status < 300 and policy.path_id is None else ()
    return AuditEvent(
        occurred_at=datetime.now(UTC),
        key_id=grant.key_id if grant is not None else None,
        request_id=current_request_id(),
        operation_id=operation_id,
        resource=policy.resource,
        resource_ids=ids or _path_ids(policy),
        outcome=outcome_of(status),
        status=status,
    )


def _path_ids(policy: Audited) -> tuple[int, ...]:
    found = (request.view_args or {}).get(policy.path_id or "")
    return (found,) if isinstance(found, int) else ()


def _answer_ids(response: Response) -> tuple[int, ...]:
    """The ids of what a list or a creation answered (never anything else of it)."""
    if not response.is_json or response.is_streamed:
        return ()
    body = response.get_json(silent=True)
    items = body if isinstance(body, list) else [body]
    found = (item.get("id") for item in items if isinstance(item, dict))
    return tuple(i for i in found if isinstance(i, int) and not isinstance(i, bool))
