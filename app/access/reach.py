"""Which objects the request's key reaches: a bound key's others answer 404, as if absent.

docs/DECISIONS.md, "Keys bound to a provider or a client".
"""

from __future__ import annotations

from typing import Any

from app.access.authentication import current_grant
from app.problems import FORBIDDEN, Problem
from domain import errors
from domain.model import Appointment


def see_provider(provider_id: int) -> None:
    if not current_grant().sees_provider(provider_id):
        raise errors.ProviderNotFound(provider_id)


def change_provider(provider_id: int) -> None:
    if not current_grant().changes_provider(provider_id):
        raise errors.ProviderNotFound(provider_id)


def see_appointment(appointment: Appointment) -> Appointment:
    if not current_grant().sees_appointment(appointment.provider_id, appointment.client_id):
        assert appointment.id is not None
        raise errors.AppointmentNotFound(appointment.id)
    return appointment


def practice_key_only(what: str) -> None:
    """Creating a provider or a client is for keys bound to neither."""
    if current_grant().bound:
        raise Problem(FORBIDDEN, f"A key bound to a provider or a client cannot change {what}.")


def providers_in_reach(provider_ids: list[int] | None) -> list[int] | None:
    """A search's providers: a provider-bound key's own only; others are unknown ids."""
    own = current_grant().provider_id
    if own is None:
        return provider_ids
    if provider_ids is None:
        return [own]
    _refuse_foreign_providers(provider_ids, own)
    return provider_ids


def booking_in_reach(booking: dict[str, Any]) -> dict[str, Any]:
    """A booking a bound key may make: a client-bound key's ``client_id`` is its own
    (filled in when omitted); a provider-bound key books its own provider only."""
    grant = current_grant()
    client_id = booking.get("client_id", grant.client_id)  # present unless bound: the schema
    if grant.client_id is not None and client_id != grant.client_id:
        raise errors.UnknownReference(f"client {client_id} does not exist")
    if grant.provider_id is not None:
        named = booking.get("provider_ids") or [booking["provider_id"]]
        _refuse_foreign_providers(named, grant.provider_id)
    return {**booking, "client_id": client_id}


def _refuse_foreign_providers(provider_ids: list[int], own: int) -> None:
    foreign = sorted({pid for pid in provider_ids if pid != own})
    if foreign:
        names = ", ".join(str(pid) for pid in foreign)
        raise errors.UnknownReference(f"no provider has the id(s) {names}")
