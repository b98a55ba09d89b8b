"""/providers/{provider_id}/appointment-types: the appointment types a provider offers."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from app.access import reach
from app.access.scopes import requires
from app.api.base import ID, Blueprint
from app.api.docs import BODY_PROBLEMS, problems
from app.api.schemas.appointment_types import OfferedTypesSchema, OfferedTypesUpdateSchema
from app.services import services
from domain.access import AVAILABILITY_READ, PROVIDERS_WRITE
from domain.use_cases.appointment_types import offer_types, offered_types

blp = Blueprint(
    "offered-appointment-types",
    __name__,
    description="The appointment types a provider offers: only those can be booked with it, "
    "and a search by type finds only the providers offering it.",
)

_EXAMPLE = {"provider_id": 1, "appointment_type_ids": [1, 3]}


@blp.route(f"/providers/<{ID}:provider_id>/appointment-types")
class OfferedTypes(MethodView):
    @requires(blp, AVAILABILITY_READ)
    @blp.response(200, OfferedTypesSchema, example=_EXAMPLE)
    @problems(blp, {404: "No provider has this id."})
    @blp.doc(operationId="getOfferedAppointmentTypes")
    def get(self, provider_id: int) -> dict[str, Any]:
        """List the appointment types a provider offers."""
        reach.see_provider(provider_id)
        found = offered_types(services().uow(), provider_id)
        return {"provider_id": provider_id, "appointment_type_ids": found}

    @requires(blp, PROVIDERS_WRITE)
    @blp.arguments(OfferedTypesUpdateSchema(), example={"appointment_type_ids": [1, 3]})
    @blp.response(200, OfferedTypesSchema, example=_EXAMPLE)
    @blp.doc(
        operationId="replaceOfferedAppointmentTypes",
        description="Replaces the whole list. Each type must exist and not be archived (a 422 "
        "names the others); an archived type the provider already offers may stay.",
    )
    @problems(
        blp,
        BODY_PROBLEMS,
        {404: "No provider has this id.", 422: "Invalid ids, or ids of no bookable type."},
    )
    def put(self, body: dict[str, Any], provider_id: int) -> dict[str, Any]:
        """Replace the appointment types a provider offers."""
        reach.change_provider(provider_id)
        ids = offer_types(services().uow(), provider_id, body["appointment_type_ids"])
        return {"provider_id": provider_id, "appointment_type_ids": ids}
