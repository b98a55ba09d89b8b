"""Change stamps: a booking version and last booking time per provider, a sequence per appointment.

``providers.booking_version`` grows, in the same transaction, with every booking, move or
cancellation of the provider's appointments, and ``providers.last_booked_at`` holds when its
latest appointment was booked (conditional requests, the pool-choice rule); ``appointments.sequence``
is 1 when booked and grows with each change (events, conditional requests). See
docs/DECISIONS.md, "Change stamps". Existing providers start at version 0 with their latest
booking time taken from their appointments; existing appointments start at sequence 1, or 2 if
canceled.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 17:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UTC_DATETIME = sa.DateTime(timezone=True)  # adapters.sqlalchemy.types.UtcDateTime

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMNs with constant defaults or none: no table copy on either database.
    op.add_column(
        "providers",
        sa.Column("booking_version", sa.Integer(), nullable=False, server_default=sa.text("0")),
    )
    op.add_column("providers", sa.Column("last_booked_at", UTC_DATETIME, nullable=True))
    op.add_column(
        "appointments",
        sa.Column("sequence", sa.Integer(), nullable=False, server_default=sa.text("1")),
    )
    op.execute(
        "UPDATE providers SET last_booked_at = "
        "(SELECT max(created_at) FROM appointments WHERE appointments.provider_id = providers.id)"
    )
    op.execute("UPDATE appointments SET sequence = 2 WHERE status = 'canceled'")


def downgrade() -> None:
    with op.batch_alter_table("appointments") as batch:
        batch.drop_column("sequence")
    with op.batch_alter_table("providers") as batch:
        batch.drop_column("last_booked_at")
        batch.drop_column("booking_version")
