"""Appointment types, and the types each provider offers (docs/DECISIONS.md, "Provider
matching")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from domain import errors
from domain.ports.unit_of_work import UnitOfWork
from domain.profiles import AppointmentType
from domain.rules.limits import MAX_PROVIDERS, check_type

_FIELDS = frozenset(AppointmentType.__slots__) - {"id"}


def create_type(uow: UnitOfWork, appointment_type: AppointmentType) -> AppointmentType:
    check_type(appointment_type)
    with uow:
        uow.lock_for_writing()
        created = uow.appointment_types.add(appointment_type)
        uow.commit()
    return created


def get_type(uow: UnitOfWork, type_id: int) -> AppointmentType:
    with uow:
        found = uow.appointment_types.get(type_id)
    if found is None:
        raise errors.AppointmentTypeNotFound(type_id)
    return found


def list_types(uow: UnitOfWork, offset: int, limit: int) -> tuple[list[AppointmentType], int]:
    with uow:
        return uow.appointment_types.list(offset, limit)


def update_type(uow: UnitOfWork, type_id: int, changes: dict[str, Any]) -> AppointmentType:
    """Change any of the type's fields; ``archived`` true archives it: it stays on the
    appointments that have it, but nobody can book it or newly offer it."""
    unknown = set(changes) - _FIELDS
    if unknown:
        raise errors.InvalidRequest(f"unknown appointment type fields: {sorted(unknown)}")
    with uow:
        uow.lock_for_writing()
        current = uow.appointment_types.get(type_id)
        if current is None:
            raise errors.AppointmentTypeNotFound(type_id)
        changed = replace(current, **changes)
        check_type(changed)
        uow.appointment_types.update(changed)
        uow.commit()
    return changed


def offered_types(uow: UnitOfWork, provider_id: int) -> list[int]:
    with uow:
        if uow.providers.get(provider_id) is None:
            raise errors.ProviderNotFound(provider_id)
        return uow.appointment_types.offered_by(provider_id)


def offer_types(uow: UnitOfWork, provider_id: int, type_ids: Sequence[int]) -> list[int]:
    """Make ``type_ids`` the types the provider offers; each must exist and be unarchived,
    except that a type already offered may stay offered after its archiving."""
    wanted = sorted(set(type_ids))
    if len(wanted) > MAX_PROVIDERS:
        raise errors.InvalidRequest(f"offer at most {MAX_PROVIDERS} types")
    with uow:
        uow.lock_schedules(provider_id)
        if uow.providers.get(provider_id) is None:
            raise errors.ProviderNotFound(provider_id)
        kept = set(uow.appointment_types.offered_by(provider_id))
        found = {t.id: t for t in uow.appointment_types.many(wanted)}
        refused = [i for i in wanted if i not in found or (found[i].archived and i not in kept)]
        if refused:
            names = ", ".join(map(str, refused))
            raise errors.UnknownReference(f"no bookable appointment type has the id(s) {names}")
        uow.appointment_types.offer(provider_id, wanted)
        uow.commit()
    return wanted
