"""The providers directory, and each provider's booking policies."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask.views import MethodView
from flask_smorest.pagination import PaginationParameters

from app.access import reach
from app.access.authentication import current_grant
from app.access.scopes import requires
from app.api.base import ID, Blueprint
from app.api.docs import BODY_PROBLEMS, links, problems
from app.api.pages import page_of
from app.api.schemas import (
    PageQuerySchema,
    ProviderCreateSchema,
    ProviderPatchSchema,
    ProviderSchema,
)
from app.services import services
from domain.access import AVAILABILITY_READ, PROVIDERS_WRITE
from domain.model import Provider
from domain.profiles import FIELDS, Profile
from domain.use_cases.directory import (
    Profiled,
    create_provider,
    get_profiled,
    list_profiled,
    update_profiled,
)

blp = Blueprint("providers", __name__, description="Providers whose time clients book.")

_NEW = {
    "name": "Dr. Maya Thompson",
    "email": "maya.thompson@example.com",
    "timezone": "America/New_York",
    "accepts_new_clients": True,
    "specialties": ["anxiety", "couples"],
    "languages": ["en", "es"],
    "modalities": ["in_person", "video"],
    "licensed_regions": ["US-NM", "US-TX"],
    "payers": ["aetna", "bcbs-tx"],
}
_POLICIES = {
    "buffer_before": 0,
    "buffer_after": 10,
    "min_notice_minutes": 240,
    "horizon_days": 60,
    "min_cancel_notice_minutes": 1440,
}
_DEFAULT_POLICIES = {
    "buffer_before": 0,
    "buffer_after": 0,
    "min_notice_minutes": 0,
    "horizon_days": None,
    "min_cancel_notice_minutes": 0,
}
_PROVIDER = {"id": 1, **_NEW, **_DEFAULT_POLICIES}
_LOCATION = {
    "Location": {
        "description": "The provider's URL.",
        "schema": {"type": "string", "example": "/providers/1"},
    }
}
#: The operations that take a provider's id (add new ones here).
_TAKE_PROVIDER_ID = (
    "getProvider",
    "updateProvider",
    "listFreeWindows",
    "listTimeOff",
    "addTimeOff",
    "syncAvailability",
    "getWeeklyAvailability",
    "replaceWeeklyAvailability",
    "getOfferedAppointmentTypes",
    "replaceOfferedAppointmentTypes",
)
_INVALID = (
    "Invalid fields, such as an unknown IANA time zone, a policy out of its range, an "
    "invalid language tag or region code, or too many codes in a profile list."
)
_PROFILE_DOC = (
    " The profile (`specialties`, `languages`, `modalities`, `licensed_regions`, `payers`) is "
    'what searches and pool bookings filter on (docs/DECISIONS.md, "Provider matching"); '
    "each list is answered sorted, without repeats."
)
_POLICY_DOC = (
    "Policies (minutes, except `horizon_days`) shape the provider's free time and bookings: "
    "`buffer_before`/`buffer_after` keep other appointments that far away (both sides of "
    "every appointment, so the larger one counts), `min_notice_minutes` and `horizon_days` "
    "bound how soon and how far ahead bookings may be, `min_cancel_notice_minutes` refuses "
    'later cancellations (docs/DECISIONS.md, "Scheduling policies"). A policy change applies '
    "to later requests; existing appointments are kept."
)


@blp.route("/providers")
class Providers(MethodView):
    @requires(blp, AVAILABILITY_READ)
    @blp.arguments(PageQuerySchema(), location="query")
    @blp.response(200, ProviderSchema(many=True), example=[_PROVIDER])
    @blp.paginate()
    @problems(blp, {422: "Invalid pagination parameters or an unknown query parameter."})
    @blp.doc(operationId="listProviders")
    def get(self, _query: dict[str, Any], pagination_parameters: PaginationParameters) -> Any:
        """List providers by id."""
        return page_of(
            pagination_parameters,
            lambda offset, limit: _providers_page(offset, limit),
        )

    @requires(blp, PROVIDERS_WRITE)
    @blp.arguments(ProviderCreateSchema(), example=_NEW)
    @blp.response(201, ProviderSchema, example=_PROVIDER, headers=_LOCATION)
    @blp.doc(
        description="`timezone` defaults to UTC, `accepts_new_clients` to true, and every "
        "policy to no constraint (0, or null for `horizon_days`), every profile list to "
        "empty. " + _POLICY_DOC + _PROFILE_DOC
    )
    @problems(blp, BODY_PROBLEMS, {422: _INVALID})
    @blp.doc(operationId="createProvider")
    @links(blp, *_TAKE_PROVIDER_ID, provider_id="id")
    def post(self, data: dict[str, Any]) -> tuple[Profiled, int, dict[str, str]]:
        """Create a provider."""
        reach.practice_key_only("providers")
        lists = {name: data.pop(name) for name in FIELDS.values()}
        profile = Profile.of(**lists)
        provider = create_provider(services().uow(), Provider(**data), profile)
        location = url_for(".ProviderById", provider_id=provider.id)
        return Profiled(provider, profile), 201, {"Location": location}


@blp.route(f"/providers/<{ID}:provider_id>")
class ProviderById(MethodView):
    @requires(blp, AVAILABILITY_READ)
    @blp.etag
    @blp.response(200, ProviderSchema, example=_PROVIDER)
    @problems(blp, {404: "No provider has this id."})
    @blp.doc(operationId="getProvider")
    def get(self, provider_id: int) -> Profiled:
        """Read a provider."""
        reach.see_provider(provider_id)
        return get_profiled(services().uow(), provider_id)

    @requires(blp, PROVIDERS_WRITE)
    @blp.etag
    @blp.arguments(ProviderPatchSchema(), example=_POLICIES)
    @blp.response(200, ProviderSchema, example={**_PROVIDER, **_POLICIES})
    @blp.doc(
        description="Send any of the fields; the others are kept. `email` may be null, and "
        "`horizon_days` null removes the horizon. With `If-Match` (the `ETag` of a GET), the "
        "change is made only if nobody changed the provider since: otherwise 412. A profile "
        "list given replaces the old one. " + _POLICY_DOC + _PROFILE_DOC
    )
    @problems(blp, BODY_PROBLEMS, {404: "No provider has this id.", 412: None, 422: _INVALID})
    @blp.doc(operationId="updateProvider")
    def patch(self, changes: dict[str, Any], provider_id: int) -> Profiled:
        """Change some of a provider's fields."""
        expected = blp.if_match(ProviderSchema)
        reach.change_provider(provider_id)
        return update_profiled(services().uow(), provider_id, changes, expected)


def _providers_page(offset: int, limit: int) -> tuple[list[Profiled], int]:
    """Every provider, or a provider-bound key's own alone."""
    own = current_grant().provider_id
    if own is None:
        return list_profiled(services().uow(), offset, limit)
    return ([get_profiled(services().uow(), own)] if offset == 0 else []), 1
