"""The delivery use case: one attempt of one claimed delivery, and what follows it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from domain.ports import Clock, DeliveryQueue, WebhookSender
from domain.webhooks import RETRY_DELAYS, Claim, Outcome, decide


def attempt(
    queue: DeliveryQueue,
    sender: WebhookSender,
    clock: Clock,
    claim: Claim,
    delays: Sequence[timedelta] = RETRY_DELAYS,
) -> Outcome:
    """Send ``claim``, then record the attempt and schedule the retry, or stop retrying."""
    outcome = sender.send(claim, clock.now())
    now = clock.now()
    decision = decide(claim.attempt, outcome, now, claim.endpoint.failing_since, delays)
    queue.finish(claim, outcome, decision, now)
    return outcome
