"""The unit of work: one atomic transaction over every repository, rolled back unless committed."""

from __future__ import annotations

import abc
from collections.abc import Sequence
from types import TracebackType
from typing import Self

from domain.ports.appointments import AppointmentRepository
from domain.ports.delivery import EventOutbox
from domain.ports.keys import ApiKeyRepository
from domain.ports.matching import AppointmentTypeRepository, ProfileRepository
from domain.ports.plans import PlanCache
from domain.ports.repositories import (
    ClientRepository,
    DateOverrideRepository,
    IdempotencyRepository,
    ProviderRepository,
    WebhookEndpointRepository,
    WeeklyWindowRepository,
)


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
    plans: PlanCache
    keys: ApiKeyRepository
    profiles: ProfileRepository
    appointment_types: AppointmentTypeRepository

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
