"""The delivery use case: one attempt of one claimed delivery, and what follows it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.ports import Clock, WebhookSender
from domain.webhooks import RETRY_DELAYS, Claim, Decision, Outcome, decide


@dataclass(frozen=True, slots=True)
class Finished:
    """An attempt made: what the receiver did, what follows, and when it ended."""

    claim: Claim
    outcome: Outcome
    decision: Decision
    at: datetime


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


def outcome(finished: Finished) -> str:
    """``delivered``, ``retrying`` (it failed; another attempt is scheduled) or ``failed``
    (it failed; given up), as the metrics and the logs name an attempt's outcome."""
    if finished.decision.delivered:
        return "delivered"
    return "retrying" if finished.decision.next_attempt_at else "failed"
