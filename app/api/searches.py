"""What the roster search and the first-available search share at the edge: their arguments
from a parsed query or body, and the head of their answers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from app.access.reach import providers_in_reach
from app.api.schemas.filters import filters_of
from app.problems import VALIDATION, Problem
from app.services import services
from domain.use_cases.matching import match_providers
from domain.use_cases.roster import first_free_slots, search_free_slots

ABOUT_422 = (
    "Missing or invalid `from`/`to`/`duration`/`step`/`limit`/provider ids, `to` not after "
    "`from`, a range longer than 31 days, or unknown provider ids (named in `detail`)."
)
TOO_LONG = (
    "More `provider_id`s than the request line holds (8,190 bytes as shipped, about 450 ids): "
    "name them in the body of the `POST .../search` form, or search the whole roster."
)


def _arguments(query: dict[str, Any]) -> dict[str, Any]:
    """The search's arguments; with profile or type filters, narrowed to the providers they
    match, found first (docs/DECISIONS.md, "Provider matching"). Sets ``query["duration"]``
    to the length searched."""
    step, svc = query.get("step"), services()
    filters = filters_of(query)
    provider_ids = providers_in_reach(query.get("provider_ids"))
    duration = query.get("duration")
    length = None if duration is None else timedelta(minutes=duration)
    matched = None
    if filters.asks_profile:
        matched, length = match_providers(svc.uow(), filters, provider_ids, length)
    elif length is None:
        detail = "duration is required without appointment_type_id."
        raise Problem(VALIDATION, detail, {"duration": [detail]})
    query["duration"] = length // timedelta(minutes=1)
    return {
        "uow": svc.uow(),
        "clock": svc.clock,
        "lower": query["lower"],
        "upper": query["upper"],
        "duration": length,
        "step": None if step is None else timedelta(minutes=step),
        "provider_ids": provider_ids,
        "accepts_new_clients": None if matched is not None else filters.accepts_new_clients,
        "limit": query["limit"],
        "matched": matched,
    }


def _head(query: dict[str, Any]) -> dict[str, Any]:
    duration = query["duration"]
    return {
        "lower": query["lower"],
        "upper": query["upper"],
        "duration": duration,
        "step": query.get("step") or duration,
    }


def roster_answer(query: dict[str, Any]) -> dict[str, Any]:
    """The roster search's answer to a parsed query or body."""
    found = search_free_slots(**_arguments(query))
    return {**_head(query), "slots": found.slots, "next_from": found.next_from}


def first_answer(query: dict[str, Any]) -> dict[str, Any]:
    """The first-available search's answer to a parsed query or body."""
    found = first_free_slots(**_arguments(query))
    slots = [
        {"provider_id": provider_id, "starts_at": slot.start, "ends_at": slot.end}
        for provider_id, slot in found
    ]
    return {**_head(query), "slots": slots}
