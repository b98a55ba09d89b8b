"""/webhooks: subscriptions to events, their signing secrets and their delivery logs."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask.views import MethodView
from flask_smorest.pagination import PaginationParameters

from app.access.scopes import requires
from app.api.base import ID, Blueprint
from app.api.docs import BODY_PROBLEMS, links, problems
from app.api.pages import page_of
from app.api.schemas import (
    PageQuerySchema,
    WebhookAttemptSchema,
    WebhookCreateSchema,
    WebhookPatchSchema,
    WebhookSchema,
    WebhookSecretSchema,
)
from app.services import services
from domain.access import WEBHOOKS_MANAGE
from domain.use_cases import subscriptions
from domain.webhooks import Attempt, Endpoint

blp = Blueprint(
    "webhooks",
    __name__,
    description='Signed webhooks: subscribe a URL to events (docs/API.md, "Webhooks"). '
    "Delivery is at least once, deduplicated by `webhook-id`, in no guaranteed order.",
)

_NEW = {
    "url": "https://example.com/hooks/scheduling",
    "events": ["appointment.booked", "appointment.canceled"],
    "description": "Reminders",
}
_WEBHOOK = {
    "id": 1,
    **_NEW,
    "enabled": True,
    "disabled_reason": None,
    "created_at": "2026-11-25T10:00:00Z",
}
_SECRET = {**_WEBHOOK, "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw1tV5+bJgDyY="}
_ATTEMPT = {
    "event_id": "evt_0b8c5d1e2f3a4b5c6d7e8f9a0b1c2d3e",
    "event_type": "appointment.booked",
    "attempt": 2,
    "attempted_at": "2026-11-25T10:00:05Z",
    "status": 200,
    "error": None,
    "duration_ms": 84,
    "next_attempt_at": None,
}
_NOT_FOUND = {404: "No webhook has this id."}
_INVALID = (
    "Invalid fields, or a URL that is not http(s), carries credentials or points at a "
    "refused address."
)
_LOCATION = {
    "Location": {
        "description": "The webhook's URL.",
        "schema": {"type": "string", "example": "/webhooks/1"},
    }
}


#: The operations that take a webhook's id, linked from createWebhook.
_TAKE_WEBHOOK_ID = (
    "getWebhook",
    "updateWebhook",
    "deleteWebhook",
    "rotateWebhookSecret",
    "listWebhookDeliveries",
)


@blp.route("/webhooks")
class Webhooks(MethodView):
    @requires(blp, WEBHOOKS_MANAGE)
    @blp.arguments(PageQuerySchema(), location="query")
    @blp.response(200, WebhookSchema(many=True), example=[_WEBHOOK])
    @blp.paginate()
    @blp.doc(operationId="listWebhooks")
    @problems(blp, {422: "Invalid pagination parameters or an unknown query parameter."})
    def get(self, _query: dict[str, Any], pagination_parameters: PaginationParameters) -> Any:
        """List webhooks by id (without their secrets)."""
        return page_of(
            pagination_parameters,
            lambda offset, limit: subscriptions.list_endpoints(services().uow(), offset, limit),
        )

    @requires(blp, WEBHOOKS_MANAGE)
    @blp.arguments(WebhookCreateSchema(), example=_NEW)
    @blp.response(201, WebhookSecretSchema, example=_SECRET, headers=_LOCATION)
    @blp.doc(
        operationId="createWebhook",
        description="Answers the signing `secret`, which is never shown again (rotate it to "
        "get a new one). Events committed from now on are delivered to the URL.",
    )
    @problems(blp, BODY_PROBLEMS, {422: _INVALID})
    @links(blp, *_TAKE_WEBHOOK_ID, webhook_id="id")
    def post(self, data: dict[str, Any]) -> tuple[Endpoint, int, dict[str, str]]:
        """Subscribe a URL to events."""
        svc = services()
        endpoint = subscriptions.create_endpoint(svc.uow(), svc.clock, svc.guard, **data)
        return endpoint, 201, {"Location": url_for(".WebhookById", webhook_id=endpoint.id)}


@blp.route(f"/webhooks/<{ID}:webhook_id>")
class WebhookById(MethodView):
    @requires(blp, WEBHOOKS_MANAGE)
    @blp.response(200, WebhookSchema, example=_WEBHOOK)
    @blp.doc(operationId="getWebhook")
    @problems(blp, _NOT_FOUND)
    def get(self, webhook_id: int) -> Endpoint:
        """Read a webhook (without its secret)."""
        return subscriptions.get_endpoint(services().uow(), webhook_id)

    @requires(blp, WEBHOOKS_MANAGE)
    @blp.arguments(WebhookPatchSchema(), example={"enabled": True})
    @blp.response(200, WebhookSchema, example=_WEBHOOK)
    @blp.doc(
        operationId="updateWebhook",
        description="Send any of the fields; the others are kept. `enabled: true` re-enables "
        "a disabled endpoint: its pending deliveries resume.",
    )
    @problems(blp, BODY_PROBLEMS, _NOT_FOUND, {422: _INVALID})
    def patch(self, changes: dict[str, Any], webhook_id: int) -> Endpoint:
        """Change a webhook."""
        svc = services()
        return subscriptions.update_endpoint(svc.uow(), svc.guard, webhook_id, changes)

    @requires(blp, WEBHOOKS_MANAGE)
    @blp.response(204, description="Deleted, with its pending deliveries and its log.")
    @blp.doc(operationId="deleteWebhook")
    @problems(blp, _NOT_FOUND)
    def delete(self, webhook_id: int) -> None:
        """Delete a webhook."""
        subscriptions.delete_endpoint(services().uow(), webhook_id)


@blp.route(f"/webhooks/<{ID}:webhook_id>/rotate-secret")
class WebhookSecret(MethodView):
    @requires(blp, WEBHOOKS_MANAGE)
    @blp.response(200, WebhookSecretSchema, example=_SECRET)
    @blp.doc(
        operationId="rotateWebhookSecret",
        description="Answers a new secret. For 24 hours deliveries carry two signatures, "
        "one per secret, so a receiver can switch at its pace.",
    )
    @problems(blp, _NOT_FOUND)
    def post(self, webhook_id: int) -> Endpoint:
        """Rotate a webhook's signing secret."""
        svc = services()
        return subscriptions.rotate_secret(svc.uow(), svc.clock, webhook_id)


@blp.route(f"/webhooks/<{ID}:webhook_id>/deliveries")
class WebhookDeliveries(MethodView):
    @requires(blp, WEBHOOKS_MANAGE)
    @blp.arguments(PageQuerySchema(), location="query")
    @blp.response(200, WebhookAttemptSchema(many=True), example=[_ATTEMPT])
    @blp.paginate()
    @blp.doc(operationId="listWebhookDeliveries")
    @problems(blp, _NOT_FOUND, {422: "Invalid pagination parameters."})
    def get(
        self, _query: dict[str, Any], pagination_parameters: PaginationParameters, webhook_id: int
    ) -> list[Attempt]:
        """List a webhook's delivery attempts, newest first."""
        return page_of(
            pagination_parameters,
            lambda offset, limit: subscriptions.list_attempts(
                services().uow(), webhook_id, offset, limit
            ),
        )
