"""GET /providers/{provider_id}/availabilities: a provider's free time."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask.views import MethodView

from app.access import reach
from app.access.scopes import requires
from app.api.base import ID, Blueprint
from app.api.docs import problems
from app.api.examples import RANGE_422
from app.api.schemas import AvailabilityQuerySchema, AvailabilitySchema
from app.services import services
from domain.access import AVAILABILITY_READ
from domain.use_cases.availability import tagged_free_windows

blp = Blueprint(
    "availabilities",
    __name__,
    description="Free time of a provider: weekly availability with its time off and extra "
    "availability, minus booked appointments and their buffers, within the booking window.",
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
    @requires(blp, AVAILABILITY_READ)
    @blp.etag
    @blp.arguments(AvailabilityQuerySchema(), location="query")
    @blp.response(200, AvailabilitySchema, example=_EXAMPLE)
    @blp.doc(
        description="Free windows are the provider's weekly windows plus extra availability "
        "minus time off, merged, with scheduled appointments subtracted (each widened by the "
        "provider's larger buffer), clipped to [from, to) and to the booking window (from now "
        "plus the minimum notice to now plus the horizon), and sorted. Booking applies the "
        "same rules, so a listed slot is bookable unless the client is busy then.\n\n"
        "With `duration` (minutes), each window is cut into candidate slots of that length: "
        "starts are `step` minutes apart (default: `duration`, giving consecutive slots), "
        "counted from the window's own start, not aligned to the clock; a slot that would run "
        'past the window is dropped (docs/DECISIONS.md, "Slots and steps").\n\n'
        "The `ETag` changes with anything that decides the answer: windows, time off, "
        "policies, any booking, move or cancellation of the provider, and the passage of "
        "time when the booking window cuts the range. `If-None-Match` with the current tag "
        'answers 304 without computing anything (docs/DECISIONS.md, "Conditional requests").'
    )
    @problems(
        blp,
        {
            404: "No provider has this id.",
            422: "Missing or invalid `from`/`to`/`duration`/`step`, `step` without "
            "`duration`, `to` not after `from`, or a range longer than 92 days.",
        },
        examples={422: RANGE_422},
    )
    @blp.doc(operationId="listFreeWindows")
    def get(self, query: dict[str, Any], provider_id: int) -> dict[str, Any]:
        """List a provider's free windows in a time range."""
        reach.see_provider(provider_id)
        svc = services()
        tagged = tagged_free_windows(
            svc.uow(),
            svc.clock,
            provider_id,
            query["lower"],
            query["upper"],
            _minutes(query.get("duration")),
            _minutes(query.get("step")),
            known=blp.known_check(),
        )
        blp.set_etag(tagged.version)  # a 304 when the client knows it
        return {"provider_id": provider_id, **query, "availabilities": tagged.windows}


def _minutes(value: int | None) -> timedelta | None:
    return None if value is None else timedelta(minutes=value)
