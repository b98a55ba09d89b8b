"""The adapters wired to the ports, as the views and commands reach them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from flask import Flask, current_app

from domain.ports import AvailabilityFeed, Clock, UnitOfWork

EXTENSION = "scheduling"


class Store(Protocol):
    """What the app needs from the database adapter."""

    def unit_of_work(self) -> UnitOfWork: ...

    def ping(self) -> bool: ...

    def schema_revision(self) -> str | None: ...

    def schema_head(self) -> str | None: ...

    def dispose(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Services:
    """Built once per app by ``create_app``; a fresh unit of work per use case call."""

    database: Store
    clock: Clock
    feed: AvailabilityFeed
    feed_path: str

    def uow(self) -> UnitOfWork:
        """A fresh unit of work; the use case takes the write lock it needs itself.

        See docs/DECISIONS.md, "Write locks in units that read then write".
        """
        return self.database.unit_of_work()


def install(app: Flask, services: Services) -> None:
    app.extensions[EXTENSION] = services


def services() -> Services:
    """The current app's services."""
    found: Services = current_app.extensions[EXTENSION]
    return found
