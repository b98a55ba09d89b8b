"""Which providers a search's filters match, found before any schedule is read
(docs/DECISIONS.md, "Provider matching")."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from domain import errors
from domain.ports.unit_of_work import UnitOfWork
from domain.profiles import AppointmentType, Filters, Matched
from domain.rules.types import type_filters
from domain.use_cases.common import load_type, named_providers


def match_providers(
    uow: UnitOfWork,
    filters: Filters,
    provider_ids: Sequence[int] | None,
    duration: timedelta | None,
) -> tuple[Matched, timedelta]:
    """What a search over the providers (among ``provider_ids``, if given) matching
    ``filters`` is narrowed to, and the slot length to search: ``duration``, which must be one
    of the type's lengths if a type is asked, or else the type's default length. The
    matching providers themselves are read by the search, with their rows, in one query."""
    if provider_ids is None and filters.appointment_type_id is None:
        return Matched(filters), _length(None, duration)  # nothing to read before the search
    with uow:
        if provider_ids is not None:
            named_providers(uow, provider_ids)  # refuses unknown ids, as the search would
        kind = None
        if filters.appointment_type_id is not None:
            kind = load_type(uow, filters.appointment_type_id)
            filters = type_filters(filters, kind)
        length = _length(kind, duration)
    named = None if provider_ids is None else tuple(provider_ids)
    return Matched(filters, named, kind), length


def _length(kind: AppointmentType | None, duration: timedelta | None) -> timedelta:
    if kind is None:
        if duration is None:
            raise errors.InvalidRequest("duration is required without an appointment type")
        return duration
    if kind.archived:
        raise errors.InvalidRequest("the appointment type is archived")
    if duration is None:
        return timedelta(minutes=kind.duration)
    if duration not in {timedelta(minutes=m) for m in kind.durations}:
        allowed = ", ".join(map(str, kind.durations))
        raise errors.InvalidRequest(f"the appointment type lasts {allowed} minutes")
    return duration
