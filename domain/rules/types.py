"""Booking by appointment type: the length it allows, whether a provider may take it for a
client, and the policies it puts in place of the provider's (docs/DECISIONS.md, "Provider
matching")."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta

from domain import errors
from domain.model import Provider
from domain.profiles import AppointmentType, ClientRule, Filters
from domain.rules.limits import TYPE_POLICIES


def typed_end(
    appointment_type: AppointmentType, starts_at: datetime, ends_at: datetime | None
) -> datetime:
    """The booking's end: the type's default length, or ``ends_at`` if it is one it allows."""
    if appointment_type.archived:
        raise errors.TypeNotBookable("the appointment type is archived")
    if ends_at is None:
        return starts_at + timedelta(minutes=appointment_type.duration)
    if ends_at - starts_at not in {timedelta(minutes=m) for m in appointment_type.durations}:
        allowed = ", ".join(map(str, appointment_type.durations))
        raise errors.TypeNotBookable(f"the appointment type lasts {allowed} minutes")
    return ends_at


def check_client(appointment_type: AppointmentType, is_returning_client: bool) -> None:
    """Refuse a client the type is not for."""
    if appointment_type.clients is ClientRule.NEW and is_returning_client:
        raise errors.TypeNotBookable("the appointment type is for new clients only")
    if appointment_type.clients is ClientRule.EXISTING and not is_returning_client:
        raise errors.TypeNotBookable("the appointment type is for existing clients only")


def check_offered(
    appointment_type: AppointmentType, offered: Iterable[int], modalities: Iterable[str]
) -> None:
    """Refuse a provider that does not offer the type, or not in the type's modality."""
    if appointment_type.id not in set(offered):
        raise errors.TypeNotBookable("the provider does not offer this appointment type")
    if appointment_type.modality.value not in set(modalities):
        raise errors.TypeNotBookable(
            f"the provider does not see clients by {appointment_type.modality.value}"
        )


def with_type_policies(provider: Provider, appointment_type: AppointmentType) -> Provider:
    """The provider with the type's own policies in place of its own."""
    given = {n: getattr(appointment_type, n) for n in TYPE_POLICIES}
    changes = {name: value for name, value in given.items() if value is not None}
    return replace(provider, **changes) if changes else provider


def type_filters(filters: Filters, appointment_type: AppointmentType) -> Filters:
    """``filters`` narrowed to the providers offering the type in its modality; a modality
    filter that leaves out the type's own is refused, as no provider could match."""
    modality = appointment_type.modality.value
    if filters.modalities and modality not in filters.modalities:
        raise errors.InvalidRequest(f"the appointment type is by {modality}, not another way")
    if filters.appointment_type_id not in (None, appointment_type.id):
        raise errors.InvalidRequest("filter by one appointment type at most")
    return replace(
        filters, appointment_type_id=appointment_type.id, modalities=frozenset({modality})
    )
