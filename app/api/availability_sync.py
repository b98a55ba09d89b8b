"""POST /providers/{provider_id}/availability-sync: pull the provider's weekly windows."""

from __future__ import annotations

from flask.views import MethodView

from app.access import reach
from app.access.scopes import requires
from app.api.base import ID, Blueprint
from app.api.docs import problems
from app.api.schemas import SyncReportSchema
from app.services import services
from domain.access import PROVIDERS_WRITE
from domain.use_cases.directory import get_provider
from domain.use_cases.weekly_availability import sync_availability
from domain.windows import SyncReport

blp = Blueprint(
    "availability-sync",
    __name__,
    description="Synchronise a provider's weekly availability from the configured feed.",
)


@blp.route(f"/providers/<{ID}:provider_id>/availability-sync")
class AvailabilitySync(MethodView):
    @requires(blp, PROVIDERS_WRITE)
    @blp.response(
        200,
        SyncReportSchema,
        example={"provider_id": 1, "created": 2, "updated": 1, "deleted": 0, "unchanged": 5},
    )
    @blp.doc(
        description="Windows are matched by (source, feed id): new ones are created, changed "
        "ones updated, vanished ones deleted. All or nothing: an invalid feed changes nothing."
    )
    @problems(
        blp,
        {
            404: "No provider has this id.",
            502: "The feed is unreadable or invalid; `errors.feed` lists its problems.",
        },
    )
    @blp.doc(operationId="syncAvailability")
    def post(self, provider_id: int) -> SyncReport:
        """Sync a provider's availability from the feed."""
        svc = services()
        get_provider(svc.uow(), provider_id)  # an unknown provider is a 404 before any feed error
        reach.change_provider(provider_id)
        return sync_availability(svc.uow(), svc.feed, provider_id)
