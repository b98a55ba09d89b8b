"""The clients directory."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask.views import MethodView
from flask_smorest.pagination import PaginationParameters

from app.access import reach
from app.access.authentication import current_grant
from app.access.scopes import requires
from app.api.base import ID, Blueprint
from app.api.docs import BODY_PROBLEMS, links, problems
from app.api.pages import page_of
from app.api.schemas import ClientCreateSchema, ClientSchema, PageQuerySchema
from app.services import services
from domain import errors
from domain.access import CLIENTS_READ, CLIENTS_WRITE
from domain.model import Client
from domain.use_cases.directory import create_client, get_client, list_clients

blp = Blueprint("clients", __name__, description="Clients who book appointments.")

_NEW = {"name": "Ada Lovelace", "email": "ada@example.com"}
_CLIENT = {"id": 4, **_NEW}
_LOCATION = {
    "Location": {
        "description": "The client's URL.",
        "schema": {"type": "string", "example": "/clients/4"},
    }
}


@blp.route("/clients")
class Clients(MethodView):
    @requires(blp, CLIENTS_READ)
    @blp.arguments(PageQuerySchema(), location="query")
    @blp.response(200, ClientSchema(many=True), example=[_CLIENT])
    @blp.paginate()
    @problems(blp, {422: "Invalid pagination parameters or an unknown query parameter."})
    @blp.doc(operationId="listClients")
    def get(self, _query: dict[str, Any], pagination_parameters: PaginationParameters) -> Any:
        """List clients by id."""
        return page_of(
            pagination_parameters,
            lambda offset, limit: _clients_page(offset, limit),
        )

    @requires(blp, CLIENTS_WRITE)
    @blp.arguments(ClientCreateSchema(), example=_NEW)
    @blp.response(201, ClientSchema, example=_CLIENT, headers=_LOCATION)
    @problems(
        blp,
        BODY_PROBLEMS,
        {409: "A client with this email (ignoring case) exists.", 422: "Invalid fields."},
    )
    @blp.doc(operationId="createClient")
    @links(blp, "getClient", client_id="id")
    def post(self, data: dict[str, Any]) -> tuple[Client, int, dict[str, str]]:
        """Register a client."""
        reach.practice_key_only("clients")
        client = create_client(services().uow(), Client(**data))
        return client, 201, {"Location": url_for(".ClientById", client_id=client.id)}


@blp.route(f"/clients/<{ID}:client_id>")
class ClientById(MethodView):
    @requires(blp, CLIENTS_READ)
    @blp.response(200, ClientSchema, example=_CLIENT)
    @problems(blp, {404: "No client has this id."})
    @blp.doc(operationId="getClient")
    def get(self, client_id: int) -> Client:
        """Read a client."""
        grant = current_grant()
        if grant.client_id not in (None, client_id):
            raise errors.ClientNotFound(client_id)
        return get_client(services().uow(), client_id, grant.provider_id)


def _clients_page(offset: int, limit: int) -> tuple[list[Client], int]:
    """Every client; a provider-bound key's clients; a client-bound key's own alone."""
    grant = current_grant()
    if grant.client_id is not None:
        mine = get_client(services().uow(), grant.client_id)
        return ([mine] if offset == 0 else []), 1
    return list_clients(services().uow(), offset, limit, grant.provider_id)
