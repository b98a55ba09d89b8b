"""``flask --app wsgi deliver-webhooks``: the webhook delivery worker, its own process.

It reads the outbox through the database adapter and POSTs to receivers; it never calls the
HTTP app. SIGINT or SIGTERM stops it after the attempts in flight (at most one deadline).
"""

from __future__ import annotations

import logging
import signal
import threading
from datetime import timedelta
from types import FrameType

import click
from flask.cli import with_appcontext

from adapters.webhooks.guard import AddressGuard
from adapters.webhooks.sender import HttpSender
from adapters.webhooks.worker import Worker, WorkerSettings
from app.config import WebhookConfig
from app.services import services
from domain.rules.retries import scaled


def settings(config: WebhookConfig) -> WorkerSettings:
    return WorkerSettings(
        concurrency=config.threads,
        lease=timedelta(seconds=max(config.lease, config.attempt_timeout * 2)),
        poll=config.poll,
        delays=scaled(config.retry_scale),
    )


@click.command("deliver-webhooks")
@with_appcontext
def deliver_webhooks() -> None:
    """Deliver webhook events until interrupted (SIGINT or SIGTERM)."""
    svc = services()
    config = svc.webhooks
    sender = HttpSender(AddressGuard(config.allow_private_hosts), deadline=config.attempt_timeout)
    worker = Worker(svc.database.delivery_queue(), sender, svc.clock, settings(config))
    stop = threading.Event()

    def _stop(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    logging.getLogger(__name__).info("delivering webhooks")
    worker.run(stop)
