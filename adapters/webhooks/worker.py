"""The delivery worker: claims due deliveries and attempts them on a pool of threads.

Runs as its own process (``flask --app wsgi deliver-webhooks``). Idle, it polls every
``poll`` seconds, so a delivery leaves within about that long of its commit. Each endpoint
gets at most ``per_endpoint`` attempts at once, so a slow or dead receiver holds up only its
own deliveries (docs/DECISIONS.md, "Webhook delivery").
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import structlog
from sqlalchemy import exc as sa_exc

from domain.errors import StoreUnavailable
from domain.ports.clock import Clock
from domain.ports.delivery import DeliveryQueue, WebhookSender
from domain.rules.retries import RETRY_DELAYS, outcome
from domain.use_cases.delivery import attempt
from domain.webhooks import Claim, Finished

log = logging.getLogger(__name__)
#: One line per attempt, through the app's structlog setup (app/observability/logs.py):
#: unbound, so each line follows the configuration in force when it is written.
outcomes = structlog.get_logger()


@dataclass(frozen=True, slots=True)
class WorkerSettings:
    concurrency: int = 8
    per_endpoint: int = 4
    #: Longer than an attempt can last (15 s), so a live worker never loses its lease.
    lease: timedelta = timedelta(seconds=60)
    poll: float = 0.2
    delays: Sequence[timedelta] = field(default=RETRY_DELAYS)


class Worker:
    def __init__(
        self,
        queue: DeliveryQueue,
        sender: WebhookSender,
        clock: Clock,
        settings: WorkerSettings | None = None,
    ) -> None:
        self._queue, self._sender, self._clock = queue, sender, clock
        self._settings = settings or WorkerSettings()
        self._in_flight: dict[Future[Any], Claim] = {}

    def run(self, stop: threading.Event) -> None:
        """Deliver until ``stop`` is set, then finish the attempts in flight."""
        settings = self._settings
        with ThreadPoolExecutor(settings.concurrency, "webhook") as pool:
            while not stop.is_set():
                self._reap()
                claims = self._claim()
                for claim in claims:
                    future = pool.submit(attempt, self._sender, self._clock, claim, settings.delays)
                    self._in_flight[future] = claim
                if not claims:
                    self._idle(stop)
            wait(list(self._in_flight))
            self._reap()

    def _claim(self) -> list[Claim]:
        settings = self._settings
        free = settings.concurrency - len(self._in_flight)
        busy = Counter(claim.endpoint.id or 0 for claim in self._in_flight.values())
        try:
            return self._queue.claim(
                free, self._clock.now(), settings.lease, busy, settings.per_endpoint
            )
        except (StoreUnavailable, sa_exc.SQLAlchemyError) as error:
            # The type only: a database error's text may carry the parameters it was given.
            log.warning("claiming deliveries failed (%s); retrying", type(error).__name__)
            return []

    def _idle(self, stop: threading.Event) -> None:
        """Nothing claimable: wait for an attempt to finish (it may free its endpoint), or
        for the next poll."""
        if self._in_flight:
            wait(list(self._in_flight), timeout=self._settings.poll, return_when=FIRST_COMPLETED)
        else:
            stop.wait(self._settings.poll)

    def _reap(self) -> None:
        """Record the finished attempts, in one transaction. If that fails, their leases
        expire and the attempts are made again (at least once)."""
        done = [f for f in self._in_flight if f.done()]
        finished: list[Finished] = []
        for future in done:
            self._in_flight.pop(future)
            finished.append(future.result())
            _log_outcome(finished[-1])
        try:
            self._queue.finish(finished)
        except (StoreUnavailable, sa_exc.SQLAlchemyError) as error:
            log.warning(
                "recording %d attempts failed (%s); they will be retried",
                len(finished),
                type(error).__name__,
            )


def _log_outcome(f: Finished) -> None:
    """Ids, numbers and words only: never the URL, the secret or the body."""
    claim, result = f.claim, f.outcome
    fields = {
        "outcome": outcome(f),
        "event_type": claim.event_type.value,
        "event_id": claim.event_id,
        "webhook_id": claim.endpoint.id,
        "attempt": claim.attempt,
        "status": result.status,
        "error_type": result.error_type,
        "duration_ms": result.duration_ms,
        "request_id": claim.request_id,
    }
    if f.decision.disable:
        fields["endpoint_disabled"] = True
    level = outcomes.info if result.succeeded else outcomes.warning
    level("webhook_attempt", logger="scheduling.webhooks", **fields)
