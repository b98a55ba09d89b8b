"""Every Prometheus metric the service counts itself, defined here and nowhere else (the
webhook series are read from the database at scrape time: app/observability/webhook_metrics.py).

Each app builds one ``Metrics`` on its own registry (``create_app``); code that counts
something reaches it with ``metrics()`` inside an app context, e.g.
``metrics().bookings.labels(outcome="booked").inc()``. To add a metric: add a field built in
``Metrics.__init__``, with its labels' values listed up front when they are known, so they
show as 0 before the first event (docs/DECISIONS.md, "Metrics").

Under gunicorn, prometheus_client runs in its multiprocess mode (PROMETHEUS_MULTIPROC_DIR,
set by gunicorn.conf.py before the library is imported): each worker writes its values to
files there and a scrape of any worker sums them over all workers.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from flask import current_app
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

EXTENSION = "scheduling.metrics"
BOOKING_OUTCOMES = ("booked", "conflict", "rejected")
SYNC_OUTCOMES = ("ok", "feed_error", "not_found")
_HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class Metrics:
    """The service's metrics on one registry."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry = registry or CollectorRegistry(auto_describe=True)
        self.http_requests = Counter(
            "http_requests",
            "HTTP requests answered, by method, route (the URL rule) and status.",
            ["method", "route", "status"],
            registry=registry,
        )
        self.http_request_duration = Histogram(
            "http_request_duration_seconds",
            "Time from the request's start in the app to its response, by method and route.",
            ["method", "route"],
            registry=registry,
        )
        self.bookings = _counter(
            "bookings",
            "POST /appointments answers: booked (2xx), conflict (409), rejected (other 4xx).",
            "outcome",
            BOOKING_OUTCOMES,
            registry,
        )
        self.cancellations = Counter(
            "cancellations", "Cancellation requests answered 200.", registry=registry
        )
        self.availability_syncs = _counter(
            "availability_syncs",
            "Availability syncs of one provider, by outcome.",
            "outcome",
            SYNC_OUTCOMES,
            registry,
        )
        self.database_errors = Counter(
            "database_errors",
            "Requests answered 503 because the database was unreachable or not migrated.",
            registry=registry,
        )
        self.info = _info(registry)
        self._children: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one answered request and its duration (label children cached: hot path)."""
        if method not in _HTTP_METHODS:
            method = "other"  # any verb a caller invents must not become a new series
        key = (method, route, status)
        children = self._children.get(key)
        if children is None:
            children = (
                self.http_requests.labels(method, route, str(status)),
                self.http_request_duration.labels(method, route),
            )
            self._children[key] = children
        children[0].inc()
        children[1].observe(seconds)


def _counter(
    name: str, doc: str, label: str, values: tuple[str, ...], registry: CollectorRegistry
) -> Counter:
    counter = Counter(name, doc, [label], registry=registry)
    for value in values:
        counter.labels(value)
    return counter


def _version() -> str:
    try:
        return version("scheduling-service")
    except PackageNotFoundError:
        return "unknown"


def install(app_extensions: dict[str, object], built: Metrics) -> None:
    app_extensions[EXTENSION] = built


def metrics() -> Metrics:
    """The current app's metrics (built even when METRICS_ENABLED=false, then not served)."""
    found: Metrics = current_app.extensions[EXTENSION]
    return found


def exposition(
    built: Metrics, multiprocess_dir: str | None, *read_now: Collector
) -> tuple[bytes, str]:
    """The text format: summed over every worker's files in multiprocess mode, after the
    collectors ``read_now`` (they may count a database error, which this scrape then shows)."""
    registry = CollectorRegistry(auto_describe=False)
    for collector in read_now:
        registry.register(collector)
    if multiprocess_dir is None:
        registry.register(built.registry)
    else:
        MultiProcessCollector(registry, path=multiprocess_dir)  # type: ignore[no-untyped-call]
    return generate_latest(registry), CONTENT_TYPE_LATEST


def _info(registry: CollectorRegistry) -> Gauge:
    """``app_info``: 1, labelled with the running version."""
    info = Gauge(
        "app_info",
        "The running version (always 1).",
        ["version"],
        registry=registry,
        multiprocess_mode="max",
    )
    info.labels(version=_version()).set(1)
    return info
