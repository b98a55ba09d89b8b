"""The audit trail: one append-only row per audited request (docs/DECISIONS.md, "Audit trail").

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 17:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)  # adapters.sqlalchemy.types.UtcDateTime


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", UTC_DATETIME, nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=True),
        sa.Column("request_id", sa.Text(), nullable=True),
        sa.Column("operation_id", sa.Text(), nullable=False),
        sa.Column("resource", sa.Text(), nullable=False),
        sa.Column("resource_ids", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("status", sa.SmallInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_index(
        op.f("ix_audit_events_occurred_at_id"), "audit_events", ["occurred_at", "id"]
    )
    op.create_index(
        op.f("ix_audit_events_key_id_occurred_at"), "audit_events", ["key_id", "occurred_at"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_audit_events_key_id_occurred_at"), table_name="audit_events")
    op.drop_index(op.f("ix_audit_events_occurred_at_id"), table_name="audit_events")
    op.drop_table("audit_events")
