"""Request and response schemas, one module per resource; unknown fields are refused
(marshmallow's RAISE default)."""

from __future__ import annotations

from app.api.schemas.appointments import (
    AppointmentQuerySchema,
    AppointmentSchema,
    BookingSchema,
    CancellationQuerySchema,
    CancellationSchema,
    IdempotencyHeaderSchema,
    RescheduleSchema,
)
from app.api.schemas.availability import (
    AvailabilityQuerySchema,
    AvailabilitySchema,
    SlotRangeQuerySchema,
    WindowSchema,
)
from app.api.schemas.common import (
    PageQuerySchema,
    PaginationMetadataSchema,
    QuerySchema,
    RangeQuerySchema,
    TimeZonesSchema,
)
from app.api.schemas.directory import (
    ClientCreateSchema,
    ClientSchema,
    ProviderCreateSchema,
    ProviderPatchSchema,
    ProviderSchema,
)
from app.api.schemas.operations import HealthSchema, SyncReportSchema
from app.api.schemas.roster import (
    FirstQuerySchema,
    FirstSearchSchema,
    FirstSlotSchema,
    FirstSlotsSchema,
    RosterQuerySchema,
    RosterSchema,
    RosterSearchSchema,
    RosterSlotSchema,
)
from app.api.schemas.time_off import (
    TimeOffCreatedSchema,
    TimeOffCreateSchema,
    TimeOffQuerySchema,
    TimeOffSchema,
)
from app.api.schemas.webhooks import (
    WebhookAttemptSchema,
    WebhookCreateSchema,
    WebhookPatchSchema,
    WebhookSchema,
    WebhookSecretSchema,
)
from app.api.schemas.weekly import (
    WeeklyAvailabilitySchema,
    WeeklyAvailabilityUpdateSchema,
    WeeklyWindowInSchema,
    WeeklyWindowSchema,
    WeekTimeSchema,
)

__all__ = [
    "AppointmentQuerySchema",
    "AppointmentSchema",
    "AvailabilityQuerySchema",
    "AvailabilitySchema",
    "BookingSchema",
    "CancellationQuerySchema",
    "CancellationSchema",
    "ClientCreateSchema",
    "ClientSchema",
    "HealthSchema",
    "IdempotencyHeaderSchema",
    "PageQuerySchema",
    "PaginationMetadataSchema",
    "ProviderCreateSchema",
    "ProviderPatchSchema",
    "ProviderSchema",
    "QuerySchema",
    "RangeQuerySchema",
    "RescheduleSchema",
    "FirstQuerySchema",
    "FirstSearchSchema",
    "FirstSlotSchema",
    "FirstSlotsSchema",
    "RosterQuerySchema",
    "RosterSchema",
    "RosterSearchSchema",
    "RosterSlotSchema",
    "SlotRangeQuerySchema",
    "SyncReportSchema",
    "TimeOffCreateSchema",
    "TimeOffCreatedSchema",
    "TimeOffQuerySchema",
    "TimeOffSchema",
    "TimeZonesSchema",
    "WebhookAttemptSchema",
    "WebhookCreateSchema",
    "WebhookPatchSchema",
    "WebhookSchema",
    "WebhookSecretSchema",
    "WeekTimeSchema",
    "WeeklyAvailabilitySchema",
    "WeeklyAvailabilityUpdateSchema",
    "WeeklyWindowInSchema",
    "WeeklyWindowSchema",
    "WindowSchema",
]
