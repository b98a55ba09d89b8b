"""/api-keys: issue, list, read and revoke API keys (docs/API.md, "API keys")."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import url_for
from flask.views import MethodView
from flask_smorest.pagination import PaginationParameters

from app.access.authentication import current_grant
from app.access.scopes import requires
from app.api.base import ID, Blueprint
from app.api.docs import BODY_PROBLEMS, links, problems
from app.api.pages import page_of
from app.api.schemas import PageQuerySchema
from app.api.schemas.api_keys import ApiKeyCreateSchema, ApiKeySchema, NewApiKeySchema
from app.services import services
from domain.access import KEYS_MANAGE, ApiKey
from domain.use_cases import api_keys

blp = Blueprint("api_keys", __name__, description="API keys: who may call the API, and how.")

_NEW = {"name": "Front desk", "scopes": ["availability:read", "appointments:write"]}
_KEY = {
    "id": 2,
    **_NEW,
    "hint": "nXEc",
    "provider_id": None,
    "client_id": None,
    "created_at": "2026-12-03T10:00:00Z",
    "expires_at": None,
    "revoked_at": None,
    "last_used_at": None,
}
_SECRET = {**_KEY, "key": "csk_5rJ0pW3kq1mD2cLx9VbN7sQeT4yUaZoH6gFiR8wXnEc"}
_NOT_FOUND = {404: "No API key has this id."}
_INVALID = (
    "Invalid fields; a bound key asking for a practice-wide scope (`webhooks:manage`, "
    "`keys:manage`, `audit:read`); both `provider_id` and `client_id`; or an unknown provider "
    "or client."
)
_LOCATION = {
    "Location": {
        "description": "The key's URL.",
        "schema": {"type": "string", "example": "/api-keys/2"},
    }
}


@blp.route("/api-keys")
class ApiKeys(MethodView):
    @requires(blp, KEYS_MANAGE)
    @blp.arguments(PageQuerySchema(), location="query")
    @blp.response(200, ApiKeySchema(many=True), example=[_KEY])
    @blp.paginate()
    @blp.doc(operationId="listApiKeys")
    @problems(blp, {422: "Invalid pagination parameters or an unknown query parameter."})
    def get(self, _query: dict[str, Any], pagination_parameters: PaginationParameters) -> Any:
        """List API keys by id (never their secrets)."""
        return page_of(
            pagination_parameters,
            lambda offset, limit: api_keys.list_keys(services().uow(), offset, limit),
        )

    @requires(blp, KEYS_MANAGE)
    @blp.arguments(ApiKeyCreateSchema(), example=_NEW)
    @blp.response(201, NewApiKeySchema, example=_SECRET, headers=_LOCATION)
    @blp.doc(
        operationId="createApiKey",
        description="Answers the secret `key` this once; only its SHA-256 is kept. With "
        "`provider_id` or `client_id` the key reaches only that provider's or client's "
        'objects (docs/API.md, "API keys").',
    )
    @problems(blp, BODY_PROBLEMS, {422: _INVALID})
    @links(blp, "getApiKey", "revokeApiKey", api_key_id="id")
    def post(self, data: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
        """Issue an API key."""
        key, secret = issue(**data)
        return {**_fields(key), "key": secret}, 201, {"Location": _url(key)}


@blp.route(f"/api-keys/<{ID}:api_key_id>")
class ApiKeyById(MethodView):
    @requires(blp, KEYS_MANAGE)
    @blp.response(200, ApiKeySchema, example=_KEY)
    @blp.doc(operationId="getApiKey")
    @problems(blp, _NOT_FOUND)
    def get(self, api_key_id: int) -> ApiKey:
        """Read an API key (never its secret)."""
        return api_keys.get_key(services().uow(), api_key_id)

    @requires(blp, KEYS_MANAGE)
    @blp.response(200, ApiKeySchema, example={**_KEY, "revoked_at": "2026-12-04T09:00:00Z"})
    @blp.doc(
        operationId="revokeApiKey",
        description="The key stops working on every server within 5 seconds. It is kept, "
        "revoked, for the audit trail; revoking again changes nothing. A key cannot revoke "
        "itself (409): revoke it with another key, or `flask --app wsgi api-keys revoke`.",
    )
    @problems(blp, _NOT_FOUND, {409: "The key asking is the key to revoke."})
    def delete(self, api_key_id: int) -> ApiKey:
        """Revoke an API key."""
        svc = services()
        by = current_grant().key_id
        return api_keys.revoke_key(svc.uow(), svc.clock, api_key_id, by)


def issue(
    name: str,
    scopes: list[str],
    provider_id: int | None = None,
    client_id: int | None = None,
    expires_in_days: int | None = None,
) -> tuple[ApiKey, str]:
    """A new key and its secret; shared with the ``api-keys create`` command."""
    svc = services()
    expires_at = None
    if expires_in_days is not None:
        expires_at = svc.clock.now() + timedelta(days=expires_in_days)
    return api_keys.create_key(
        svc.uow(), svc.clock, name, tuple(scopes), provider_id, client_id, expires_at
    )


def _fields(key: ApiKey) -> dict[str, Any]:
    return {name: getattr(key, name) for name in ApiKeySchema().fields}


def _url(key: ApiKey) -> str:
    return url_for("api_keys.ApiKeyById", api_key_id=key.id)
