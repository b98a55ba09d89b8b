"""Settings read from the environment, with safe defaults.

See docs/DECISIONS.md, "Request size limit".
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{REPO_ROOT / 'instance' / 'scheduling.sqlite3'}"
DEFAULT_FIXTURE_PATH = str(REPO_ROOT / "fixtures" / "calendly_slots.json")
DEFAULT_MAX_CONTENT_LENGTH = 64 * 1024
SWAGGER_UI_ASSETS = "/docs/assets/"


@dataclass(frozen=True, slots=True)
class Config:
    """Everything the app needs from its environment."""

    database_url: str = DEFAULT_DATABASE_URL
    calendly_fixture_path: str = DEFAULT_FIXTURE_PATH
    max_content_length: int = DEFAULT_MAX_CONTENT_LENGTH

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Config:
        """Read DATABASE_URL, CALENDLY_FIXTURE_PATH and MAX_CONTENT_LENGTH (bytes)."""
        env = os.environ if environ is None else environ
        return cls(
            database_url=env.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
            calendly_fixture_path=env.get("CALENDLY_FIXTURE_PATH") or DEFAULT_FIXTURE_PATH,
            max_content_length=_positive_int(env, "MAX_CONTENT_LENGTH", DEFAULT_MAX_CONTENT_LENGTH),
        )

    def flask_settings(self) -> dict[str, Any]:
        """Flask and flask-smorest settings derived from this configuration."""
        return {
            "MAX_CONTENT_LENGTH": self.max_content_length,
            "API_TITLE": "Scheduling API",
            "API_VERSION": "1",
            "OPENAPI_VERSION": "3.0.3",
            "OPENAPI_URL_PREFIX": "/",
            "OPENAPI_JSON_PATH": "openapi.json",
            "OPENAPI_SWAGGER_UI_PATH": "docs",
            "OPENAPI_SWAGGER_UI_URL": SWAGGER_UI_ASSETS,
            # No call home: Swagger UI's online validator badge would reach the internet.
            "OPENAPI_SWAGGER_UI_CONFIG": {"validatorUrl": None, "deepLinking": True},
        }


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a positive integer, got {raw!r}") from None
    if value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {raw!r}")
    return value
