"""What matches a client to a provider: the provider's profile, the appointment types it
offers, and the filters of a search (docs/DECISIONS.md, "Provider matching")."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from domain.errors import InvalidRequest


class Modality(enum.StrEnum):
    IN_PERSON = "in_person"
    VIDEO = "video"
    PHONE = "phone"


class ClientRule(enum.StrEnum):
    """Who may book a type: anyone, only new clients, or only existing ones (a client with a
    scheduled appointment with the provider)."""

    ANY = "any"
    NEW = "new"
    EXISTING = "existing"


class Kind(enum.StrEnum):
    """The kinds of a profile's codes, as the store keeps them."""

    SPECIALTY = "specialty"
    LANGUAGE = "language"
    MODALITY = "modality"
    REGION = "region"
    PAYER = "payer"


#: Practice-defined codes (specialties, payers).
CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
#: Most codes of each kind one profile may hold.
MAX_CODES = {
    Kind.SPECIALTY: 20,
    Kind.LANGUAGE: 20,
    Kind.MODALITY: len(Modality),
    Kind.REGION: 100,
    Kind.PAYER: 100,
}
#: The profile field of each kind.
FIELDS = {
    Kind.SPECIALTY: "specialties",
    Kind.LANGUAGE: "languages",
    Kind.MODALITY: "modalities",
    Kind.REGION: "licensed_regions",
    Kind.PAYER: "payers",
}


@dataclass(frozen=True, slots=True)
class Profile:
    """A provider's codes, each list sorted and without repeats. Languages are BCP 47 tags
    and regions ISO 3166-2 codes, validated and normalized at the edge."""

    specialties: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    modalities: tuple[str, ...] = ()
    licensed_regions: tuple[str, ...] = ()
    payers: tuple[str, ...] = ()

    @classmethod
    def of(cls, **codes: Iterable[str]) -> Profile:
        """A profile from any iterables of codes, sorted and deduplicated, checked."""
        profile = cls(**{name: tuple(sorted(set(values))) for name, values in codes.items()})
        check_profile(profile)
        return profile

    def codes(self) -> Iterator[tuple[Kind, str]]:
        """Every (kind, code) pair of the profile."""
        for kind, name in FIELDS.items():
            for code in getattr(self, name):
                yield kind, code


def profile_from(pairs: Iterable[tuple[str, str]]) -> Profile:
    """The profile whose (kind, code) pairs are ``pairs``."""
    found: dict[str, list[str]] = {name: [] for name in FIELDS.values()}
    for kind, code in pairs:
        found[FIELDS[Kind(kind)]].append(code)
    return Profile(**{name: tuple(sorted(set(codes))) for name, codes in found.items()})


def check_profile(profile: Profile) -> None:
    """Refuse too many codes of a kind, a malformed practice code or an unknown modality."""
    for kind, name in FIELDS.items():
        codes = getattr(profile, name)
        if len(codes) > MAX_CODES[kind]:
            raise InvalidRequest(f"{name} may hold at most {MAX_CODES[kind]} codes")
    for code in (*profile.specialties, *profile.payers):
        if not CODE.match(code):
            raise InvalidRequest(f"malformed code: {code!r}")
    for modality in profile.modalities:
        if modality not in set(Modality):
            raise InvalidRequest(f"unknown modality: {modality!r}")


@dataclass(frozen=True, slots=True)
class AppointmentType:
    """What a client books: a name, the lengths allowed (the first is the default), a
    modality, who may book it, and policies that replace the provider's for it (None: the
    provider's own)."""

    name: str
    durations: tuple[int, ...]
    modality: Modality
    clients: ClientRule = ClientRule.ANY
    buffer_before: int | None = None
    buffer_after: int | None = None
    min_notice_minutes: int | None = None
    archived: bool = False
    id: int | None = None

    @property
    def duration(self) -> int:
        """The default length, in minutes."""
        return self.durations[0]


@dataclass(frozen=True, slots=True)
class Filters:
    """What a search or a pool asks of its providers: every filter given must hold (AND);
    the values of one filter are alternatives (OR); an empty one asks nothing."""

    specialties: frozenset[str] = field(default_factory=frozenset)
    languages: frozenset[str] = field(default_factory=frozenset)
    modalities: frozenset[str] = field(default_factory=frozenset)
    licensed_regions: frozenset[str] = field(default_factory=frozenset)
    payers: frozenset[str] = field(default_factory=frozenset)
    appointment_type_id: int | None = None
    accepts_new_clients: bool | None = None

    def by_kind(self) -> dict[Kind, frozenset[str]]:
        """The code filters given, by kind."""
        given = {kind: getattr(self, name) for kind, name in FIELDS.items()}
        return {kind: codes for kind, codes in given.items() if codes}

    @property
    def asks_profile(self) -> bool:
        """Whether the filters ask anything that the providers' rows alone cannot answer."""
        return bool(self.by_kind()) or self.appointment_type_id is not None

    def matches(self, profile: Profile, offered: Iterable[int] = ()) -> bool:
        """Whether a provider with ``profile``, offering the types ``offered``, matches."""
        for kind, codes in self.by_kind().items():
            if not codes & set(getattr(profile, FIELDS[kind])):
                return False
        return self.appointment_type_id is None or self.appointment_type_id in set(offered)


@dataclass(frozen=True, slots=True)
class Matched:
    """What a search is narrowed to, in place of the providers named: the providers matching
    ``filters`` (among ``provider_ids`` if given), under the type searched, if any; read with
    the search, in its own read (docs/DECISIONS.md, "Provider matching")."""

    filters: Filters
    provider_ids: tuple[int, ...] | None = None
    appointment_type: AppointmentType | None = None
