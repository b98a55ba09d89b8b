"""GET /health: whether the service and its database answer."""

from __future__ import annotations

from flask.views import MethodView

from app.api.base import Blueprint
from app.api.docs import problems
from app.api.schemas import HealthSchema
from app.services import services
from domain.errors import StoreUnavailable

blp = Blueprint("health", __name__, description="Liveness and database reachability.")


@blp.route("/health")
class Health(MethodView):
    @blp.response(200, HealthSchema, example={"status": "ok"})
    @problems(blp, {503: "The database does not answer."})
    @blp.doc(operationId="checkHealth")
    def get(self) -> dict[str, str]:
        """Check that the database answers."""
        if not services().database.ping():
            raise StoreUnavailable()
        return {"status": "ok"}
