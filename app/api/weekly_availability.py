"""/providers/{provider_id}/weekly-availability: a provider's recurring weekly windows."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from app.access import reach
from app.access.scopes import requires
from app.api.base import ID, Blueprint
from app.api.docs import BODY_PROBLEMS, problems
from app.api.examples import example, named
from app.api.schemas import WeeklyAvailabilitySchema, WeeklyAvailabilityUpdateSchema
from app.api.schemas.weekly import FOREIGN_SOURCE
from app.problems import VALIDATION
from app.services import services
from domain.access import AVAILABILITY_READ, PROVIDERS_WRITE
from domain.use_cases.weekly_availability import (
    WeeklyAvailability,
    replace_weekly_availability,
    weekly_availability,
)

blp = Blueprint(
    "weekly-availability",
    __name__,
    description="A provider's recurring weekly windows, in the provider's wall-clock time: "
    "those from the feed (kept by syncs) and those set over the API (source `api`).",
)


def _window(day: str, start: str, end: str, source: str, window_id: str) -> dict[str, Any]:
    return {
        "id": window_id,
        "starts_at": {"day_of_week": day, "time": start},
        "ends_at": {"day_of_week": day, "time": end},
        "source": source,
    }


_OWN = _window("monday", "13:00", "17:00", "api", "monday-1300-monday-1700")
_EXAMPLE = {
    "provider_id": 1,
    "timezone": "America/New_York",
    "windows": [_window("monday", "09:00", "12:00", "calendly", "mon-am"), _OWN],
}
#: The example's `api` window, sent back as GET answers it.
_UPDATE = {"windows": [_OWN]}
_PUT_422 = named(
    (
        "validation-error",
        example(
            VALIDATION,
            "Some fields are invalid; see errors.",
            errors={
                "windows.0.starts_at.day_of_week": ["Must be one of: monday, ..."],
                "windows.1.source": [FOREIGN_SOURCE],
            },
        ),
    ),
    (
        "invalid-windows",
        example(
            VALIDATION,
            "Some windows are invalid; see errors.",
            errors={
                "windows": [
                    "window 1: the window has zero length",
                    "window 2: duplicate id 'monday-1300-monday-1700'",
                ]
            },
        ),
    ),
)
_NOT_FOUND = {404: "No provider has this id."}


@blp.route(f"/providers/<{ID}:provider_id>/weekly-availability")
class WeeklyAvailabilityById(MethodView):
    @requires(blp, AVAILABILITY_READ)
    @blp.etag
    @blp.response(200, WeeklyAvailabilitySchema, example=_EXAMPLE)
    @blp.doc(operationId="getWeeklyAvailability")
    @problems(blp, _NOT_FOUND)
    def get(self, provider_id: int) -> WeeklyAvailability:
        """Read a provider's weekly windows."""
        reach.see_provider(provider_id)
        return weekly_availability(services().uow(), provider_id)

    @requires(blp, PROVIDERS_WRITE)
    @blp.etag
    @blp.arguments(WeeklyAvailabilityUpdateSchema(), example=_UPDATE)
    @blp.response(200, WeeklyAvailabilitySchema, example=_EXAMPLE)
    @blp.doc(
        operationId="replaceWeeklyAvailability",
        description="Replaces the provider's windows whose source is `api`, all or nothing; "
        "windows from the feed are kept (and a sync never touches `api` windows). Free time "
        "is the merge of both. Takes the windows as GET answers them: send back the `api` "
        "ones, edited or not; a window of another source is a 422. A window keeps the `id` "
        "it is sent with (else its start and end make one), so sending back what GET "
        "answered changes nothing, and the `ETag` stays. Windows are validated like a feed's: "
        "an unknown day, a time that is not HH:MM, a zero-length window or an id used twice "
        "is a 422 naming each bad window, and nothing changes. Answers the whole weekly "
        "availability.",
    )
    @problems(blp, BODY_PROBLEMS, _NOT_FOUND, {422: None}, examples={422: _PUT_422})
    def put(self, body: dict[str, Any], provider_id: int) -> WeeklyAvailability:
        """Replace a provider's own (`api`) weekly windows."""
        reach.change_provider(provider_id)
        return replace_weekly_availability(
            services().uow(),
            provider_id,
            body["windows"],
            blp.if_match(WeeklyAvailabilitySchema),
        )
