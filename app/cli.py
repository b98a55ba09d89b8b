"""Commands: ``flask --app wsgi seed [--if-empty]``, ``flask --app wsgi sync-availability``
and ``flask --app wsgi deliver-webhooks`` (app/worker.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from typing import NoReturn

import click
from flask import Flask
from flask.cli import with_appcontext

from app.cli_keys import api_keys
from app.observability import logs
from app.observability.events import sync_counts
from app.observability.metrics import metrics
from app.services import Services, services
from app.worker import deliver_webhooks
from domain import errors
from domain.model import Client, Provider
from domain.rules.feed import parse_slots
from domain.use_cases.directory import create_client, create_provider, get_provider, list_providers
from domain.use_cases.weekly_availability import sync_availability

DEMO_PROVIDERS = (
    Provider("Dr. Maya Thompson", "maya.thompson@example.com", "America/New_York"),
    Provider("Dr. Jonas Becker", "jonas.becker@example.com", "Europe/Berlin"),
    Provider("Dr. Olivia Nguyen", "olivia.nguyen@example.com", "Australia/Sydney"),
)
DEMO_CLIENTS = (
    Client("Liam Carter", "liam.carter@example.com"),
    Client("Sofia Rossi", "sofia.rossi@example.com"),
    Client("Kenji Watanabe", "kenji.watanabe@example.com"),
)
_PAGE = 500


def register(app: Flask) -> None:
    app.cli.add_command(seed)
    app.cli.add_command(sync_availability_command)
    app.cli.add_command(deliver_webhooks)
    app.cli.add_command(api_keys)


@click.command("seed")
@click.option("--if-empty", is_flag=True, help="Do nothing if any provider exists.")
@with_appcontext
def seed(if_empty: bool) -> None:
    """Insert the demo providers 1-3 and clients 1-3; running it again adds nothing."""
    svc = services()
    existing = list(_all_providers(svc))
    if if_empty and existing:
        click.echo("providers exist; nothing seeded")
        return
    _seed_providers(svc, {p.email.lower() for p in existing if p.email})
    _seed_clients(svc)


def _seed_providers(svc: Services, taken_emails: set[str]) -> None:
    """Through the use case, so the rules (e.g. a known time zone) apply; skip known emails."""
    for provider in DEMO_PROVIDERS:
        if (provider.email or "").lower() in taken_emails:
            click.echo(f"provider {provider.email} exists")
            continue
        created = create_provider(svc.uow(), provider)
        click.echo(f"provider {created.id} created: {created.name} ({created.timezone})")


def _seed_clients(svc: Services) -> None:
    for client in DEMO_CLIENTS:
        try:
            created = create_client(svc.uow(), client)
        except errors.DuplicateEmail:
            click.echo(f"client {client.email} exists")
            continue
        click.echo(f"client {created.id} created: {created.name}")


def _all_providers(svc: Services) -> Iterator[Provider]:
    offset = 0
    while True:
        page, total = list_providers(svc.uow(), offset, _PAGE)
        yield from page
        offset += len(page)
        if not page or offset >= total:
            return


@click.command("sync-availability")
@click.option("--provider-id", type=click.IntRange(min=1), help="Sync only this provider.")
@with_appcontext
def sync_availability_command(provider_id: int | None) -> None:
    """Sync weekly windows from the feed: one provider, or every provider in the database.

    Every feed is validated first: on any problem nothing is changed and the exit code is 1.
    """
    svc, log = services(), logs.logger("scheduling.cli")
    try:
        ids = [_existing(svc, provider_id)] if provider_id else _every_provider(svc)
        _validate(svc, ids)
        for pid in ids:
            report = sync_availability(svc.uow(), svc.feed, pid)
            metrics().availability_syncs.labels("ok").inc()
            log.info("availability_synced", **sync_counts(asdict(report)))
            click.echo(
                f"provider {pid}: created {report.created}, updated {report.updated}, "
                f"deleted {report.deleted}, unchanged {report.unchanged}"
            )
    except errors.FeedError as error:
        metrics().availability_syncs.labels("feed_error").inc()
        log.warning("availability_sync_failed", outcome="feed_error", problems=len(error.problems))
        _fail([error.reason, *(p for p in error.problems if p != error.reason)])
    except errors.NotFound as error:
        metrics().availability_syncs.labels("not_found").inc()
        _fail([error.reason])
    except errors.StoreUnavailable:
        metrics().database_errors.inc()
        log.error("availability_sync_failed", outcome="database_unavailable")
        _fail(["the database is unavailable"])


def _existing(svc: Services, provider_id: int) -> int:
    get_provider(svc.uow(), provider_id)
    return provider_id


def _every_provider(svc: Services) -> list[int]:
    """Every provider in the database; feed providers missing from it are reported.

    A provider the feed no longer mentions is synced too, to no windows: the feed is the
    source of truth for its weekly availability (docs/DECISIONS.md, "Sync from the command
    line").
    """
    known = [p.id for p in _all_providers(svc) if p.id is not None]
    for pid in sorted(set(svc.feed.provider_ids()) - set(known)):
        click.echo(f"provider {pid}: in the feed but not in the database; skipped")
    return known


def _validate(svc: Services, provider_ids: list[int]) -> None:
    """Raise one FeedError listing the problems of every provider's feed, if any."""
    problems: list[str] = []
    for pid in provider_ids:
        slots = svc.feed.fetch(pid)  # an unreadable file fails here, once
        try:
            parse_slots(pid, slots, svc.feed.source)
        except errors.FeedError as error:
            problems.extend(error.problems)
    if problems:
        raise errors.FeedError("the availability feed is invalid; nothing was changed", problems)


def _fail(lines: list[str]) -> NoReturn:
    for line in lines:
        click.echo(f"error: {line}", err=True)
    raise SystemExit(1)
