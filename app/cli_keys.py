"""``flask --app wsgi api-keys create|revoke|dev-key``: keys for bootstrapping and scripts.

``create`` prints the new key alone on the last line of stdout, so a script can take it
with ``| tail -n 1`` (docs/API.md, "API keys").
"""

from __future__ import annotations

import os
from pathlib import Path

import click
from flask.cli import with_appcontext

from app.api.api_keys import issue
from app.services import services
from domain import errors
from domain.access import SCOPES
from domain.use_cases.api_keys import find_key, revoke_key

DEV_KEY_NAME = "development (make run)"


@click.group("api-keys")
def api_keys() -> None:
    """Issue and revoke API keys."""


@api_keys.command("create")
@click.option("--name", required=True, help="What the key is for.")
@click.option("--scope", "scopes", multiple=True, required=True, type=click.Choice(SCOPES))
@click.option("--provider-id", type=click.IntRange(min=1), help="Bind the key to a provider.")
@click.option("--client-id", type=click.IntRange(min=1), help="Bind the key to a client.")
@click.option("--expires-in-days", type=click.IntRange(1, 3650), help="Expire after N days.")
@with_appcontext
def create(
    name: str,
    scopes: tuple[str, ...],
    provider_id: int | None,
    client_id: int | None,
    expires_in_days: int | None,
) -> None:
    """Issue a key; its secret is printed once, alone on the last line."""
    try:
        key, secret = issue(name, list(scopes), provider_id, client_id, expires_in_days)
    except errors.DomainError as error:
        raise click.ClickException(error.reason) from error
    click.echo(f"api key {key.id} created: {key.name} ({' '.join(key.scopes)})")
    click.echo(secret)


@api_keys.command("revoke")
@click.argument("key_id", type=click.IntRange(min=1))
@with_appcontext
def revoke(key_id: int) -> None:
    """Revoke a key: every server refuses it within 5 seconds."""
    svc = services()
    try:
        key = revoke_key(svc.uow(), svc.clock, key_id)
    except errors.NotFound as error:
        raise click.ClickException(error.reason) from error
    click.echo(f"api key {key.id} revoked")


@api_keys.command("dev-key")
@click.option("--file", "path", type=click.Path(path_type=Path), required=True)
@with_appcontext
def dev_key(path: Path) -> None:
    """Write a key with every scope to FILE (mode 0600) unless FILE holds a usable one."""
    svc = services()
    if path.exists():
        key = find_key(svc.uow(), path.read_text().strip())
        if key is not None and key.usable(svc.clock.now()):
            click.echo(f"development key: {path}")
            return
    _, secret = issue(DEV_KEY_NAME, list(SCOPES))
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(secret + "\n")
    os.chmod(path, 0o600)
    click.echo(f"development key written to {path}")
