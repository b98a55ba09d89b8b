"""Ports: what the domain needs from the outside world, as small abstract classes.

Adapters (``adapters/``) implement them for SQLAlchemy and the Calendly fixture; the unit
tests implement them in memory.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, Self

from domain.model import (
    Appointment,
    AppointmentStatus,
    BookedTime,
    Client,
    DateOverride,
    IdempotencyRecord,
    Provider,
    WeeklyWindow,
)

if TYPE_CHECKING:
    from domain.delivery import Finished
    from domain.events import Event
    from domain.webhooks import Attempt, Claim, Endpoint, Outcome

RawSlot = Mapping[str, Any]


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware in UTC."""
        ...


class AvailabilityFeed(Protocol):
    """A source of weekly availability, such as Calendly."""

    source: str

    def fetch(self, provider_id: int) -> Sequence[RawSlot]:
        """The provider's raw slots as the feed publishes them; raises FeedError if unreadable."""
        ...

    def provider_ids(self) -> Sequence[int]:
        """Every provider id the feed mentions."""
        ...


class ProviderRepository(abc.ABC):
    @abc.abstractmethod
    def get(self, provider_id: int) -> Provider | None: ...

    @abc.abstractmethod
    def add(self, provider: Provider) -> Provider:
        """Store a new provider and return it with its id."""

    @abc.abstractmethod
    def update(self, provider: Provider) -> Provider: ...

    @abc.abstractmethod
    def many(self, provider_ids: Sequence[int] | None) -> list[Provider]:
        """The providers with these ids that exist (every provider if None), by id; one read."""

    @abc.abstractmethod
    def list(self, offset: int, limit: int) -> tuple[list[Provider], int]:
        """A page of providers by id, and the total count."""


class ClientRepository(abc.ABC):
    @abc.abstractmethod
    def get(self, client_id: int) -> Client | None: ...

    @abc.abstractmethod
    def get_by_email(self, email: str) -> Client | None:
        """The client whose email matches ``email`` ignoring case."""

    @abc.abstractmethod
    def add(self, client: Client) -> Client:
        """Store a new client; raises DuplicateEmail if the email is taken."""

    @abc.abstractmethod
    def list(self, offset: int, limit: int) -> tuple[list[Client], int]: ...


class WeeklyWindowRepository(abc.ABC):
    @abc.abstractmethod
    def for_provider(self, provider_id: int) -> list[WeeklyWindow]: ...

    @abc.abstractmethod
    def for_providers(self, provider_ids: Sequence[int]) -> dict[int, list[WeeklyWindow]]:
        """``for_provider`` of each, in a number of reads that does not grow with the ids."""

    @abc.abstractmethod
    def add(self, window: WeeklyWindow) -> WeeklyWindow: ...

    @abc.abstractmethod
    def update(self, window: WeeklyWindow) -> WeeklyWindow: ...

    @abc.abstractmethod
    def delete(self, window: WeeklyWindow) -> None: ...


class AppointmentRepository(abc.ABC):
    @abc.abstractmethod
    def get(self, appointment_id: int) -> Appointment | None: ...

    @abc.abstractmethod
    def add(self, appointment: Appointment) -> Appointment:
        """Store a new appointment; may raise Conflict if the store itself detects overlap.

        In the same transaction, the provider's ``booking_version`` grows and its
        ``last_booked_at`` becomes the appointment's ``created_at``.
        """

    @abc.abstractmethod
    def update(self, appointment: Appointment) -> Appointment:
        """Store a changed appointment; the provider's ``booking_version`` grows with it."""

    @abc.abstractmethod
    def scheduled_for_provider(
        self, provider_id: int, lower: datetime, upper: datetime
    ) -> list[Appointment]:
        """Scheduled appointments of the provider overlapping ``[lower, upper)``, by start."""

    @abc.abstractmethod
    def provider_with_booked(
        self, provider_id: int, lower: datetime, upper: datetime
    ) -> tuple[Provider, list[BookedTime]] | None:
        """The provider as ``ProviderRepository.get`` reads it, and the times of its
        ``scheduled_for_provider`` in any order, in one read; None if there is no provider."""

    @abc.abstractmethod
    def client_with_booked(
        self, client_id: int, lower: datetime, upper: datetime
    ) -> list[BookedTime] | None:
        """The times of ``scheduled_for_client`` in any order, read with the client's row in
        one read; None if there is no such client."""

    @abc.abstractmethod
    def booked_times(
        self, provider_ids: Sequence[int], lower: datetime, upper: datetime
    ) -> dict[int, list[BookedTime]]:
        """The times of ``scheduled_for_provider`` of each provider that has some, by start,
        in one read."""

    @abc.abstractmethod
    def scheduled_counts(
        self, provider_ids: Sequence[int], lower: datetime, upper: datetime
    ) -> dict[int, int]:
        """How many scheduled appointments of each provider start in ``[lower, upper)``;
        providers without any are left out. One read."""

    @abc.abstractmethod
    def active_with(self, client_id: int, provider_ids: Sequence[int]) -> set[int]:
        """Those of the providers with whom the client has a scheduled appointment (one read)."""

    @abc.abstractmethod
    def scheduled_for_client(
        self, client_id: int, lower: datetime, upper: datetime
    ) -> list[Appointment]:
        """Scheduled appointments of the client overlapping ``[lower, upper)``, by start."""

    @abc.abstractmethod
    def has_active(self, client_id: int, provider_id: int) -> bool:
        """Whether the client has a non-canceled appointment with the provider."""

    @abc.abstractmethod
    def search(
        self, criteria: AppointmentSearch, offset: int, limit: int
    ) -> tuple[list[Appointment], int]:
        """A page of appointments matching ``criteria`` ordered by start, and the total count."""


class DateOverrideRepository(abc.ABC):
    @abc.abstractmethod
    def get(self, override_id: int) -> DateOverride | None: ...

    @abc.abstractmethod
    def add(self, override: DateOverride) -> DateOverride: ...

    @abc.abstractmethod
    def delete(self, override: DateOverride) -> None: ...

    @abc.abstractmethod
    def for_provider(
        self, provider_id: int, lower: datetime | None = None, upper: datetime | None = None
    ) -> list[DateOverride]:
        """The provider's overrides overlapping ``[lower, upper)`` (unbounded if None), by start."""

    @abc.abstractmethod
    def for_providers(
        self, provider_ids: Sequence[int], lower: datetime, upper: datetime
    ) -> dict[int, list[DateOverride]]:
        """``for_provider`` of each, in a number of reads that does not grow with the ids."""


class IdempotencyRepository(abc.ABC):
    @abc.abstractmethod
    def get(self, key: str) -> IdempotencyRecord | None: ...

    @abc.abstractmethod
    def put(self, record: IdempotencyRecord) -> None:
        """Store ``record``, replacing any older record with the same key."""


class EventOutbox(abc.ABC):
    @abc.abstractmethod
    def add(self, event: Event) -> None:
        """Record ``event`` in the unit's transaction: it exists if and only if the unit commits,
        with one delivery for each enabled endpoint subscribed to its type."""


class WebhookEndpointRepository(abc.ABC):
    @abc.abstractmethod
    def get(self, endpoint_id: int) -> Endpoint | None: ...

    @abc.abstractmethod
    def add(self, endpoint: Endpoint) -> Endpoint: ...

    @abc.abstractmethod
    def update(self, endpoint: Endpoint) -> Endpoint: ...

    @abc.abstractmethod
    def delete(self, endpoint_id: int) -> None:
        """Remove the endpoint with its pending deliveries and its log."""

    @abc.abstractmethod
    def attempts(self, endpoint_id: int, offset: int, limit: int) -> tuple[list[Attempt], int]:
        """A page of the endpoint's delivery attempts, newest first, and the total."""

    @abc.abstractmethod
    def list(self, offset: int, limit: int) -> tuple[list[Endpoint], int]: ...


class DeliveryQueue(abc.ABC):
    """Deliveries waiting for an attempt, shared by every worker (docs/DECISIONS.md,
    "Webhook delivery")."""

    @abc.abstractmethod
    def claim(
        self,
        limit: int,
        now: datetime,
        lease: timedelta,
        busy: Mapping[int, int],
        per_endpoint: int,
    ) -> list[Claim]:
        """Lease up to ``limit`` due deliveries of enabled endpoints until ``now + lease``.

        No delivery is leased to two workers at once. ``busy`` counts the attempts this worker
        has in flight per endpoint; no endpoint gets more than ``per_endpoint`` in all.
        """

    @abc.abstractmethod
    def finish(self, finished: Sequence[Finished]) -> None:
        """Log each attempt and apply its decision to the delivery and its endpoint, all in
        one transaction; an attempt whose lease was lost changes no delivery."""


class WebhookSender(Protocol):
    def send(self, claim: Claim, now: datetime) -> Outcome:
        """Make the claimed attempt, signed at ``now``; never raises for the receiver's faults."""
        ...


class HostGuard(Protocol):
    def check(self, url: str) -> None:
        """Raise InvalidRequest if ``url``'s host is or resolves to a refused address."""
        ...


@dataclass(frozen=True, slots=True)
class AppointmentSearch:
    """Filters for listing appointments; ``None`` means no filter on that field."""

    provider_id: int | None = None
    client_id: int | None = None
    status: AppointmentStatus | None = None
    lower: datetime | None = None
    upper: datetime | None = None


class UnitOfWork(abc.ABC):
    """One atomic transaction over the repositories; rolls back unless committed."""

    providers: ProviderRepository
    clients: ClientRepository
    windows: WeeklyWindowRepository
    appointments: AppointmentRepository
    idempotency: IdempotencyRepository
    overrides: DateOverrideRepository
    outbox: EventOutbox
    webhooks: WebhookEndpointRepository

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()

    @abc.abstractmethod
    def commit(self) -> None: ...

    @abc.abstractmethod
    def rollback(self) -> None:
        """Discard uncommitted changes; harmless after a commit."""

    @abc.abstractmethod
    def lock_for_writing(self) -> None:
        """Take the store's write lock, if it has one, before the unit's first read.

        Called first in a unit that reads and then writes, so that a concurrent writer makes
        it wait instead of fail.
        """

    @abc.abstractmethod
    def lock_schedules(self, provider_id: int, client_id: int | None = None) -> None:
        """Serialize changes to these schedules until the unit ends; implies lock_for_writing.

        Called before a unit checks and then writes appointments, so that check-then-write
        is atomic across processes; without a client, before a unit checks and then changes
        the provider itself (If-Match). Reads made before it may be stale: read again after it.
        """

    @abc.abstractmethod
    def lock_pool(self, provider_ids: Sequence[int], client_id: int) -> None:
        """``lock_schedules`` for several providers at once, taken in ascending id order.

        Every unit locks providers before clients and providers by ascending id, so units
        whose pools share providers wait for each other instead of deadlocking.
        """
