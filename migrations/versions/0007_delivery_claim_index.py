"""The delivery claim's index also orders by ``id``, so a claim reads only what it takes.

The claim orders due deliveries by ``(next_attempt_at, id)``; with ``(status,
next_attempt_at)`` alone PostgreSQL joined and sorted every pending delivery on each claim
(10,000 pending: 33 ms a claim, against 0.5 ms with this index). The new index replaces the
old one, which is its prefix (docs/DECISIONS.md, "Delivery claim index").

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 19:15:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLE = "webhook_deliveries"


def upgrade() -> None:
    op.create_index(
        op.f("ix_webhook_deliveries_status_next_attempt_at_id"),
        _TABLE,
        ["status", "next_attempt_at", "id"],
    )
    op.drop_index(op.f("ix_webhook_deliveries_status_next_attempt_at"), table_name=_TABLE)


def downgrade() -> None:
    op.create_index(
        op.f("ix_webhook_deliveries_status_next_attempt_at"), _TABLE, ["status", "next_attempt_at"]
    )
    op.drop_index(op.f("ix_webhook_deliveries_status_next_attempt_at_id"), table_name=_TABLE)
