"""Use cases for dated overrides of a provider's availability: time off and extra time."""

from __future__ import annotations

from datetime import datetime

from domain import errors
from domain.events import ScheduleChange
from domain.model import Appointment, DateOverride, OverrideKind
from domain.ports.unit_of_work import UnitOfWork
from domain.rules.limits import require_aware
from domain.use_cases.common import schedule_changed

#: What adding, and removing, an override of each kind changes.
_CHANGES = {
    OverrideKind.UNAVAILABLE: (ScheduleChange.TIME_OFF_ADDED, ScheduleChange.TIME_OFF_REMOVED),
    OverrideKind.AVAILABLE: (
        ScheduleChange.EXTRA_AVAILABILITY_ADDED,
        ScheduleChange.EXTRA_AVAILABILITY_REMOVED,
    ),
}


def add_override(uow: UnitOfWork, override: DateOverride) -> tuple[DateOverride, list[Appointment]]:
    """Store ``override``; time off also returns the scheduled appointments it covers.

    Those appointments are kept, never canceled (docs/DECISIONS.md, "Time off and extra
    availability"); the caller decides what to tell whom.
    """
    require_aware(override.starts_at, override.ends_at)
    with uow:
        uow.lock_for_writing()
        if uow.providers.get(override.provider_id) is None:
            raise errors.ProviderNotFound(override.provider_id)
        stored = uow.overrides.add(override)
        covered = []
        if override.kind is OverrideKind.UNAVAILABLE:
            covered = uow.appointments.scheduled_for_provider(
                override.provider_id, override.starts_at, override.ends_at
            )
        schedule_changed(uow, override.provider_id, _CHANGES[override.kind][0])
        uow.commit()
    return stored, covered


def list_overrides(
    uow: UnitOfWork,
    provider_id: int,
    lower: datetime | None = None,
    upper: datetime | None = None,
) -> list[DateOverride]:
    """The provider's overrides overlapping ``[lower, upper)``, by start."""
    with uow:
        if uow.providers.get(provider_id) is None:
            raise errors.ProviderNotFound(provider_id)
        return uow.overrides.for_provider(provider_id, lower, upper)


def get_override(uow: UnitOfWork, provider_id: int, override_id: int) -> DateOverride:
    """One of the provider's overrides."""
    with uow:
        override = uow.overrides.get(override_id)
    if override is None or override.provider_id != provider_id:
        raise errors.OverrideNotFound(override_id)
    return override


def delete_override(uow: UnitOfWork, provider_id: int, override_id: int) -> None:
    """Remove one of the provider's overrides."""
    with uow:
        uow.lock_for_writing()
        override = uow.overrides.get(override_id)
        if override is None or override.provider_id != provider_id:
            raise errors.OverrideNotFound(override_id)
        uow.overrides.delete(override)
        schedule_changed(uow, provider_id, _CHANGES[override.kind][1])
        uow.commit()
