"""The webhook retry policy: backoff with jitter, Retry-After, when to give up or disable.

Pure functions (docs/DECISIONS.md, "Webhook delivery").
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta

from domain.webhooks import Decision, Finished, Outcome

#: An endpoint whose deliveries have all failed this long is disabled.
DISABLE_AFTER = timedelta(days=3)
#: Wait after each failed attempt: attempt 1 failing waits the first, and so on; after the
#: last, the delivery is failed. Ten attempts over about three days.
RETRY_DELAYS = tuple(
    timedelta(seconds=s) for s in (5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400)
)
#: Jitter: each wait is stretched by a random fraction up to this.
JITTER = 0.2
#: Longest Retry-After honoured; a longer one is cut to this.
MAX_RETRY_AFTER = timedelta(hours=24)
GONE = 410


def decide(
    attempt: int,
    outcome: Outcome,
    now: datetime,
    failing_since: datetime | None,
    delays: Sequence[timedelta] = RETRY_DELAYS,
    rng: random.Random | None = None,
) -> Decision:
    """The delivery's next step after attempt number ``attempt`` (1 for the first)."""
    if outcome.succeeded:
        return Decision(True, None)
    if outcome.status == GONE:
        return Decision(False, None, "the receiver answered 410 Gone")
    if failing_since is not None and now - failing_since >= DISABLE_AFTER:
        return Decision(False, None, "every delivery failed for 3 days")
    if attempt > len(delays):
        return Decision(False, None)
    wait = delays[attempt - 1] * (1 + JITTER * (rng or random).random())
    if outcome.retry_after is not None:
        wait = min(outcome.retry_after, MAX_RETRY_AFTER)
    return Decision(False, now + wait)


def scaled(scale: float) -> tuple[timedelta, ...]:
    """The retry schedule with every wait multiplied by ``scale`` (tests use a small one)."""
    return tuple(delay * scale for delay in RETRY_DELAYS)


def outcome(finished: Finished) -> str:
    """``delivered``, ``retrying`` (it failed; another attempt is scheduled) or ``failed``
    (it failed; given up), as the metrics and the logs name an attempt's outcome."""
    if finished.decision.delivered:
        return "delivered"
    return "retrying" if finished.decision.next_attempt_at else "failed"
