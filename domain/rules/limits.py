"""What one request may ask, and the bounds of a provider's policies.

Pure checks that every use case applies to its input before it opens a unit of work
(docs/DECISIONS.md, "Query limits" and "Scheduling policies").
"""

from __future__ import annotations

from datetime import datetime, timedelta

from domain import errors
from domain.model import Provider
from domain.profiles import AppointmentType
from domain.rules.zones import is_known_zone

#: Inclusive bounds of each policy, in its own unit (docs/DECISIONS.md, "Scheduling policies").
POLICY_BOUNDS = {
    "buffer_before": (0, 24 * 60),
    "buffer_after": (0, 24 * 60),
    "min_notice_minutes": (0, 365 * 24 * 60),
    "horizon_days": (1, 3650),
    "min_cancel_notice_minutes": (0, 365 * 24 * 60),
}
#: Longest range one availability query may cover (docs/DECISIONS.md, "Query limits").
MAX_QUERY_RANGE = timedelta(days=92)
#: Longest range one roster search may cover.
MAX_ROSTER_RANGE = timedelta(days=31)
#: Most providers one search or one pool may name.
MAX_PROVIDERS = 1000
#: Most slots one roster page may hold.
MAX_LIMIT = 1000
MIN_SLOT = timedelta(minutes=5)
MAX_SLOT = timedelta(minutes=1440)
#: Most lengths one appointment type may allow.
MAX_DURATIONS = 8
#: The policies an appointment type may set for itself.
TYPE_POLICIES = ("buffer_before", "buffer_after", "min_notice_minutes")
#: The largest buffer a provider may have (``POLICY_BOUNDS``).
MAX_BUFFER = timedelta(
    minutes=max(POLICY_BOUNDS["buffer_before"][1], POLICY_BOUNDS["buffer_after"][1])
)


def check_provider(provider: Provider) -> None:
    """Refuse an unknown time zone or a policy out of its bounds."""
    if not is_known_zone(provider.timezone):
        raise errors.InvalidRequest(f"unknown time zone: {provider.timezone!r}")
    for name, (low, high) in POLICY_BOUNDS.items():
        value = getattr(provider, name)
        if value is not None and not low <= value <= high:
            raise errors.InvalidRequest(f"{name} must be between {low} and {high}")


def require_aware(*moments: datetime) -> None:
    for moment in moments:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise errors.InvalidRequest("timestamps must carry a UTC offset")


def check_range(lower: datetime, upper: datetime, longest: timedelta) -> None:
    """Refuse a query range that is naive, empty or reversed, or longer than ``longest``."""
    require_aware(lower, upper)
    if upper <= lower:
        raise errors.InvalidRequest("'to' must be after 'from'")
    if upper - lower > longest:
        raise errors.InvalidRequest(f"the range may span at most {longest.days} days")


def check_slot_length(name: str, length: timedelta | None) -> None:
    if length is not None and not MIN_SLOT <= length <= MAX_SLOT:
        raise errors.InvalidRequest(f"{name} must be between 5 and 1440 minutes")


def check_type(appointment_type: AppointmentType) -> None:
    """Refuse a blank name, lengths out of bounds or repeated, or a policy out of bounds."""
    if not appointment_type.name.strip() or len(appointment_type.name) > 200:
        raise errors.InvalidRequest("name must be 1-200 characters")
    durations = appointment_type.durations
    if not 1 <= len(durations) <= MAX_DURATIONS or len(set(durations)) != len(durations):
        raise errors.InvalidRequest(f"give 1-{MAX_DURATIONS} different durations")
    for minutes in durations:
        check_slot_length("duration", timedelta(minutes=minutes))
    for name in TYPE_POLICIES:
        low, high = POLICY_BOUNDS[name]
        value = getattr(appointment_type, name)
        if value is not None and not low <= value <= high:
            raise errors.InvalidRequest(f"{name} must be between {low} and {high}")
