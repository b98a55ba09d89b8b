"""Settings read from the environment, with safe defaults.

See docs/DECISIONS.md, "Request size limit".
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from limits import parse_many

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{REPO_ROOT / 'instance' / 'scheduling.sqlite3'}"
DEFAULT_FIXTURE_PATH = str(REPO_ROOT / "fixtures" / "calendly_slots.json")
DEFAULT_MAX_CONTENT_LENGTH = 64 * 1024
SWAGGER_UI_ASSETS = "/docs/assets/"
LOG_FORMATS = ("json", "console")
LOG_LEVELS = ("debug", "info", "warning", "error", "critical")
#: docs/DECISIONS.md, "Rate limits", says why these.
DEFAULT_PER_KEY, DEFAULT_PER_ADDRESS, DEFAULT_AUTH_FAILURES = (
    "600/minute",
    "120/minute",
    "20/minute",
)
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


@dataclass(frozen=True, slots=True)
class Config:
    """Everything the app needs from its environment."""

    database_url: str = DEFAULT_DATABASE_URL
    calendly_fixture_path: str = DEFAULT_FIXTURE_PATH
    max_content_length: int = DEFAULT_MAX_CONTENT_LENGTH
    log_format: str = "json"
    log_level: str = "info"
    metrics_enabled: bool = True
    #: prometheus_client's multiprocess directory (PROMETHEUS_MULTIPROC_DIR), set by
    #: gunicorn.conf.py; None in a single process (tests, commands).
    metrics_dir: str | None = None
    #: Whether each read's audit event waits for the disk (docs/DECISIONS.md, "Audit trail").
    audit_sync_reads: bool = False
    webhooks: WebhookConfig = field(default_factory=lambda: WebhookConfig())
    rate_limits: RateLimitConfig = field(default_factory=lambda: RateLimitConfig())

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Config:
        """Read DATABASE_URL, CALENDLY_FIXTURE_PATH, MAX_CONTENT_LENGTH (bytes), LOG_FORMAT,
        LOG_LEVEL, METRICS_ENABLED, PROMETHEUS_MULTIPROC_DIR, AUDIT_SYNC_READS, the WEBHOOK_*
        settings (WebhookConfig) and the RATELIMIT_* settings (RateLimitConfig)."""
        env = os.environ if environ is None else environ
        return cls(
            database_url=env.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
            calendly_fixture_path=env.get("CALENDLY_FIXTURE_PATH") or DEFAULT_FIXTURE_PATH,
            max_content_length=_positive_int(env, "MAX_CONTENT_LENGTH", DEFAULT_MAX_CONTENT_LENGTH),
            log_format=_choice(env, "LOG_FORMAT", LOG_FORMATS, "json"),
            log_level=_choice(env, "LOG_LEVEL", LOG_LEVELS, "info"),
            metrics_enabled=_flag(env, "METRICS_ENABLED", default=True),
            metrics_dir=env.get("PROMETHEUS_MULTIPROC_DIR") or None,
            audit_sync_reads=_flag(env, "AUDIT_SYNC_READS", default=False),
            webhooks=WebhookConfig.from_env(env),
            rate_limits=RateLimitConfig.from_env(env),
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


@dataclass(frozen=True, slots=True)
class WebhookConfig:
    """Webhook delivery settings (README, "Configuration"; docs/DECISIONS.md, "Webhook
    delivery")."""

    allow_private_hosts: bool = False
    """WEBHOOK_ALLOW_PRIVATE_HOSTS=true: URLs may point at loopback and private addresses."""
    retry_scale: float = 1.0
    """WEBHOOK_RETRY_SCALE: multiplies every retry wait (tests use a small one)."""
    attempt_timeout: float = 15.0
    """WEBHOOK_ATTEMPT_TIMEOUT: seconds one attempt may take in all."""
    lease: float = 60.0
    """WEBHOOK_LEASE_SECONDS: how long a claimed delivery stays with its worker."""
    poll: float = 0.2
    """WEBHOOK_POLL_SECONDS: how often an idle worker looks for due deliveries."""
    threads: int = 8
    """WEBHOOK_WORKER_THREADS: attempts one worker makes at once."""

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> WebhookConfig:
        allow = (env.get("WEBHOOK_ALLOW_PRIVATE_HOSTS") or "false").strip().lower()
        if allow not in ("true", "false"):
            raise ValueError(f"WEBHOOK_ALLOW_PRIVATE_HOSTS must be true or false, got {allow!r}")
        return cls(
            allow_private_hosts=allow == "true",
            retry_scale=_positive_float(env, "WEBHOOK_RETRY_SCALE", 1.0),
            attempt_timeout=_positive_float(env, "WEBHOOK_ATTEMPT_TIMEOUT", 15.0),
            lease=_positive_float(env, "WEBHOOK_LEASE_SECONDS", 60.0),
            poll=_positive_float(env, "WEBHOOK_POLL_SECONDS", 0.2),
            threads=_positive_int(env, "WEBHOOK_WORKER_THREADS", 8),
        )


@dataclass(frozen=True, slots=True)
class RateLimitConfig:
    """Rate limits (README, "Configuration"; docs/DECISIONS.md, "Rate limits"). A limit is
    one ``limits`` string: ``600/minute``, ``20 per minute``, ``1000/hour``."""

    storage_uri: str = "memory://"
    """RATELIMIT_STORAGE_URI: ``memory://`` (each worker its own) or ``redis://host:port/db``."""
    key_prefix: str = "scheduling"
    """RATELIMIT_KEY_PREFIX: the prefix of this service's keys in a shared Redis."""
    per_key: str = DEFAULT_PER_KEY
    """RATELIMIT_PER_KEY: requests with a valid API key, per key."""
    per_address: str = DEFAULT_PER_ADDRESS
    """RATELIMIT_PER_ADDRESS: requests without a key (/docs, /openapi.json), per address."""
    auth_failures: str = DEFAULT_AUTH_FAILURES
    """RATELIMIT_AUTH_FAILURES: failed authentications (401s), per address."""
    trusted_proxies: int = 0
    """RATELIMIT_TRUSTED_PROXIES: proxies whose X-Forwarded-For is believed (0: none)."""

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> RateLimitConfig:
        hops = (env.get("RATELIMIT_TRUSTED_PROXIES") or "0").strip()
        if not hops.isdigit():
            raise ValueError(f"RATELIMIT_TRUSTED_PROXIES must be 0 or more, got {hops!r}")
        return cls(
            storage_uri=env.get("RATELIMIT_STORAGE_URI") or "memory://",
            key_prefix=env.get("RATELIMIT_KEY_PREFIX") or "scheduling",
            per_key=_limit(env, "RATELIMIT_PER_KEY", DEFAULT_PER_KEY),
            per_address=_limit(env, "RATELIMIT_PER_ADDRESS", DEFAULT_PER_ADDRESS),
            auth_failures=_limit(env, "RATELIMIT_AUTH_FAILURES", DEFAULT_AUTH_FAILURES),
            trusted_proxies=int(hops),
        )


def _limit(env: Mapping[str, str], name: str, default: str) -> str:
    """One rate limit in the ``limits`` notation, checked."""
    raw = (env.get(name) or default).strip()
    try:
        parsed = parse_many(raw)
    except ValueError:
        parsed = []
    if len(parsed) != 1 or parsed[0].amount < 1:
        raise ValueError(f"{name} must be one limit such as 600/minute, got {raw!r}")
    return raw


def _positive_float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a positive number, got {raw!r}") from None
    if not 0 < value < float("inf"):
        raise ValueError(f"{name} must be a positive number, got {raw!r}")
    return value


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


def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...], default: str) -> str:
    raw = (env.get(name) or default).strip().lower()
    if raw not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}, got {raw!r}")
    return raw


def _flag(env: Mapping[str, str], name: str, *, default: bool) -> bool:
    raw = (env.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw not in _TRUE + _FALSE:
        raise ValueError(f"{name} must be true or false, got {raw!r}")
    return raw in _TRUE
