"""Scheduling policies: provider policy columns, cancellation details, dated overrides.

Providers gain their booking policies (buffers, minimum notice, horizon, minimum
cancellation notice), appointments the reason and author of a cancellation, and the new
``date_overrides`` table holds time off and extra availability (docs/DECISIONS.md,
"Scheduling policies", "Time off and extra availability", "Cancellation notice").

Existing rows need nothing: every new provider column but ``horizon_days`` defaults to 0,
and the nullable ones start out NULL, which is "no constraint" and "no details". On SQLite,
adding a CHECK constraint makes batch mode copy the table; the copy keeps every row, index
and named constraint (tests/integration/test_migrations.py migrates a populated database).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 04:00:00
"""

import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op
from alembic.operations import BatchOperations

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)  # adapters.sqlalchemy.types.UtcDateTime
MAX_REASON_LENGTH = 500  # domain.model.MAX_REASON_LENGTH, as of this revision
# As in 0001, names are spelled out whole and marked final with op.f().

#: (condition, name) of the CHECK constraints, per table.
PROVIDER_CHECKS = (
    ("buffer_before >= 0", "ck_providers_buffer_before_not_negative"),
    ("buffer_after >= 0", "ck_providers_buffer_after_not_negative"),
    ("min_notice_minutes >= 0", "ck_providers_min_notice_not_negative"),
    ("horizon_days >= 1", "ck_providers_horizon_positive"),
    ("min_cancel_notice_minutes >= 0", "ck_providers_min_cancel_notice_not_negative"),
)
APPOINTMENT_CHECKS = (
    (f"length(cancel_reason) <= {MAX_REASON_LENGTH}", "ck_appointments_cancel_reason_length"),
    ("canceled_by IN ('client', 'provider')", "ck_appointments_canceled_by"),
    (
        "status = 'canceled' OR (cancel_reason IS NULL AND canceled_by IS NULL)",
        "ck_appointments_cancel_details_only_when_canceled",
    ),
)


def upgrade() -> None:
    _add_provider_policies()
    _add_cancellation_details()
    _create_date_overrides()


def downgrade() -> None:
    # Named CHECK constraints must go before their columns: SQLite's batch copy keeps
    # every named constraint it reflects, including ones on dropped columns.
    op.drop_index(op.f("ix_date_overrides_provider_id_starts_at"), table_name="date_overrides")
    op.drop_table("date_overrides")
    with _batch("appointments") as batch:
        for _condition, name in reversed(APPOINTMENT_CHECKS):
            batch.drop_constraint(op.f(name), type_="check")
        batch.drop_column("canceled_by")
        batch.drop_column("cancel_reason")
    with _batch("providers") as batch:
        for _condition, name in reversed(PROVIDER_CHECKS):
            batch.drop_constraint(op.f(name), type_="check")
        batch.drop_column("min_cancel_notice_minutes")
        batch.drop_column("horizon_days")
        batch.drop_column("min_notice_minutes")
        batch.drop_column("buffer_after")
        batch.drop_column("buffer_before")


def _add_provider_policies() -> None:
    """The policies, each meaning "no constraint" for the providers already there."""
    with _batch("providers") as batch:
        batch.add_column(_minutes("buffer_before"))
        batch.add_column(_minutes("buffer_after"))
        batch.add_column(_minutes("min_notice_minutes"))
        batch.add_column(sa.Column("horizon_days", sa.Integer(), nullable=True))
        batch.add_column(_minutes("min_cancel_notice_minutes"))
        for condition, name in PROVIDER_CHECKS:
            batch.create_check_constraint(op.f(name), sa.text(condition))


def _minutes(name: str) -> sa.Column[int]:
    """A policy in minutes, which existing rows get as 0."""
    return sa.Column(name, sa.Integer(), nullable=False, server_default=sa.text("0"))


def _add_cancellation_details() -> None:
    """Why and by whom an appointment was canceled; NULL for every existing appointment."""
    with _batch("appointments") as batch:
        batch.add_column(sa.Column("cancel_reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("canceled_by", sa.Text(), nullable=True))
        for condition, name in APPOINTMENT_CHECKS:
            batch.create_check_constraint(op.f(name), sa.text(condition))


def _create_date_overrides() -> None:
    op.create_table(
        "date_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", UTC_DATETIME, nullable=False),
        sa.Column("ends_at", UTC_DATETIME, nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_date_overrides")),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["providers.id"], name=op.f("fk_date_overrides_provider_id_providers")
        ),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_date_overrides_ends_after_start")),
        sa.CheckConstraint(
            "kind IN ('unavailable', 'available')", name=op.f("ck_date_overrides_kind")
        ),
        sa.CheckConstraint(
            f"length(reason) <= {MAX_REASON_LENGTH}", name=op.f("ck_date_overrides_reason_length")
        ),
    )
    # A provider's overrides before a time are a range scan on this (queries.provider_overrides).
    op.create_index(
        op.f("ix_date_overrides_provider_id_starts_at"),
        "date_overrides",
        ["provider_id", "starts_at"],
    )


@contextmanager
def _batch(table: str) -> Iterator[BatchOperations]:
    """``op.batch_alter_table``, without one harmless warning on SQLite.

    Copying a table reflects the tables its foreign keys name, and SQLAlchemy cannot reflect
    the expression index on ``clients`` (``lower(email)``); it says so, but the index is
    untouched: ``clients`` is not copied.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", "Skipped unsupported reflection of expression-based index", sa.exc.SAWarning
        )
        with op.batch_alter_table(table) as batch:
            yield batch
