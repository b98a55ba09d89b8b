"""GET /providers/{provider_id}/availabilities: a provider's free time."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask.views import MethodView

from app.api.base import ID, Blueprint
from app.api.docs import problems
from app.api.examples import RANGE_422
from app.api.schemas import AvailabilityQuerySchema, AvailabilitySchema
from app.services import services
from domain.services import free_windows

blp = Blueprint(
    "availabilities",
    __name__,
    description="Free time of a provider: weekly availability minus booked appointments.",
)

_EXAMPLE = {
    "provider_id": 1,
    "from": "2026-12-07T00:00:00Z",
    "to": "2026-12-08T00:00:00Z",
    "availabilities": [
        {"starts_at": "2026-12-07T14:00:00Z", "ends_at": "2026-12-07T17:00:00Z"},
        {"starts_at": "2026-12-07T18:00:00Z", "ends_at": "2026-12-07T22:00:00Z"},
    ],
}


@blp.route(f"/providers/<{ID}:provider_id>/availabilities")
class Availabilities(MethodView):
    @blp.arguments(AvailabilityQuerySchema, location="query")
    @blp.response(200, AvailabilitySchema, example=_EXAMPLE)
    @blp.doc(
        description="Free windows are merged, clipped to [from, to) and to now, with "
        "scheduled appointments subtracted, and sorted. With `duration` (minutes), each "
        "window is cut into consecutive slots of that length from its start; a shorter "
        "remainder is dropped."
    )
    @problems(
        blp,
        {
            404: "No provider has this id.",
            422: "Missing or invalid `from`/`to`/`duration`, `to` not after `from`, "
            "or a range longer than 92 days.",
        },
        examples={422: RANGE_422},
    )
    def get(self, query: dict[str, Any], provider_id: int) -> dict[str, Any]:
        """List a provider's free windows in a time range."""
        svc = services()
        minutes = query.get("duration")
        windows = free_windows(
            svc.uow(),
            svc.clock,
            provider_id,
            query["lower"],
            query["upper"],
            None if minutes is None else timedelta(minutes=minutes),
        )
        return {"provider_id": provider_id, **query, "availabilities": windows}
