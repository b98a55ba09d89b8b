"""The delivery use case: one attempt of one claimed delivery, and what follows it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from domain.ports.clock import Clock
from domain.ports.delivery import WebhookSender
from domain.rules.retries import RETRY_DELAYS, decide
from domain.webhooks import Claim, Finished


def attempt(
    sender: WebhookSender,
    clock: Clock,
    claim: Claim,
    delays: Sequence[timedelta] = RETRY_DELAYS,
) -> Finished:
    """Send ``claim`` and decide what follows: done, a retry at some time, or giving up.

    The caller records the result with ``DeliveryQueue.finish``, several at once if it likes.
    """
    outcome = sender.send(claim, clock.now())
    now = clock.now()
    decision = decide(claim.attempt, outcome, now, claim.endpoint.failing_since, delays)
    return Finished(claim, outcome, decision, now)
