"""Initial schema: providers, clients, weekly windows, appointments, idempotency keys.

On PostgreSQL also btree_gist and two exclusion constraints that make overlapping
scheduled appointments of one provider, or of one client, impossible (docs/DECISIONS.md,
"No double booking"). They are not in the models (adapters/sqlalchemy/tables.py), which
stay portable, and the schema comparison ignores them by name.

Revision ID: 0001
Revises:
Create Date: 2026-11-24 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)  # adapters.sqlalchemy.types.UtcDateTime
# Names are spelled out whole and marked final with op.f(), so the models' naming
# convention (adapters/sqlalchemy/tables.py) is not applied to them a second time.


def upgrade() -> None:
    _create_providers_and_clients()
    _create_weekly_windows()
    _create_appointments()
    _create_idempotency_keys()
    if op.get_context().dialect.name == "postgresql":
        _create_exclusion_constraints()


def downgrade() -> None:
    # The exclusion constraints go with their table. btree_gist stays: an extension
    # belongs to the whole database, and something else may use it.
    op.drop_table("idempotency_keys")
    op.drop_index(op.f("ix_appointments_client_id_starts_at"), table_name="appointments")
    op.drop_index(op.f("ix_appointments_provider_id_starts_at"), table_name="appointments")
    op.drop_table("appointments")
    op.drop_table("weekly_windows")
    op.drop_index(op.f("uq_clients_lower_email"), table_name="clients")
    op.drop_table("clients")
    op.drop_table("providers")


def _create_providers_and_clients() -> None:
    op.create_table(
        "providers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("timezone", sa.Text(), nullable=False),
        sa.Column("accepts_new_clients", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_providers")),
    )
    op.create_table(
        "clients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("email", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clients")),
    )
    # Case-insensitive uniqueness; lookups use the same lower(email) expression.
    op.create_index(
        op.f("uq_clients_lower_email"), "clients", [sa.text("lower(email)")], unique=True
    )


def _create_weekly_windows() -> None:
    op.create_table(
        "weekly_windows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("external_id", sa.Text(), nullable=False),
        sa.Column("start_day", sa.SmallInteger(), nullable=False),
        sa.Column("start_minute", sa.SmallInteger(), nullable=False),
        sa.Column("end_day", sa.SmallInteger(), nullable=False),
        sa.Column("end_minute", sa.SmallInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_weekly_windows")),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["providers.id"], name=op.f("fk_weekly_windows_provider_id_providers")
        ),
        # Also serves "a provider's windows": provider_id leads.
        sa.UniqueConstraint(
            "provider_id",
            "source",
            "external_id",
            name=op.f("uq_weekly_windows_provider_id_source_external_id"),
        ),
        sa.CheckConstraint(
            "start_day BETWEEN 0 AND 6", name=op.f("ck_weekly_windows_start_day_range")
        ),
        sa.CheckConstraint("end_day BETWEEN 0 AND 6", name=op.f("ck_weekly_windows_end_day_range")),
        sa.CheckConstraint(
            "start_minute BETWEEN 0 AND 1439", name=op.f("ck_weekly_windows_start_minute_range")
        ),
        sa.CheckConstraint(
            "end_minute BETWEEN 0 AND 1439", name=op.f("ck_weekly_windows_end_minute_range")
        ),
        sa.CheckConstraint(
            "start_day <> end_day OR start_minute <> end_minute",
            name=op.f("ck_weekly_windows_not_empty"),
        ),
    )


def _create_appointments() -> None:
    op.create_table(
        "appointments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", UTC_DATETIME, nullable=False),
        sa.Column("ends_at", UTC_DATETIME, nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("canceled_at", UTC_DATETIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointments")),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_appointments_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["providers.id"], name=op.f("fk_appointments_provider_id_providers")
        ),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_appointments_ends_after_start")),
        sa.CheckConstraint(
            "status IN ('scheduled', 'canceled')", name=op.f("ck_appointments_status")
        ),
    )
    # Overlap queries are range scans on these (docs/DECISIONS.md, "Overlap query bound").
    op.create_index(
        op.f("ix_appointments_provider_id_starts_at"), "appointments", ["provider_id", "starts_at"]
    )
    op.create_index(
        op.f("ix_appointments_client_id_starts_at"), "appointments", ["client_id", "starts_at"]
    )


def _create_idempotency_keys() -> None:
    op.create_table(
        "idempotency_keys",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.Text(), nullable=False),
        sa.Column("appointment_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_idempotency_keys")),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointments.id"],
            name=op.f("fk_idempotency_keys_appointment_id_appointments"),
        ),
    )


def _create_exclusion_constraints() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    for name, owner in (
        ("ex_appointments_provider_overlap", "provider_id"),
        ("ex_appointments_client_overlap", "client_id"),
    ):
        op.execute(
            f"ALTER TABLE appointments ADD CONSTRAINT {name} EXCLUDE USING gist "
            f"({owner} WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
            "WHERE (status = 'scheduled')"
        )
