"""Observability: structured logs, request ids, Prometheus metrics; wired by ``create_app``.

For other modules: ``current_request_id()`` (the id of the request being served) and
``metrics()`` (the current app's metrics, app/observability/metrics.py).
"""

from __future__ import annotations

from flask import Flask, current_app
from werkzeug.wrappers import Response

from app.config import Config
from app.observability import logs
from app.observability import metrics as metrics_module
from app.observability.http import RequestHooks
from app.observability.metrics import Metrics, exposition, metrics
from app.observability.request_id import current_request_id
from app.observability.webhook_metrics import WebhookCollector
from app.services import services

__all__ = ["current_request_id", "install", "metrics"]
METRICS_PATH = "/metrics"


def install(app: Flask, config: Config) -> None:
    """Logging for the process, the request hooks, and ``GET /metrics`` unless disabled."""
    logs.configure(config.log_format, config.log_level)
    built = Metrics()
    metrics_module.install(app.extensions, built)
    hooks = RequestHooks(
        built,
        logs.logger("scheduling.http"),
        logs.logger("scheduling.events"),
        count=config.metrics_enabled,
    )
    hooks.install(app)
    if config.metrics_enabled:
        app.config["METRICS_DIR"] = config.metrics_dir
        app.add_url_rule(METRICS_PATH, "metrics", _metrics_view, methods=["GET"])


def _metrics_view() -> Response:
    built = metrics()
    webhooks = WebhookCollector(services().database.webhook_figures, built)
    body, content_type = exposition(built, current_app.config["METRICS_DIR"], webhooks)
    return current_app.response_class(body, mimetype=None, content_type=content_type)
