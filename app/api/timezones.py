"""GET /timezones: the IANA time zone names a provider's `timezone` may take.

See docs/DECISIONS.md, "Time zone names".
"""

from __future__ import annotations

from flask.views import MethodView

from app.access.scopes import requires
from app.api.base import Blueprint
from app.api.schemas import TimeZonesSchema
from domain.access import AVAILABILITY_READ
from domain.rules.zones import known_zone_names

blp = Blueprint("timezones", __name__, description="The time zones a provider may have.")

_ZONES = {"timezones": ["Africa/Abidjan", "America/New_York", "Europe/Berlin", "UTC"]}


@blp.route("/timezones")
class TimeZones(MethodView):
    @requires(blp, AVAILABILITY_READ)
    @blp.etag
    @blp.response(200, TimeZonesSchema, example=_ZONES)
    @blp.doc(
        operationId="listTimeZones",
        description="Exactly the names `POST /providers` and `PATCH /providers/{provider_id}` "
        "accept as `timezone`, sorted; any other is a 422. The list changes only when the "
        "server's time zone database does, so the `ETag` lets a client keep it and revalidate "
        "with `If-None-Match` (304). Never reads the database.",
    )
    def get(self) -> dict[str, list[str]]:
        """List the IANA time zone names a provider may have."""
        return {"timezones": list(known_zone_names())}
