"""GET /health (readiness: database and schema) and GET /health/live (the process is up).

See docs/DECISIONS.md, "Liveness and readiness".
"""

from __future__ import annotations

from flask.views import MethodView

from app.api.base import Blueprint
from app.api.docs import problems
from app.api.schemas import HealthSchema
from app.problems import RETRY_AFTER_SECONDS, UNAVAILABLE, Problem
from app.services import services

blp = Blueprint("health", __name__, description="Readiness and liveness.")


@blp.route("/health")
class Health(MethodView):
    @blp.response(200, HealthSchema, example={"status": "ok"})
    @blp.doc(
        operationId="checkHealth",
        description="Ready to serve: the database answers and its schema is at the code's "
        "migration head. A database behind the head (or not migrated) is a 503 saying so.",
    )
    @problems(blp, {503: "The database does not answer, or its schema is not at the head."})
    def get(self) -> dict[str, str]:
        """Check that the database answers and is migrated (readiness)."""
        database = services().database
        revision, head = database.schema_revision(), database.schema_head()
        if revision != head:
            raise Problem(
                UNAVAILABLE,
                f"The database schema is at revision {revision or 'none'}, not at this "
                f"code's head {head}: run the migrations (alembic upgrade head).",
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
        return {"status": "ok"}


@blp.route("/health/live")
class Liveness(MethodView):
    @blp.response(200, HealthSchema, example={"status": "ok"})
    @blp.doc(
        operationId="checkLiveness",
        description="Answers 200 while the process serves requests; never reads the database.",
    )
    def get(self) -> dict[str, str]:
        """Check that the process is up (liveness)."""
        return {"status": "ok"}
