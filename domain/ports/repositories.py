"""Repositories: where the domain's entities are kept, one small abstract class each.

Adapters (``adapters/sqlalchemy``) implement them; the unit tests implement them in memory.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from datetime import datetime

from domain.model import Client, DateOverride, IdempotencyRecord, Provider
from domain.webhooks import Attempt, Endpoint
from domain.windows import WeeklyWindow


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
    def list(
        self, offset: int, limit: int, provider_id: int | None = None
    ) -> tuple[list[Client], int]:
        """A page of clients by id, and the total; with ``provider_id``, only the clients
        with an appointment (of any status) with that provider."""


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
