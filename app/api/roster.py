"""GET /availabilities: free slots across the roster, by provider."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask.views import MethodView

from app.api.base import Blueprint
from app.api.docs import problems
from app.api.examples import ROSTER_422
from app.api.schemas import RosterQuerySchema, RosterSchema
from app.services import services
from domain.use_cases.roster import search_free_slots

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


@blp.route("/availabilities")
class FreeSlots(MethodView):
    @blp.arguments(RosterQuerySchema(), location="query")
    @blp.response(200, RosterSchema, example=_EXAMPLE)
    @blp.doc(
        operationId="searchFreeSlots",
        description="Each searched provider's slots are exactly those of `GET "
        "/providers/{provider_id}/availabilities` with the same `from`, `to`, `duration` and "
        "`step` (the same function computes them); a slot lists every provider who has it. "
        "With more than `limit` slots, `next_from` is the `from` to ask next: the page ends "
        "where no provider's slot grid would shift, so paging repeats and skips nothing "
        '(docs/DECISIONS.md, "Roster paging"). Then book one of the slot\'s providers with '
        "`POST /appointments` and `provider_ids`.",
    )
    @problems(
        blp,
        {
            422: "Missing or invalid `from`/`to`/`duration`/`step`/`limit`/`provider_id`, "
            "`to` not after `from`, a range longer than 31 days, or unknown provider ids "
            "(named in `detail`).",
            414: "More `provider_id`s than the request line holds (8,190 bytes as shipped, "
            "about 450 ids): search the whole roster, or name them in the body of "
            "`POST /availabilities/search`.",
        },
        examples={422: ROSTER_422},
    )
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Search free slots across providers."""
        svc = services()
        duration = timedelta(minutes=query["duration"])
        step = query.get("step")
        found = search_free_slots(
            svc.uow(),
            svc.clock,
            query["lower"],
            query["upper"],
            duration,
            None if step is None else timedelta(minutes=step),
            query.get("provider_ids"),
            query.get("accepts_new_clients"),
            query["limit"],
        )
        return {
            "lower": query["lower"],
            "upper": query["upper"],
            "duration": query["duration"],
            "step": step or query["duration"],
            "slots": found.slots,
            "next_from": found.next_from,
        }
