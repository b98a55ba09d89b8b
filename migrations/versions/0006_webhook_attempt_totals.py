"""Webhook attempt totals by outcome, for ``webhook_deliveries_total`` on ``GET /metrics``.

``webhook_attempts`` cannot serve as the count: deleting an endpoint deletes its attempts,
and a Prometheus counter must never go down (docs/DECISIONS.md, "Webhook metrics from the
database"). The totals start from the attempts already logged; a missing row is 0.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 18:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: An attempt's outcome from its log row, as adapters/sqlalchemy/deliveries.py counts it.
_OUTCOME = (
    "CASE WHEN status_code >= 200 AND status_code < 300 THEN 'delivered' "
    "WHEN next_attempt_at IS NOT NULL THEN 'retrying' ELSE 'failed' END"
)


def upgrade() -> None:
    op.create_table(
        "webhook_attempt_totals",
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('delivered', 'retrying', 'failed')",
            name=op.f("ck_webhook_attempt_totals_outcome"),
        ),
        sa.PrimaryKeyConstraint("outcome", name=op.f("pk_webhook_attempt_totals")),
    )
    # Only outcomes seen get a row; the worker creates the others when it first counts them.
    op.execute(
        f"INSERT INTO webhook_attempt_totals (outcome, total) SELECT {_OUTCOME}, count(*) "
        f"FROM webhook_attempts GROUP BY {_OUTCOME}"
    )


def downgrade() -> None:
    op.drop_table("webhook_attempt_totals")
