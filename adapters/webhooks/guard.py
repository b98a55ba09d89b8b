"""Which hosts webhooks may reach (docs/DECISIONS.md, "Webhook URLs").

A URL whose host is, or resolves to, a loopback, private, link-local, multicast, reserved or
otherwise non-global address is refused at registration; the sender resolves again at
delivery time and connects only to an address it checked, so a name re-pointed later
(DNS rebinding) cannot reach an internal host. ``allow_private`` lifts the rule (tests, dev).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit

from domain import errors

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[..., Sequence[tuple[Any, ...]]]


class RefusedAddress(errors.InvalidRequest):
    """The host is, or resolves to, an address webhooks may not reach."""


def is_public(address: Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not (
        address.is_multicast or address.is_reserved or address.is_link_local
    )


class AddressGuard:
    """``resolver`` is ``socket.getaddrinfo`` unless a test passes one that stays offline."""

    def __init__(self, allow_private: bool = False, resolver: Resolver | None = None) -> None:
        self.allow_private = allow_private
        self._resolve = resolver or socket.getaddrinfo

    def check(self, url: str) -> None:
        """The HostGuard port: refuse a URL whose host resolves to a refused address."""
        parts = urlsplit(url)
        default = 443 if parts.scheme == "https" else 80
        self.resolve(parts.hostname or "", parts.port or default)

    def resolve(self, host: str, port: int) -> str:
        """The address to connect to for ``host``: every address it resolves to is checked."""
        try:
            found = self._resolve(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            raise RefusedAddress(f"the host {host!r} does not resolve") from exc
        addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in found]
        if not addresses:
            raise RefusedAddress(f"the host {host!r} does not resolve")
        if not self.allow_private and not all(is_public(a) for a in addresses):
            raise RefusedAddress(
                "the URL's host is or resolves to a loopback, private, link-local, multicast "
                "or reserved address"
            )
        return str(addresses[0])
