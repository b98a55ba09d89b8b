"""``webhook_deliveries_total{outcome}`` and ``webhook_outbox_pending``, read at scrape time.

The delivery worker is its own process, maybe on another host: counters in its memory would
never reach a web worker's ``/metrics``. The database has the truth, so each scrape reads
two index-backed figures from it (docs/DECISIONS.md, "Webhook metrics from the database").
If the database does not answer, both series are left out of that scrape, the others still
answer, and ``database_errors_total`` counts it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import exc as sa_exc

from app.observability.metrics import Metrics
from domain.errors import StoreUnavailable

OUTCOMES = ("delivered", "retrying", "failed")
Figures = Callable[[], tuple[dict[str, int], int]]


class WebhookCollector(Collector):
    def __init__(self, figures: Figures, metrics: Metrics) -> None:
        self._figures, self._metrics = figures, metrics

    def collect(self) -> Iterator[CounterMetricFamily | GaugeMetricFamily]:
        try:
            totals, pending = self._figures()
        except (StoreUnavailable, sa_exc.SQLAlchemyError):
            self._metrics.database_errors.inc()
            return
        deliveries = CounterMetricFamily(
            "webhook_deliveries",
            "Webhook delivery attempts by outcome: delivered (2xx), retrying (failed, another "
            "attempt scheduled), failed (failed, given up).",
            labels=["outcome"],
        )
        for outcome in OUTCOMES:
            deliveries.add_metric([outcome], totals.get(outcome, 0))
        yield deliveries
        yield GaugeMetricFamily(
            "webhook_outbox_pending",
            "Webhook deliveries not yet delivered nor given up.",
            value=pending,
        )

    def describe(self) -> list[CounterMetricFamily | GaugeMetricFamily]:
        return []  # nothing read from the database when registered
