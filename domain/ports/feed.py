"""The feed port: where weekly availability comes from (the Calendly fixture adapter)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from domain.rules.feed import RawSlot


class AvailabilityFeed(Protocol):
    """A source of weekly availability, such as Calendly."""

    source: str

    def fetch(self, provider_id: int) -> Sequence[RawSlot]:
        """The provider's raw slots as the feed publishes them; raises FeedError if unreadable."""
        ...

    def provider_ids(self) -> Sequence[int]:
        """Every provider id the feed mentions."""
        ...
