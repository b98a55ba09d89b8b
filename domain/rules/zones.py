"""IANA time zones: which names are known, and the zone behind a name."""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from domain.errors import InvalidRequest


@lru_cache(maxsize=1024)
def zone(name: str) -> ZoneInfo:
    """The IANA zone called ``name``; raises InvalidRequest for an unknown name."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise InvalidRequest(f"unknown time zone: {name!r}") from exc


def is_known_zone(name: str) -> bool:
    """Whether ``name`` is an IANA zone name (docs/DECISIONS.md, "Time zone names")."""
    if name not in _iana_names():
        return False
    try:
        zone(name)
    except InvalidRequest:
        return False
    return True


@lru_cache(maxsize=1)
def known_zone_names() -> tuple[str, ...]:
    """Every name ``is_known_zone`` accepts, sorted (what GET /timezones lists)."""
    return tuple(sorted(name for name in _iana_names() if is_known_zone(name)))


@lru_cache(maxsize=1)
def _iana_names() -> frozenset[str]:
    # The catalogue leaves out the host's own files (posix/, right/, posixrules); Debian's
    # "localtime" (a link to the server's /etc/localtime) it lists, so it is removed here.
    return frozenset(available_timezones() - {"localtime"})
