"""GET /availabilities and POST /availabilities/search: free slots across the roster."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from app.access.scopes import requires
from app.api.base import Blueprint
from app.api.docs import problems
from app.api.examples import ROSTER_422
from app.api.schemas import RosterQuerySchema, RosterSchema, RosterSearchSchema
from app.api.searches import ABOUT_422, TOO_LONG, roster_answer
from domain.access import AVAILABILITY_READ

blp = Blueprint(
    "roster",
    __name__,
    description="Find a provider: free slots of the whole roster, or of the providers named, "
    "each slot with every provider who has it.",
)

_EXAMPLE = {
    "from": "2026-12-07T00:00:00Z",
    "to": "2026-12-14T00:00:00Z",
    "duration": 30,
    "step": 30,
    "slots": [
        {
            "starts_at": "2026-12-07T14:00:00Z",
            "ends_at": "2026-12-07T14:30:00Z",
            "provider_ids": [3, 7],
        },
        {
            "starts_at": "2026-12-07T14:30:00Z",
            "ends_at": "2026-12-07T15:00:00Z",
            "provider_ids": [7],
        },
    ],
    "next_from": "2026-12-07T15:00:00Z",
}


_ABOUT = (
    "Each searched provider's slots are exactly those of `GET "
    "/providers/{provider_id}/availabilities` with the same `from`, `to`, `duration` and "
    "`step` (the same function computes them), on each provider's grid; a slot lists every "
    "provider who has it. With more than `limit` slots, `next_from` is the first omitted "
    "slot's start: asked from it, the next page answers exactly the rest, as grids do not "
    'depend on `from` (docs/DECISIONS.md, "Roster paging"). Then book one of the slot\'s '
    "providers with `POST /appointments` and `provider_ids`."
)


@blp.route("/availabilities")
class FreeSlots(MethodView):
    @requires(blp, AVAILABILITY_READ)
    @blp.arguments(RosterQuerySchema(), location="query")
    @blp.response(200, RosterSchema, example=_EXAMPLE)
    @blp.doc(operationId="searchFreeSlots", description=_ABOUT)
    @problems(blp, {422: ABOUT_422, 414: TOO_LONG}, examples={422: ROSTER_422})
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Search free slots across providers."""
        return roster_answer(query)


@blp.route("/availabilities/search")
class FreeSlotsSearch(MethodView):
    @requires(blp, AVAILABILITY_READ)
    @blp.arguments(RosterSearchSchema())
    @blp.response(200, RosterSchema, example=_EXAMPLE)
    @blp.doc(
        operationId="searchFreeSlotsByBody",
        description="`GET /availabilities` with its fields in a JSON body, `provider_ids` a "
        "list of 1-1,000 ids: a long list does not fit in a request line. Same answer. " + _ABOUT,
    )
    @problems(blp, {422: ABOUT_422}, examples={422: ROSTER_422})
    def post(self, query: dict[str, Any]) -> dict[str, Any]:
        """Search free slots across providers, the query in a body."""
        return roster_answer(query)
