"""The appointment repository: bookings, and the batched reads that free time needs."""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from domain.model import Appointment, AppointmentStatus, BookedTime, Provider


@dataclass(frozen=True, slots=True)
class AppointmentSearch:
    """Filters for listing appointments; ``None`` means no filter on that field."""

    provider_id: int | None = None
    client_id: int | None = None
    status: AppointmentStatus | None = None
    lower: datetime | None = None
    upper: datetime | None = None


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
