"""/providers/{provider_id}/time-off: dated time off and extra availability of a provider."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import url_for
from flask.views import MethodView

from app.access import reach
from app.access.scopes import requires
from app.api.base import ID, Blueprint
from app.api.docs import BODY_PROBLEMS, links, problems
from app.api.schemas import (
    TimeOffCreatedSchema,
    TimeOffCreateSchema,
    TimeOffQuerySchema,
    TimeOffSchema,
)
from app.services import services
from domain.access import PROVIDERS_WRITE
from domain.model import DateOverride
from domain.use_cases.time_off import add_override, delete_override, get_override, list_overrides

blp = Blueprint(
    "time-off",
    __name__,
    description="Dated changes to a provider's weekly availability, in UTC: time off "
    "(`unavailable`) is subtracted from it, extra availability (`available`) is added to it.",
)

_NEW = {
    "starts_at": "2026-12-24T00:00:00Z",
    "ends_at": "2026-12-27T00:00:00Z",
    "reason": "Holidays",
}
_TIME_OFF = {"id": 1, "provider_id": 1, **_NEW, "kind": "unavailable"}
_AFFECTED = {
    "id": 7,
    "client_id": 2,
    "provider_id": 1,
    "starts_at": "2026-12-24T15:00:00Z",
    "ends_at": "2026-12-24T15:30:00Z",
    "status": "scheduled",
    "created_at": "2026-11-24T10:00:00Z",
    "canceled_at": None,
    "cancel_reason": None,
    "canceled_by": None,
    "appointment_type_id": None,
    "modality": None,
    "sequence": 1,
}
_EXTRA = {
    "id": 2,
    "provider_id": 1,
    "starts_at": "2026-12-12T14:00:00Z",
    "ends_at": "2026-12-12T17:00:00Z",
    "kind": "available",
    "reason": "Saturday clinic",
}
_LOCATION = {
    "Location": {
        "description": "The entry's URL (GET it, or DELETE it to undo).",
        "schema": {"type": "string", "example": "/providers/1/time-off/1"},
    }
}
_PROVIDER_404 = {404: "No provider has this id."}


@blp.route(f"/providers/<{ID}:provider_id>/time-off")
class TimeOff(MethodView):
    @requires(blp, PROVIDERS_WRITE)
    @blp.arguments(TimeOffQuerySchema(), location="query")
    @blp.response(200, TimeOffSchema(many=True), example=[_EXTRA, _TIME_OFF])
    @blp.doc(
        description="Both kinds, ordered by `starts_at`; `from`/`to` keep the entries "
        "overlapping [from, to). Not paginated."
    )
    @problems(blp, _PROVIDER_404, {422: "Invalid `from`/`to` or `to` not after `from`."})
    @blp.doc(operationId="listTimeOff")
    def get(self, query: dict[str, Any], provider_id: int) -> list[DateOverride]:
        """List a provider's time off and extra availability."""
        reach.change_provider(provider_id)
        return list_overrides(services().uow(), provider_id, query.get("lower"), query.get("upper"))

    @requires(blp, PROVIDERS_WRITE)
    @blp.arguments(TimeOffCreateSchema(), example=_NEW)
    @blp.response(
        201,
        TimeOffCreatedSchema,
        example={**_TIME_OFF, "affected_appointments": [_AFFECTED]},
        headers=_LOCATION,
    )
    @blp.doc(
        description="Time off applies at once: free windows and bookings exclude it. "
        "Scheduled appointments inside it are kept and listed in `affected_appointments`, "
        "never canceled. Extra availability (`kind: available`) makes its span bookable, "
        'merged with touching windows (docs/DECISIONS.md, "Time off and extra availability").'
    )
    @problems(
        blp,
        BODY_PROBLEMS,
        _PROVIDER_404,
        {
            422: "Invalid fields, e.g. a timestamp without an offset or `ends_at` not after "
            "`starts_at`."
        },
    )
    @blp.doc(operationId="addTimeOff")
    @links(blp, "getTimeOff", "deleteTimeOff", provider_id="provider_id", time_off_id="id")
    def post(self, data: dict[str, Any], provider_id: int) -> tuple[Any, int, dict[str, str]]:
        """Add time off or extra availability."""
        reach.change_provider(provider_id)
        override, affected = add_override(
            services().uow(), DateOverride(provider_id=provider_id, **data)
        )
        location = url_for(".TimeOffById", provider_id=provider_id, time_off_id=override.id)
        return asdict(override) | {"affected_appointments": affected}, 201, {"Location": location}


@blp.route(f"/providers/<{ID}:provider_id>/time-off/<{ID}:time_off_id>")
class TimeOffById(MethodView):
    @requires(blp, PROVIDERS_WRITE)
    @blp.response(200, TimeOffSchema, example=_TIME_OFF)
    @problems(blp, {404: "The provider has no time-off entry with this id."})
    @blp.doc(operationId="getTimeOff")
    def get(self, provider_id: int, time_off_id: int) -> DateOverride:
        """Read one time-off or extra-availability entry."""
        reach.change_provider(provider_id)
        return get_override(services().uow(), provider_id, time_off_id)

    @requires(blp, PROVIDERS_WRITE)
    @blp.response(204, description="Removed; no body.")
    @blp.doc(description="Free windows and bookings follow the remaining entries at once.")
    @problems(blp, {404: "The provider has no time-off entry with this id."})
    @blp.doc(operationId="deleteTimeOff")
    def delete(self, provider_id: int, time_off_id: int) -> None:
        """Remove time off or extra availability."""
        reach.change_provider(provider_id)
        delete_override(services().uow(), provider_id, time_off_id)
