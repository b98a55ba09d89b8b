"""What the audit trail costs on the two audited hot paths, in process, on one database.

Run: ``.venv/bin/python -m bench.audit_cost URL [--requests 300] [--rounds 3]`` on an empty,
migrated database (it books into it). Each round serves ``GET /appointments/{id}`` and
``POST /appointments`` (distinct free slots) audited, and with the operation taken out of
the audit policy (no event at all), in an order that alternates round by round. Wall-clock
time per request (an append's fsync is part of it), CPU time beside it, medians over the
rounds. Requests are WSGI environs handed to the app directly, as bench/hot_paths.py does.
docs/DECISIONS.md, "Audit trail", quotes its figures.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from werkzeug.test import EnvironBuilder

Environ = dict[str, Any]
_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def build(url: str) -> tuple[Any, dict[str, str], int, int]:
    """The app, an all-scope key's header, a provider open all day every day, a client."""
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="audit-cost-")
    os.environ.setdefault("LOG_LEVEL", "warning")
    from app import create_app
    from app.api.api_keys import issue
    from app.config import Config
    from bench.servers import UNREACHED_RATELIMITS
    from domain.access import SCOPES

    settings = {"DATABASE_URL": url, "LOG_LEVEL": "warning", **UNREACHED_RATELIMITS}
    app = create_app(Config.from_env(settings))
    with app.app_context():
        secret = issue("bench", list(SCOPES))[1]
    headers = {"Authorization": f"Bearer {secret}"}
    http = app.test_client()
    provider = http.post("/providers", json={"name": "P", "timezone": "UTC"}, headers=headers)
    pid = provider.get_json()["id"]
    week = [
        {
            "starts_at": {"day_of_week": d, "time": "00:00"},
            "ends_at": {"day_of_week": d, "time": "23:30"},
        }
        for d in _DAYS
    ]
    answer = http.put(
        f"/providers/{pid}/weekly-availability", json={"windows": week}, headers=headers
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)
    client = http.post("/clients", json={"name": "C", "email": "c@example.org"}, headers=headers)
    return app, headers, pid, client.get_json()["id"]


def serve(app: Any, environs: list[Environ]) -> tuple[float, float]:
    """Wall and CPU seconds per request."""
    codes: list[int] = []

    def start_response(status: str, _headers: Any, _exc: Any = None) -> Any:
        codes.append(int(status.split()[0]))
        return lambda _data: None

    started, cpu = time.perf_counter(), time.process_time()
    for environ in environs:
        body = app(environ, start_response)
        b"".join(body)
        getattr(body, "close", lambda: None)()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert all(code < 300 for code in codes), sorted(set(codes))
    return elapsed / len(environs), cpu / len(environs)


class Slots:
    """Consecutive free 30-minute slots from tomorrow on."""

    def __init__(self) -> None:
        self.next = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        self.next += timedelta(days=1)

    def take(self) -> tuple[str, str]:
        start = self.next
        self.next += timedelta(minutes=30)
        if self.next.hour == 23 and self.next.minute == 30:
            self.next += timedelta(minutes=30)
        stamp = "%Y-%m-%dT%H:%M:%SZ"
        return start.strftime(stamp), (start + timedelta(minutes=30)).strftime(stamp)


def posts(headers: dict[str, str], pid: int, cid: int, slots: Slots, n: int) -> list[Environ]:
    found = []
    for _ in range(n):
        start, end = slots.take()
        body = {"provider_id": pid, "client_id": cid, "starts_at": start, "ends_at": end}
        builder = EnvironBuilder(path="/appointments", method="POST", json=body, headers=headers)
        found.append(builder.get_environ())
    return found


def gets(headers: dict[str, str], ids: list[int]) -> list[Environ]:
    return [EnvironBuilder(path=f"/appointments/{i}", headers=headers).get_environ() for i in ids]


def audited(on: bool) -> None:
    from app.access import audit

    for operation in ("getAppointment", "bookAppointment"):
        audit.POLICY[operation] = replace(audit.POLICY[operation], always=on)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    app, headers, pid, cid = build(args.url)
    slots = Slots()
    figures: dict[str, list[float]] = {}
    for round_ in range(args.rounds):
        for on in (True, False) if round_ % 2 == 0 else (False, True):
            audited(on)
            label = "audited" if on else "unaudited"
            for path, environs in (
                ("post", posts(headers, pid, cid, slots, args.requests)),
                ("get", gets(headers, list(range(1, args.requests + 1)))),
            ):
                wall, cpu = serve(app, environs)
                figures.setdefault(f"{path} {label}", []).append(wall)
                figures.setdefault(f"{path} {label} cpu", []).append(cpu)
    ms = {k: round(statistics.median(v) * 1000, 3) for k, v in figures.items()}
    ms["get ratio (req/s audited / unaudited)"] = round(ms["get unaudited"] / ms["get audited"], 3)
    ms["post ratio"] = round(ms["post unaudited"] / ms["post audited"], 3)
    print(json.dumps(ms, indent=1), file=sys.stderr)


if __name__ == "__main__":
    main()
