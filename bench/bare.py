"""The ceiling: a bare Flask app with one route answering a constant small JSON.

Served by bench/http.py as ``gunicorn --config gunicorn.conf.py 'bench.bare:create_app()'``,
with the same settings and worker count as the real app, so the ratio of the two measures
what the service's own work costs on this machine.
"""

from __future__ import annotations

from flask import Flask

BODY = {"status": "ok"}


def create_app() -> Flask:
    """A Flask app whose only route, ``GET /``, answers ``{"status": "ok"}``."""
    app = Flask(__name__)

    @app.get("/")
    def constant() -> dict[str, str]:
        return BODY

    return app
