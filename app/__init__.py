"""The Flask application factory: the one place adapters are wired to the domain's ports."""

from __future__ import annotations

from flask import Flask

from adapters.calendly_fixture import CalendlyFixtureFeed
from adapters.clock import SystemClock
from adapters.sqlalchemy import Database
from adapters.webhooks.guard import AddressGuard, Resolver
from app import api, cli, observability, problems
from app.access import audit, throttle
from app.api.schemas import AppointmentSchema
from app.config import Config
from app.json_provider import OrjsonProvider
from app.services import Services, install
from domain.ports.clock import Clock


def create_app(
    config: Config | None = None, *, clock: Clock | None = None, resolver: Resolver | None = None
) -> Flask:
    """Build the app from ``config`` (default: the environment); tests may pass a clock, and
    a resolver of host names that never leaves the machine."""
    config = config or Config.from_env()
    app = Flask(__name__)
    app.config.from_mapping(config.flask_settings())
    app.json = OrjsonProvider(app)
    observability.install(app, config)
    install(
        app,
        Services(
            database=Database(
                config.database_url,
                render=AppointmentSchema().dump,
                audit_synced=config.audit_sync_reads,
            ),
            clock=clock or SystemClock(),
            feed=CalendlyFixtureFeed(config.calendly_fixture_path),
            feed_path=config.calendly_fixture_path,
            guard=AddressGuard(config.webhooks.allow_private_hosts, resolver),
            webhooks=config.webhooks,
            request_id=observability.current_request_id,
            audit=audit.current_context,
        ),
    )
    throttle.install(app, config.rate_limits)
    audit.install(app)
    problems.register(app)
    api.register(app)
    cli.register(app)
    return app
