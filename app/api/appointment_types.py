"""/appointment-types: what clients book, with its lengths, modality and own policies."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask.views import MethodView
from flask_smorest.pagination import PaginationParameters

from app.access import reach
from app.access.scopes import requires
from app.api.base import ID, Blueprint
from app.api.docs import BODY_PROBLEMS, problems
from app.api.pages import page_of
from app.api.schemas.appointment_types import (
    AppointmentTypeCreateSchema,
    AppointmentTypePatchSchema,
    AppointmentTypeSchema,
)
from app.api.schemas.common import PageQuerySchema
from app.services import services
from domain.access import AVAILABILITY_READ, PROVIDERS_WRITE
from domain.profiles import AppointmentType
from domain.use_cases.appointment_types import create_type, get_type, list_types, update_type

blp = Blueprint(
    "appointment-types",
    __name__,
    description="Appointment types: what a client books (a video intake, a follow-up), with "
    "the lengths it allows, its modality, who may book it and policies of its own. Providers "
    "offer them with `PUT /providers/{provider_id}/appointment-types`.",
)

_NEW = {
    "name": "Video intake",
    "durations": [60, 90],
    "modality": "video",
    "clients": "new",
    "buffer_after": 15,
}
_TYPE = {
    "id": 1,
    "name": "Video intake",
    "duration": 60,
    "durations": [60, 90],
    "modality": "video",
    "clients": "new",
    "buffer_before": None,
    "buffer_after": 15,
    "min_notice_minutes": None,
    "archived": False,
}
_LOCATION = {
    "Location": {
        "description": "The type's URL.",
        "schema": {"type": "string", "example": "/appointment-types/1"},
    }
}
_INVALID = "Invalid fields: both or neither of `duration` and `durations`, repeated lengths."
_NOT_FOUND = "No appointment type has this id."


@blp.route("/appointment-types")
class AppointmentTypes(MethodView):
    @requires(blp, AVAILABILITY_READ)
    @blp.arguments(PageQuerySchema(), location="query")
    @blp.response(200, AppointmentTypeSchema(many=True), example=[_TYPE])
    @blp.paginate()
    @problems(blp, {422: "Invalid pagination parameters or an unknown query parameter."})
    @blp.doc(operationId="listAppointmentTypes")
    def get(self, _query: dict[str, Any], pagination_parameters: PaginationParameters) -> Any:
        """List appointment types by id, archived ones included."""
        return page_of(pagination_parameters, lambda o, n: list_types(services().uow(), o, n))

    @requires(blp, PROVIDERS_WRITE)
    @blp.arguments(AppointmentTypeCreateSchema(), example=_NEW)
    @blp.response(201, AppointmentTypeSchema, example=_TYPE, headers=_LOCATION)
    @blp.doc(
        operationId="createAppointmentType",
        description="Give `duration` (one length) or `durations` (the allowed ones, the first "
        "the default). `buffer_before`, `buffer_after` and `min_notice_minutes`, when not "
        "null, replace the provider's for bookings and searches of this type.",
    )
    @problems(blp, BODY_PROBLEMS, {422: _INVALID})
    def post(self, new: AppointmentType) -> tuple[AppointmentType, int, dict[str, str]]:
        """Create an appointment type."""
        reach.practice_key_only("appointment types")
        made = create_type(services().uow(), new)
        return made, 201, {"Location": url_for(".AppointmentTypeById", type_id=made.id)}


@blp.route(f"/appointment-types/<{ID}:type_id>")
class AppointmentTypeById(MethodView):
    @requires(blp, AVAILABILITY_READ)
    @blp.response(200, AppointmentTypeSchema, example=_TYPE)
    @problems(blp, {404: _NOT_FOUND})
    @blp.doc(operationId="getAppointmentType")
    def get(self, type_id: int) -> AppointmentType:
        """Read an appointment type."""
        return get_type(services().uow(), type_id)

    @requires(blp, PROVIDERS_WRITE)
    @blp.arguments(AppointmentTypePatchSchema(), example={"archived": True})
    @blp.response(200, AppointmentTypeSchema, example={**_TYPE, "archived": True})
    @blp.doc(
        operationId="updateAppointmentType",
        description="Send any of the fields; the others are kept. `archived: true` archives "
        "the type instead of deleting it: appointments keep it, nobody books it any more.",
    )
    @problems(blp, BODY_PROBLEMS, {404: _NOT_FOUND, 422: "Invalid fields, or repeated lengths."})
    def patch(self, changes: dict[str, Any], type_id: int) -> AppointmentType:
        """Change some of an appointment type's fields, or archive it."""
        reach.practice_key_only("appointment types")
        return update_type(services().uow(), type_id, changes)
