"""GET /availabilities/first and POST /availabilities/first/search: each provider's earliest
free slot."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from app.access.scopes import requires
from app.api.base import Blueprint
from app.api.docs import problems
from app.api.examples import ROSTER_422
from app.api.schemas import FirstQuerySchema, FirstSearchSchema, FirstSlotsSchema
from app.api.searches import ABOUT_422, TOO_LONG, first_answer
from domain.access import AVAILABILITY_READ

blp = Blueprint(
    "first_available",
    __name__,
    description="When is anyone free: each searched provider's earliest slot, soonest first.",
)

_EXAMPLE = {
    "from": "2026-12-07T00:00:00Z",
    "to": "2027-01-07T00:00:00Z",
    "duration": 30,
    "step": 30,
    "slots": [
        {"provider_id": 7, "starts_at": "2026-12-07T14:00:00Z", "ends_at": "2026-12-07T14:30:00Z"},
        {"provider_id": 3, "starts_at": "2026-12-08T09:30:00Z", "ends_at": "2026-12-08T10:00:00Z"},
    ],
}
_ABOUT = (
    "Each searched provider's earliest slot in `[from, to)`: the first slot of its `GET "
    "/providers/{provider_id}/availabilities` with the same `from`, `to`, `duration` and "
    "`step`. Ordered by `starts_at`, then `provider_id`; providers with no slot in the range "
    "are left out, and `limit` bounds how many providers are answered (no paging)."
)


@blp.route("/availabilities/first")
class FirstSlots(MethodView):
    @requires(blp, AVAILABILITY_READ)
    @blp.arguments(FirstQuerySchema(), location="query")
    @blp.response(200, FirstSlotsSchema, example=_EXAMPLE)
    @blp.doc(operationId="findFirstFreeSlots", description=_ABOUT)
    @problems(blp, {422: ABOUT_422, 414: TOO_LONG}, examples={422: ROSTER_422})
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Find each provider's first free slot."""
        return first_answer(query)


@blp.route("/availabilities/first/search")
class FirstSlotsSearch(MethodView):
    @requires(blp, AVAILABILITY_READ)
    @blp.arguments(FirstSearchSchema())
    @blp.response(200, FirstSlotsSchema, example=_EXAMPLE)
    @blp.doc(
        operationId="findFirstFreeSlotsByBody",
        description="`GET /availabilities/first` with its fields in a JSON body, "
        "`provider_ids` a list of 1-1,000 ids. Same answer. " + _ABOUT,
    )
    @problems(blp, {422: ABOUT_422}, examples={422: ROSTER_422})
    def post(self, query: dict[str, Any]) -> dict[str, Any]:
        """Find each provider's first free slot, the query in a body."""
        return first_answer(query)
