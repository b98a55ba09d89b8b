"""The adapters wired to the ports, as the views and commands reach them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from flask import Flask, current_app

from domain.ports import AvailabilityFeed, Clock, UnitOfWork

EXTENSION = "scheduling"


class Store(Protocol):
    """What the app needs from the database adapter."""

    def unit_of_work(self, *, writes: bool = False) -> UnitOfWork: ...

    def ping(self) -> bool: ...

    def dispose(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Services:
    """Built once per app by ``create_app``; a fresh unit of work per use case call."""

    database: Store
    clock: Clock
    feed: AvailabilityFeed
    feed_path: str

    def uow(self, *, writes: bool = False) -> UnitOfWork:
        """A fresh unit of work; ``writes`` for one that reads then writes (SQLite locks early)."""
        return self.database.unit_of_work(writes=writes)


def install(app: Flask, services: Services) -> None:
    app.extensions[EXTENSION] = services


def services() -> Services:
    """The current app's services."""
    found: Services = current_app.extensions[EXTENSION]
    return found
