"""API keys: issued once, stored hashed, revoked everywhere within seconds, and bootstrapped
from the command line and by ``make run``."""

from __future__ import annotations

import hashlib
import stat
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from adapters.sqlalchemy.database import normalize_url
from domain.access import SCOPES
from tests.e2e.servers import Server
from tests.e2e.support import FixedClock, assert_problem
from tests.keys import bearer

FRONT_DESK = {"name": "Front desk", "scopes": ["availability:read", "appointments:write"]}


def stored_rows(database_url: str) -> list[dict[str, Any]]:
    engine = create_engine(normalize_url(database_url))
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT * FROM api_keys ORDER BY id"))
            return [dict(row._mapping) for row in rows]
    finally:
        engine.dispose()


def test_a_new_key_is_shown_once_and_stored_only_as_its_digest(
    http: FlaskClient, database_url: str
) -> None:
    made = http.post("/api-keys", json=FRONT_DESK)
    assert made.status_code == 201
    secret = made.get_json()["key"]
    assert secret.startswith("csk_") and len(secret) == 47
    assert made.headers["Location"] == f"/api-keys/{made.get_json()['id']}"
    read = http.get(made.headers["Location"]).get_json()
    assert "key" not in read and read["hint"] == secret[-4:]
    assert all("key" not in listed for listed in http.get("/api-keys").get_json())
    (row,) = [r for r in stored_rows(database_url) if r["id"] == read["id"]]
    assert row["digest"] == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in repr(stored_rows(database_url))
    assert http.get("/providers", headers=bearer(secret)).status_code == 200
    assert http.get("/clients", headers=bearer(secret)).status_code == 403


def test_an_expired_key_is_refused_from_the_moment_it_expires(
    http: FlaskClient, clock: FixedClock
) -> None:
    secret = http.post("/api-keys", json={**FRONT_DESK, "expires_in_days": 1}).get_json()["key"]
    assert http.get("/providers", headers=bearer(secret)).status_code == 200
    clock.current += timedelta(days=1)
    assert_problem(http.get("/providers", headers=bearer(secret)), 401, "unauthorized")


def test_last_used_is_written_once_an_hour_at_most(
    app: Flask, http: FlaskClient, clock: FixedClock
) -> None:
    made = http.post("/api-keys", json=FRONT_DESK).get_json()
    assert made["last_used_at"] is None
    fresh = app.test_client()
    assert fresh.get("/providers", headers=bearer(made["key"])).status_code == 200
    first = http.get(f"/api-keys/{made['id']}").get_json()["last_used_at"]
    assert first is not None
    clock.current += timedelta(minutes=30)
    services_cache_forget(app)
    assert fresh.get("/providers", headers=bearer(made["key"])).status_code == 200
    assert http.get(f"/api-keys/{made['id']}").get_json()["last_used_at"] == first
    clock.current += timedelta(minutes=31)
    services_cache_forget(app)
    assert fresh.get("/providers", headers=bearer(made["key"])).status_code == 200
    assert http.get(f"/api-keys/{made['id']}").get_json()["last_used_at"] != first


def services_cache_forget(app: Flask) -> None:
    """Start the app's key cache afresh, as 5 seconds of waiting would."""
    from app.access.keycache import KeyCache
    from app.services import EXTENSION

    object.__setattr__(app.extensions[EXTENSION], "keys", KeyCache())


def test_a_revoked_key_is_refused_by_every_worker_within_five_seconds(live: Server) -> None:
    secret = live.call("POST", "/api-keys", FRONT_DESK).body["key"]
    key_id = live.call("GET", "/api-keys").body[-1]["id"]
    for _ in range(40):  # every worker reads and caches it
        assert live.call("GET", "/timezones", headers=bearer(secret)).status == 200
    revoked = live.call("DELETE", f"/api-keys/{key_id}")
    assert revoked.status == 200 and revoked.body["revoked_at"] is not None
    started = time.monotonic()
    while live.call("GET", "/timezones", headers=bearer(secret)).status == 200:
        assert time.monotonic() - started < 6, "still accepted after 6 seconds"
        time.sleep(0.1)
    time.sleep(max(0.0, 5.2 - (time.monotonic() - started)))
    answers = {live.call("GET", "/timezones", headers=bearer(secret)).status for _ in range(40)}
    assert answers == {401}


def test_the_command_prints_the_new_key_alone_on_its_last_line_and_revokes_it(
    app: Flask, http: FlaskClient
) -> None:
    runner = app.test_cli_runner()
    made = runner.invoke(args=["api-keys", "create", "--name", "Script", "--scope", "clients:read"])
    assert made.exit_code == 0, made.output
    secret = made.output.splitlines()[-1]
    assert secret.startswith("csk_") and " " not in secret
    fresh = app.test_client()
    assert fresh.get("/clients", headers=bearer(secret)).status_code == 200
    key_id = http.get("/api-keys").get_json()[-1]["id"]
    assert runner.invoke(args=["api-keys", "revoke", str(key_id)]).exit_code == 0
    services_cache_forget(app)
    assert fresh.get("/clients", headers=bearer(secret)).status_code == 401
    bad = runner.invoke(args=["api-keys", "create", "--name", "x", "--scope", "nope"])
    assert bad.exit_code != 0
    bound = ["--scope", "keys:manage", "--provider-id", "1"]
    refused = runner.invoke(args=["api-keys", "create", "--name", "x", *bound])
    assert refused.exit_code != 0 and "csk_" not in refused.output


def test_the_development_key_is_written_once_with_every_scope_and_mode_0600(
    app: Flask, tmp_path: Path, http: FlaskClient
) -> None:
    path = tmp_path / "instance" / "dev-api-key"
    runner = app.test_cli_runner()
    assert runner.invoke(args=["api-keys", "dev-key", "--file", str(path)]).exit_code == 0
    secret = path.read_text().strip()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert runner.invoke(args=["api-keys", "dev-key", "--file", str(path)]).exit_code == 0
    assert path.read_text().strip() == secret
    (listed,) = [k for k in http.get("/api-keys").get_json() if k["hint"] == secret[-4:]]
    assert sorted(listed["scopes"]) == sorted(SCOPES)
    http.delete(f"/api-keys/{listed['id']}")
    assert runner.invoke(args=["api-keys", "dev-key", "--file", str(path)]).exit_code == 0
    assert path.read_text().strip() != secret
