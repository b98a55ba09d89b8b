"""Profiles, appointment types and who offers them, and the matching of search filters in SQL
(docs/DECISIONS.md, "Provider matching"; docs/QUERY_PLANS.md, "Matching providers")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from typing import Any

from sqlalchemy import Row, Select, bindparam, delete, insert, select

from adapters.sqlalchemy.gateway import Gateway
from adapters.sqlalchemy.queries import Query
from adapters.sqlalchemy.repositories import ProviderRepository, _Repository, storable
from adapters.sqlalchemy.tables import (
    appointment_types,
    provider_appointment_types,
    provider_attributes,
    providers,
)
from domain.model import Provider
from domain.ports import matching as port
from domain.profiles import AppointmentType, ClientRule, Filters, Modality, Profile, profile_from

_OFFERS = provider_appointment_types


class ProfileRepository(_Repository, port.ProfileRepository):
    table = provider_attributes

    def __init__(self, db: Gateway, providers: ProviderRepository) -> None:
        super().__init__(db)
        self._providers = providers

    def for_providers(self, provider_ids: Sequence[int]) -> dict[int, Profile]:
        ids = sorted({i for i in provider_ids if storable(i)})
        pairs: dict[int, list[tuple[str, str]]] = {i: [] for i in ids}
        if ids:
            found = self._db.all(select(self.table).where(self.table.c.provider_id.in_(ids)))
            for row in found:
                pairs[row.provider_id].append((row.kind, row.code))
        return {i: profile_from(pairs[i]) for i in ids}

    def replace(self, provider_id: int, profile: Profile) -> None:
        self._db.run(delete(self.table).where(self.table.c.provider_id == provider_id))
        values = [
            {"provider_id": provider_id, "kind": kind.value, "code": code}
            for kind, code in profile.codes()
        ]
        if values:
            self._db.run(insert(self.table).values(values))

    def matching(self, filters: Filters, provider_ids: Sequence[int] | None) -> list[Provider]:
        return self._providers.mapped(self._db.all(matching_providers(filters, provider_ids)))


def matching_providers(filters: Filters, provider_ids: Sequence[int] | None) -> Query:
    """The rows of the matching providers: one index range scan on (kind, code, provider_id)
    per filter, one on (appointment_type_id, provider_id) for the type; the search reads the
    rows here, not again by id (docs/QUERY_PLANS.md, "Matching providers")."""
    params: dict[str, Any] = {
        f"{_CODES}{kind.value}": sorted(codes) for kind, codes in filters.by_kind().items()
    }
    if filters.appointment_type_id is not None:
        params["type_id"] = filters.appointment_type_id
    if filters.accepts_new_clients is not None:
        params["accepts"] = filters.accepts_new_clients
    if provider_ids is not None:
        params["ids"] = sorted({i for i in provider_ids if storable(i)})
    return Query(_matching(tuple(sorted(params))), params)


_CODES = "codes_"


@lru_cache(maxsize=512)
def _matching(names: tuple[str, ...]) -> Select[Any]:
    """The statement taking the parameters ``names``, built once per shape of filters (its
    compiled form is cached too)."""
    attributes, query = provider_attributes.c, select(providers)
    for name in (n for n in names if n.startswith(_CODES)):
        having = select(attributes.provider_id).where(
            attributes.kind == name.removeprefix(_CODES),
            attributes.code.in_(bindparam(name, expanding=True)),
        )
        query = query.where(providers.c.id.in_(having))
    if "type_id" in names:
        offering = select(_OFFERS.c.provider_id).where(
            _OFFERS.c.appointment_type_id == bindparam("type_id")
        )
        query = query.where(providers.c.id.in_(offering))
    if "accepts" in names:
        query = query.where(providers.c.accepts_new_clients == bindparam("accepts"))
    if "ids" in names:
        query = query.where(providers.c.id.in_(bindparam("ids", expanding=True)))
    return query.order_by(providers.c.id)


class AppointmentTypeRepository(_Repository, port.AppointmentTypeRepository):
    table = appointment_types

    def get(self, type_id: int) -> AppointmentType | None:
        return self._get(type_id, _type)

    def add(self, appointment_type: AppointmentType) -> AppointmentType:
        return replace(appointment_type, id=self._insert(_values(appointment_type), None))

    def update(self, appointment_type: AppointmentType) -> AppointmentType:
        self._update(appointment_type.id, _values(appointment_type))
        return appointment_type

    def many(self, type_ids: Sequence[int]) -> list[AppointmentType]:
        ids = sorted({i for i in type_ids if storable(i)})
        if not ids:
            return []
        query = select(self.table).where(self.table.c.id.in_(ids)).order_by(self.table.c.id)
        return [_type(row) for row in self._db.all(query)]

    def offered_by(self, provider_id: int) -> list[int]:
        if not storable(provider_id):
            return []
        query = (
            select(_OFFERS.c.appointment_type_id)
            .where(_OFFERS.c.provider_id == provider_id)
            .order_by(_OFFERS.c.appointment_type_id)
        )
        return [int(row.appointment_type_id) for row in self._db.all(query)]

    def offer(self, provider_id: int, type_ids: Sequence[int]) -> None:
        self._db.run(delete(_OFFERS).where(_OFFERS.c.provider_id == provider_id))
        values = [{"provider_id": provider_id, "appointment_type_id": i} for i in type_ids]
        if values:
            self._db.run(insert(_OFFERS).values(values))

    def list(self, offset: int, limit: int) -> tuple[list[AppointmentType], int]:
        return self._page(offset, limit, _type)


def _type(row: Row[Any]) -> AppointmentType:
    return AppointmentType(
        name=row.name,
        durations=tuple(int(d) for d in row.durations.split(",")),
        modality=Modality(row.modality),
        clients=ClientRule(row.clients),
        buffer_before=row.buffer_before,
        buffer_after=row.buffer_after,
        min_notice_minutes=row.min_notice_minutes,
        archived=row.archived,
        id=row.id,
    )


def _values(appointment_type: AppointmentType) -> dict[str, Any]:
    return {
        "name": appointment_type.name,
        "durations": ",".join(str(d) for d in appointment_type.durations),
        "modality": appointment_type.modality.value,
        "clients": appointment_type.clients.value,
        "buffer_before": appointment_type.buffer_before,
        "buffer_after": appointment_type.buffer_after,
        "min_notice_minutes": appointment_type.min_notice_minutes,
        "archived": appointment_type.archived,
    }
