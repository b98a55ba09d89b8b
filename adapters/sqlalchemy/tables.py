"""The schema as SQLAlchemy Core tables; repositories translate rows explicitly.

Alembic owns the schema (``migrations/``); these tables are what it is compared against.
PostgreSQL-only objects (btree_gist and the two exclusion constraints) live in the
migration alone; see ``POSTGRES_ONLY`` and docs/DECISIONS.md, "No double booking".
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)

from adapters.sqlalchemy.types import UtcDateTime
from domain.model import MAX_REASON_LENGTH
from domain.profiles import ClientRule, Kind, Modality

NAMING_CONVENTION = {
    "pk": "pk_%(table_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
}

#: Constraint names the adapter maps to domain errors (adapters/sqlalchemy/errors.py).
CLIENT_EMAIL_INDEX = "uq_clients_lower_email"
PROVIDER_OVERLAP = "ex_appointments_provider_overlap"
CLIENT_OVERLAP = "ex_appointments_client_overlap"
#: Created by the migration on PostgreSQL only; ignored when comparing with the models.
POSTGRES_ONLY = frozenset({PROVIDER_OVERLAP, CLIENT_OVERLAP})
#: Longest cancellation or time-off reason stored, in characters; the CHECK constraints
#: enforcing it end in "reason_length" (adapters/sqlalchemy/errors.py translates them).

metadata = MetaData(naming_convention=NAMING_CONVENTION)
MODALITIES = ", ".join(f"'{m}'" for m in Modality)

providers = Table(
    "providers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False),
    Column("email", Text, nullable=True),
    Column("timezone", Text, nullable=False),
    Column("accepts_new_clients", Boolean, nullable=False),
    # Policies (docs/DECISIONS.md, "Scheduling policies"); the domain enforces their upper
    # bounds, the database only what no policy could ever mean.
    Column("buffer_before", Integer, nullable=False, server_default=text("0")),
    Column("buffer_after", Integer, nullable=False, server_default=text("0")),
    Column("min_notice_minutes", Integer, nullable=False, server_default=text("0")),
    Column("horizon_days", Integer, nullable=True),
    Column("min_cancel_notice_minutes", Integer, nullable=False, server_default=text("0")),
    # Bumped with every change to the provider's windows or overrides, in the same
    # transaction; validates cached schedules (adapters/sqlalchemy/cache.py).
    Column("schedule_version", Integer, nullable=False, server_default=text("0")),
    # Bumped, and last_booked_at set, by every booking, move or cancellation of the provider's
    # appointments, in the same transaction (docs/DECISIONS.md, "Change stamps").
    Column("booking_version", Integer, nullable=False, server_default=text("0")),
    Column("last_booked_at", UtcDateTime, nullable=True),
    CheckConstraint("buffer_before >= 0", name="buffer_before_not_negative"),
    CheckConstraint("buffer_after >= 0", name="buffer_after_not_negative"),
    CheckConstraint("min_notice_minutes >= 0", name="min_notice_not_negative"),
    CheckConstraint("horizon_days >= 1", name="horizon_positive"),
    CheckConstraint("min_cancel_notice_minutes >= 0", name="min_cancel_notice_not_negative"),
)

clients = Table(
    "clients",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False),
    Column("email", Text, nullable=False),
)
Index(CLIENT_EMAIL_INDEX, func.lower(clients.c.email), unique=True)

weekly_windows = Table(
    "weekly_windows",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("provider_id", Integer, ForeignKey("providers.id"), nullable=False),
    Column("source", Text, nullable=False),
    Column("external_id", Text, nullable=False),
    Column("start_day", SmallInteger, nullable=False),
    Column("start_minute", SmallInteger, nullable=False),
    Column("end_day", SmallInteger, nullable=False),
    Column("end_minute", SmallInteger, nullable=False),
    # Leads with provider_id, so it is also the index for "a provider's windows".
    UniqueConstraint("provider_id", "source", "external_id"),
    CheckConstraint("start_day BETWEEN 0 AND 6", name="start_day_range"),
    CheckConstraint("end_day BETWEEN 0 AND 6", name="end_day_range"),
    CheckConstraint("start_minute BETWEEN 0 AND 1439", name="start_minute_range"),
    CheckConstraint("end_minute BETWEEN 0 AND 1439", name="end_minute_range"),
    CheckConstraint("start_day <> end_day OR start_minute <> end_minute", name="not_empty"),
)

appointments = Table(
    "appointments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("client_id", Integer, ForeignKey("clients.id"), nullable=False),
    Column("provider_id", Integer, ForeignKey("providers.id"), nullable=False),
    Column("starts_at", UtcDateTime, nullable=False),
    Column("ends_at", UtcDateTime, nullable=False),
    Column("status", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("canceled_at", UtcDateTime, nullable=True),
    Column("cancel_reason", Text, nullable=True),
    Column("canceled_by", Text, nullable=True),
    Column("sequence", Integer, nullable=False, server_default=text("1")),
    # The booked type and its modality; both null for a booking without a type.
    Column("appointment_type_id", Integer, ForeignKey("appointment_types.id"), nullable=True),
    Column("modality", Text, nullable=True),
    CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    CheckConstraint(f"modality IN ({MODALITIES})", name="modality"),
    CheckConstraint("status IN ('scheduled', 'canceled')", name="status"),
    CheckConstraint(f"length(cancel_reason) <= {MAX_REASON_LENGTH}", name="cancel_reason_length"),
    CheckConstraint("canceled_by IN ('client', 'provider')", name="canceled_by"),
    CheckConstraint(
        "status = 'canceled' OR (cancel_reason IS NULL AND canceled_by IS NULL)",
        name="cancel_details_only_when_canceled",
    ),
    # Overlap queries are range scans on these (docs/DECISIONS.md, "Overlap query bound").
    Index(None, "provider_id", "starts_at"),
    Index(None, "client_id", "starts_at"),
)

date_overrides = Table(
    "date_overrides",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("provider_id", Integer, ForeignKey("providers.id"), nullable=False),
    Column("starts_at", UtcDateTime, nullable=False),
    Column("ends_at", UtcDateTime, nullable=False),
    Column("kind", Text, nullable=False),
    Column("reason", Text, nullable=True),
    CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    CheckConstraint("kind IN ('unavailable', 'available')", name="kind"),
    CheckConstraint(f"length(reason) <= {MAX_REASON_LENGTH}", name="reason_length"),
    # A provider's overrides before a time are a range scan on this (queries.provider_overrides).
    Index(None, "provider_id", "starts_at"),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("key", Text, primary_key=True),
    Column("fingerprint", Text, nullable=False),
    Column("appointment_id", Integer, ForeignKey("appointments.id"), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

# --- webhooks (docs/DECISIONS.md, "Transactional outbox", "Webhook delivery") -----------

webhook_endpoints = Table(
    "webhook_endpoints",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("url", Text, nullable=False),
    # The subscribed event types, as a JSON array (adapters/sqlalchemy/rows.py).
    Column("events", Text, nullable=False),
    Column("description", Text, nullable=True),
    # Kept as given: signing needs the secret itself, so it cannot be hashed.
    Column("secret", Text, nullable=False),
    Column("previous_secret", Text, nullable=True),
    Column("previous_secret_expires_at", UtcDateTime, nullable=True),
    Column("enabled", Boolean, nullable=False),
    Column("disabled_reason", Text, nullable=True),
    # Since when every attempt failed; cleared by a success.
    Column("failing_since", UtcDateTime, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
)

#: The outbox: one row per event, written in the transaction of the change it reports.
webhook_events = Table(
    "webhook_events",
    metadata,
    Column("id", Text, primary_key=True),
    Column("type", Text, nullable=False),
    Column("provider_id", Integer, nullable=False),
    Column("appointment_id", Integer, nullable=True),
    # The exact body every delivery of the event sends.
    Column("body", Text, nullable=False),
    Column("occurred_at", UtcDateTime, nullable=False),
    Column("request_id", Text, nullable=True),
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("event_id", Text, ForeignKey("webhook_events.id"), nullable=False),
    Column("endpoint_id", Integer, ForeignKey("webhook_endpoints.id"), nullable=False),
    Column("status", Text, nullable=False),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("next_attempt_at", UtcDateTime, nullable=False),
    # A claimed delivery is leased: nobody else claims it before lease_expires_at.
    Column("lease_token", Text, nullable=True),
    Column("lease_expires_at", UtcDateTime, nullable=True),
    CheckConstraint("status IN ('pending', 'delivered', 'failed')", name="status"),
    # The worker's claim is a range scan on this, in its order: it reads only the rows it
    # takes (docs/DECISIONS.md, "Delivery claim index").
    Index(None, "status", "next_attempt_at", "id"),
    Index(None, "endpoint_id"),
)

webhook_attempts = Table(
    "webhook_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("delivery_id", Integer, ForeignKey("webhook_deliveries.id"), nullable=False),
    Column("endpoint_id", Integer, ForeignKey("webhook_endpoints.id"), nullable=False),
    Column("event_id", Text, nullable=False),
    Column("event_type", Text, nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("attempted_at", UtcDateTime, nullable=False),
    Column("status_code", Integer, nullable=True),
    Column("error", Text, nullable=True),
    Column("duration_ms", Integer, nullable=False),
    Column("next_attempt_at", UtcDateTime, nullable=True),
    # An endpoint's log, newest first.
    Index(None, "endpoint_id", "id"),
)

#: Attempts made so far, by outcome: a total that only grows, unlike ``webhook_attempts``,
#: whose rows leave with their endpoint; read by ``GET /metrics`` (docs/DECISIONS.md,
#: "Webhook metrics from the database").
webhook_attempt_totals = Table(
    "webhook_attempt_totals",
    metadata,
    Column("outcome", Text, primary_key=True),
    Column("total", BigInteger, nullable=False),
    CheckConstraint("outcome IN ('delivered', 'retrying', 'failed')", name="outcome"),
)

# --- access (docs/DECISIONS.md, "API keys and scopes") ------------------------------------

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False),
    # The granted scopes, space-separated as in OAuth.
    Column("scopes", Text, nullable=False),
    # SHA-256 of the secret, hex; the secret itself is never stored.
    Column("digest", Text, nullable=False, unique=True),
    Column("hint", Text, nullable=False),
    Column("provider_id", Integer, ForeignKey("providers.id"), nullable=True),
    Column("client_id", Integer, ForeignKey("clients.id"), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=True),
    Column("revoked_at", UtcDateTime, nullable=True),
    Column("last_used_at", UtcDateTime, nullable=True),
)

# --- audit trail (docs/DECISIONS.md, "Audit trail") -----------------------------------------

#: Append-only: no statement of the service updates or deletes a row. Ids only, no foreign
#: keys: an event outlives what it names, and on SQLite the same table lives in a second file.
audit_events = Table(
    "audit_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("occurred_at", UtcDateTime, nullable=False),
    Column("key_id", Integer, nullable=True),
    Column("request_id", Text, nullable=True),
    Column("operation_id", Text, nullable=False),
    Column("resource", Text, nullable=False),
    # The resources' ids, space-separated ("" for none).
    Column("resource_ids", Text, nullable=False),
    Column("outcome", Text, nullable=False),
    Column("status", SmallInteger, nullable=False),
    Index(None, "occurred_at", "id"),
    Index(None, "key_id", "occurred_at"),
)

# --- matching (docs/DECISIONS.md, "Provider matching") ------------------------------------

#: A provider's profile, one row per code: a filter is an index range scan on the second index,
#: which holds the provider ids itself (docs/QUERY_PLANS.md, "Matching providers").
provider_attributes = Table(
    "provider_attributes",
    metadata,
    Column("provider_id", Integer, ForeignKey("providers.id"), primary_key=True),
    Column("kind", Text, primary_key=True),
    Column("code", Text, primary_key=True),
    CheckConstraint("kind IN ({})".format(", ".join(f"'{k}'" for k in Kind)), name="kind"),
    Index(None, "kind", "code", "provider_id"),
)

appointment_types = Table(
    "appointment_types",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False),
    # The allowed lengths in minutes, comma-separated; the first is the default.
    Column("durations", Text, nullable=False),
    Column("modality", Text, nullable=False),
    Column("clients", Text, nullable=False),
    Column("buffer_before", Integer, nullable=True),
    Column("buffer_after", Integer, nullable=True),
    Column("min_notice_minutes", Integer, nullable=True),
    Column("archived", Boolean, nullable=False, server_default=text("false")),
    CheckConstraint(f"modality IN ({MODALITIES})", name="modality"),
    CheckConstraint(
        "clients IN ({})".format(", ".join(f"'{c}'" for c in ClientRule)), name="clients"
    ),
)

#: The types each provider offers.
provider_appointment_types = Table(
    "provider_appointment_types",
    metadata,
    Column("provider_id", Integer, ForeignKey("providers.id"), primary_key=True),
    Column("appointment_type_id", Integer, ForeignKey("appointment_types.id"), primary_key=True),
    Index(None, "appointment_type_id", "provider_id"),
)
