"""A schedule version per provider, to validate per-process caches of its schedule.

Every change to a provider's weekly windows or dated overrides increments
``providers.schedule_version`` in the same transaction; a worker that cached the windows and
overrides under one version refetches them as soon as it reads another (docs/DECISIONS.md,
"Caching schedules across workers"). Existing providers start at version 0.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN with a constant default: no table copy on either database.
    op.add_column(
        "providers",
        sa.Column("schedule_version", sa.Integer(), nullable=False, server_default=sa.text("0")),
    )


def downgrade() -> None:
    with op.batch_alter_table("providers") as batch:
        batch.drop_column("schedule_version")
