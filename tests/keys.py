"""API keys for tests: an all-scope key straight into a database, and Flask clients that send one.

Every protected operation needs ``Authorization: Bearer <key>`` (app/access); tests that are
not about access send a key with every scope, as ``make run``'s development key has.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from adapters.clock import SystemClock
from adapters.sqlalchemy import Database
from domain import errors
from domain.access import SCOPES
from domain.rules.keys import PREFIX
from domain.use_cases.api_keys import create_key

#: Well formed, never issued: what a client sends when its database could not issue keys.
UNKNOWN_KEY = PREFIX + "x" * 43


def issue_key(database_url: str, scopes: tuple[str, ...] = SCOPES, **binding: Any) -> str:
    """A new key's secret, issued through the use case on ``database_url``."""
    database = Database(database_url)
    try:
        _, secret = create_key(database.unit_of_work(), SystemClock(), "tests", scopes, **binding)
    finally:
        database.dispose()
    return secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


class KeyedClient(FlaskClient):
    """A test client sending the app's all-scope test key unless a request names another."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {app_key(self.application)}"


def app_key(app: Flask) -> str:
    """Issued once per app; an app whose database is down gets a key that is never found."""
    key: str | None = app.config.get("TEST_API_KEY")
    if key is None:
        from app.api.api_keys import issue

        with app.app_context():
            try:
                key = issue("tests", list(SCOPES))[1]
            except errors.StoreUnavailable:
                key = UNKNOWN_KEY
        app.config["TEST_API_KEY"] = key
    return key


def keyed(app: Flask) -> Flask:
    app.test_client_class = KeyedClient
    return app
