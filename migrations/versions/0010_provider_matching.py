"""Provider matching: profiles, appointment types, the types providers offer, typed bookings.

``provider_attributes`` holds each provider's profile, one row per code, indexed by
(kind, code, provider_id) so that a filter reads the matching ids from the index alone
(docs/DECISIONS.md, "Provider matching"; docs/QUERY_PLANS.md, "Matching providers").
``appointment_types`` and ``provider_appointment_types`` hold the types and who offers them,
and appointments gain the booked type and its modality.

Existing rows need nothing: every existing provider has no codes (an empty profile) and offers
no type, and every existing appointment has no type (both new columns NULL). On SQLite the
CHECK on ``appointments.modality`` makes batch mode copy the table, keeping every row.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 17:40:00
"""

import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op
from alembic.operations import BatchOperations

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As of this revision: domain.profiles.Modality, ClientRule and Kind.
MODALITIES = "'in_person', 'video', 'phone'"
CLIENT_RULES = "'any', 'new', 'existing'"
KINDS = "'specialty', 'language', 'modality', 'region', 'payer'"


def upgrade() -> None:
    _create_provider_attributes()
    _create_appointment_types()
    _create_provider_appointment_types()
    with _batch("appointments") as batch:
        batch.add_column(sa.Column("appointment_type_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("modality", sa.Text(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_appointments_appointment_type_id_appointment_types"),
            "appointment_types",
            ["appointment_type_id"],
            ["id"],
        )
        batch.create_check_constraint(
            op.f("ck_appointments_modality"), sa.text(f"modality IN ({MODALITIES})")
        )


def downgrade() -> None:
    with _batch("appointments") as batch:
        batch.drop_constraint(op.f("ck_appointments_modality"), type_="check")
        batch.drop_constraint(
            op.f("fk_appointments_appointment_type_id_appointment_types"), type_="foreignkey"
        )
        batch.drop_column("modality")
        batch.drop_column("appointment_type_id")
    op.drop_index(
        op.f("ix_provider_appointment_types_appointment_type_id_provider_id"),
        table_name="provider_appointment_types",
    )
    op.drop_table("provider_appointment_types")
    op.drop_table("appointment_types")
    op.drop_index(
        op.f("ix_provider_attributes_kind_code_provider_id"), table_name="provider_attributes"
    )
    op.drop_table("provider_attributes")


def _create_provider_attributes() -> None:
    op.create_table(
        "provider_attributes",
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("provider_id", "kind", "code", name=op.f("pk_provider_attributes")),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["providers.id"],
            name=op.f("fk_provider_attributes_provider_id_providers"),
        ),
        sa.CheckConstraint(f"kind IN ({KINDS})", name=op.f("ck_provider_attributes_kind")),
    )
    op.create_index(
        op.f("ix_provider_attributes_kind_code_provider_id"),
        "provider_attributes",
        ["kind", "code", "provider_id"],
    )


def _create_appointment_types() -> None:
    op.create_table(
        "appointment_types",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("durations", sa.Text(), nullable=False),
        sa.Column("modality", sa.Text(), nullable=False),
        sa.Column("clients", sa.Text(), nullable=False),
        sa.Column("buffer_before", sa.Integer(), nullable=True),
        sa.Column("buffer_after", sa.Integer(), nullable=True),
        sa.Column("min_notice_minutes", sa.Integer(), nullable=True),
        sa.Column("archived", sa.Boolean(), nullable=False, server_default=sa.text("false")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointment_types")),
        sa.CheckConstraint(
            f"modality IN ({MODALITIES})", name=op.f("ck_appointment_types_modality")
        ),
        sa.CheckConstraint(
            f"clients IN ({CLIENT_RULES})", name=op.f("ck_appointment_types_clients")
        ),
    )


def _create_provider_appointment_types() -> None:
    op.create_table(
        "provider_appointment_types",
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("appointment_type_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "provider_id", "appointment_type_id", name=op.f("pk_provider_appointment_types")
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["providers.id"],
            name=op.f("fk_provider_appointment_types_provider_id_providers"),
        ),
        sa.ForeignKeyConstraint(
            ["appointment_type_id"],
            ["appointment_types.id"],
            name=op.f("fk_provider_appointment_types_appointment_type_id_appointment_types"),
        ),
    )
    op.create_index(
        op.f("ix_provider_appointment_types_appointment_type_id_provider_id"),
        "provider_appointment_types",
        ["appointment_type_id", "provider_id"],
    )


@contextmanager
def _batch(table: str) -> Iterator[BatchOperations]:
    """``op.batch_alter_table``, without the harmless warning about ``clients``' expression
    index that reflecting the foreign keys' tables gives on SQLite (see 0002)."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", "Skipped unsupported reflection of expression-based index", sa.exc.SAWarning
        )
        with op.batch_alter_table(table) as batch:
            yield batch
