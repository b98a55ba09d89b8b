"""The clients directory."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask.views import MethodView
from flask_smorest.pagination import PaginationParameters

from app.api.base import ID, Blueprint
from app.api.docs import BODY_PROBLEMS, links, problems
from app.api.pages import page_of
from app.api.schemas import ClientCreateSchema, ClientSchema, PageQuerySchema
from app.services import services
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
    @blp.arguments(PageQuerySchema(), location="query")
    @blp.response(200, ClientSchema(many=True), example=[_CLIENT])
    @blp.paginate()
    @problems(blp, {422: "Invalid pagination parameters or an unknown query parameter."})
    @blp.doc(operationId="listClients")
    def get(self, _query: dict[str, Any], pagination_parameters: PaginationParameters) -> Any:
        """List clients by id."""
        return page_of(
            pagination_parameters,
            lambda offset, limit: list_clients(services().uow(), offset, limit),
        )

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
        client = create_client(services().uow(), Client(**data))
        return client, 201, {"Location": url_for(".ClientById", client_id=client.id)}


@blp.route(f"/clients/<{ID}:client_id>")
class ClientById(MethodView):
    @blp.response(200, ClientSchema, example=_CLIENT)
    @problems(blp, {404: "No client has this id."})
    @blp.doc(operationId="getClient")
    def get(self, client_id: int) -> Client:
        """Read a client."""
        return get_client(services().uow(), client_id)
