"""/audit-events: the audit trail, newest first (docs/API.md, "Audit trail")."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest.pagination import PaginationParameters

from app.access.scopes import requires
from app.api.base import Blueprint
from app.api.docs import problems
from app.api.pages import page_of
from app.api.schemas.audit import AuditEventSchema, AuditQuerySchema
from app.services import services
from domain.access import AUDIT_READ
from domain.audit import AuditEvent, AuditQuery
from domain.use_cases.audit import list_events

blp = Blueprint(
    "audit_events", __name__, description="The audit trail: who read or changed what, by ids."
)

_EVENT = {
    "occurred_at": "2026-12-03T10:00:00.123456Z",
    "key_id": 2,
    "request_id": "7f3c2a9e41d04b6c8a2f5e1d9b0c3a47",
    "operation_id": "getAppointment",
    "resource": "appointment",
    "resource_ids": [1],
    "outcome": "ok",
    "status": 200,
}
_DESCRIPTION = (
    "One event per request that read or changed clients or appointments, changed providers, "
    "time off, API keys or webhooks, read this trail, or was answered 401 or 403. Newest "
    "first; `from`/`to` keep events in [from, to). Append-only: no operation changes or "
    'deletes an event (docs/API.md, "Audit trail").'
)


@blp.route("/audit-events")
class AuditEvents(MethodView):
    @requires(blp, AUDIT_READ)
    @blp.arguments(AuditQuerySchema(), location="query")
    @blp.response(200, AuditEventSchema(many=True), example=[_EVENT])
    @blp.paginate()
    @blp.doc(operationId="listAuditEvents", description=_DESCRIPTION)
    @problems(blp, {422: "Invalid filters or pagination parameters."})
    def get(
        self, query: dict[str, Any], pagination_parameters: PaginationParameters
    ) -> list[AuditEvent]:
        """List audit events, newest first."""
        criteria = AuditQuery(
            key_id=query.get("key_id"),
            resource=query.get("resource"),
            since=query.get("lower"),
            until=query.get("upper"),
        )
        log = services().database.audit_log()
        return page_of(
            pagination_parameters,
            lambda offset, limit: list_events(log, criteria, offset, limit),
        )
