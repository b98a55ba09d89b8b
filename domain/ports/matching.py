"""Where profiles and appointment types are kept, and who matches a search's filters."""

from __future__ import annotations

import abc
from collections.abc import Sequence

from domain.model import Provider
from domain.profiles import AppointmentType, Filters, Profile


class ProfileRepository(abc.ABC):
    @abc.abstractmethod
    def for_providers(self, provider_ids: Sequence[int]) -> dict[int, Profile]:
        """Each provider's profile (an empty one if it has no codes), in one read."""

    @abc.abstractmethod
    def replace(self, provider_id: int, profile: Profile) -> None:
        """Make ``profile`` the provider's, whole."""

    @abc.abstractmethod
    def matching(self, filters: Filters, provider_ids: Sequence[int] | None) -> list[Provider]:
        """The providers, by id, (among ``provider_ids`` if given) whose profile and offered
        types match ``filters`` (``Filters.matches``), and whose ``accepts_new_clients`` is
        the one asked, if asked; whole rows in one read, without any schedule."""


class AppointmentTypeRepository(abc.ABC):
    @abc.abstractmethod
    def get(self, type_id: int) -> AppointmentType | None: ...

    @abc.abstractmethod
    def add(self, appointment_type: AppointmentType) -> AppointmentType: ...

    @abc.abstractmethod
    def update(self, appointment_type: AppointmentType) -> AppointmentType: ...

    @abc.abstractmethod
    def many(self, type_ids: Sequence[int]) -> list[AppointmentType]:
        """The types with these ids that exist, by id."""

    @abc.abstractmethod
    def offered_by(self, provider_id: int) -> list[int]:
        """The ids of the types the provider offers, ascending."""

    @abc.abstractmethod
    def offer(self, provider_id: int, type_ids: Sequence[int]) -> None:
        """Make ``type_ids`` the types the provider offers, replacing the others."""

    @abc.abstractmethod
    def list(self, offset: int, limit: int) -> tuple[list[AppointmentType], int]:
        """A page of types by id, archived ones included, and the total."""
