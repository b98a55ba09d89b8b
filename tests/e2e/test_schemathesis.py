"""Schemathesis tests the app against its own OpenAPI document, as `st run` would.

Its engine runs in-process on the app (WSGI) with all four phases: the document's examples,
coverage (boundary values and invalid ones: missing bodies, out-of-range numbers, broken
patterns), fuzzing, and the stateful phase that chains operations along the document's links
(create a provider, add time off, read and delete it; book, read, move and cancel an
appointment). Every check runs but ``positive_data_acceptance``: a booking that fits the
document may still be refused by the provider's free time, which JSON Schema cannot state.
So no server error, documented status codes, content types, headers and bodies, invalid
data refused, and so on. A fixed seed and example budget keep the run bounded on both
databases. It runs once more through the shipped gunicorn over loopback (SQLite only), so
that what gunicorn answers itself, before the app, is checked too. Failures are fixed in
the code or the document, never silenced here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from flask import Flask
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events, from_schema
from schemathesis.engine.run import PhaseName

from tests.e2e.servers import Server, gunicorn
from tests.e2e.support import booking
from tests.keys import app_key, bearer

EXAMPLES_PER_OPERATION = 20
#: Fewer through gunicorn, where each case is a round trip over a socket: the coverage
#: phase, which sends the cases the server refuses itself (the longest lists), runs whole.
EXAMPLES_THROUGH_GUNICORN = 10
STATEFUL_STEPS = 8
PHASES = (
    PhaseName.EXAMPLES,
    PhaseName.COVERAGE,
    PhaseName.FUZZING,
    PhaseName.STATEFUL_TESTING,
)


def config(key: str, examples: int = EXAMPLES_PER_OPERATION) -> SchemathesisConfig:
    """With an all-scope key: test_access_matrix.py tries every operation without one."""
    return SchemathesisConfig.from_dict(
        {
            "seed": 12,
            "headers": bearer(key),
            "checks": {"positive_data_acceptance": {"enabled": False}},
            "generation": {"max-examples": examples, "database": "none"},
            "phases": {"stateful": {"max-steps": STATEFUL_STEPS}},
        }
    )


@pytest.fixture
def booked(app: Flask, provider: dict[str, Any], customer: dict[str, Any]) -> None:
    """Ids 1 of each resource exist: a provider, a client and an appointment."""
    response = app.test_client().post(
        "/appointments", json=booking(customer["id"], provider["id"], "09:00", "09:30")
    )
    assert response.status_code == 201, response.get_json()


@pytest.mark.timeout(240)
def test_every_operation_answers_as_its_openapi_document_says(app: Flask, booked: None) -> None:
    _check(schemathesis.openapi.from_wsgi("/openapi.json", app, config=config(app_key(app))))


@pytest.fixture
def served(database_url: str, feed_path: Path) -> Iterator[Server]:
    """The shipped gunicorn on the test's database; two workers, as requests come one by one."""
    with gunicorn(database_url, feed_path, workers=2) as server:
        yield server


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.timeout(240)
def test_every_operation_answers_as_documented_through_the_shipped_gunicorn_too(
    booked: None, served: Server
) -> None:
    """What gunicorn answers itself (the 414 of a roster search naming 1,000 providers) is
    checked against the document like the app's answers."""
    url = f"{served.base}/openapi.json"
    _check(schemathesis.openapi.from_url(url, config=config(served.key, EXAMPLES_THROUGH_GUNICORN)))


def _check(api_schema: Any) -> None:
    # The engine, not the pytest plugin: that one does not yet run under pytest 9.
    run = _execute(api_schema)
    assert run.failures == [], "\n\n".join(run.failures[:5])
    assert run.errors == [], run.errors[:5]
    assert run.stop_reason == "completed"
    documented = {
        f"{method.upper()} {path}"
        for path, item in api_schema.raw_schema["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    }
    assert run.tested[PhaseName.FUZZING] == documented
    assert run.tested[PhaseName.COVERAGE] == documented
    assert all(run.scenarios[phase] for phase in PHASES), run.scenarios
    # Scenarios reach operations on ids that exist by following links; which ones varies
    # with the data earlier scenarios left (a random booking is rarely in free time).
    followed = {label for label in run.stateful_steps if "{" in label}
    assert len(followed) >= 5, followed


class _Run:
    """What the engine reported: failures and errors, and what each phase tested."""

    def __init__(self) -> None:
        self.failures: list[str] = []
        self.errors: list[str] = []
        self.scenarios: Counter[PhaseName] = Counter()
        self.tested: dict[PhaseName, set[str]] = {phase: set() for phase in PHASES}
        self.stateful_steps: set[str] = set()
        self.stop_reason = ""


def _execute(api_schema: Any) -> _Run:
    run = _Run()
    for event in from_schema(api_schema).execute():
        if isinstance(event, events.ScenarioFinished):
            _record(run, event)
        elif isinstance(event, events.NonFatalError):
            run.errors.append(f"{event.label}: {event.value!r}")
        elif isinstance(event, events.FatalError):
            run.errors.append(repr(event.exception))
        elif isinstance(event, events.EngineFinished):
            run.stop_reason = event.stop_reason.value
    return run


def _record(run: _Run, event: events.ScenarioFinished) -> None:
    if event.status is Status.SKIP:
        return
    run.scenarios[event.phase] += 1
    if event.label is not None and event.phase in run.tested:
        run.tested[event.phase].add(event.label)
    for node in event.recorder.cases.values():
        if event.phase is PhaseName.STATEFUL_TESTING:
            run.stateful_steps.add(node.value.operation.label)
    for checks in event.recorder.checks.values():
        for check in checks:
            if check.failure_info is not None:
                failure = check.failure_info.failure
                run.failures.append(f"{event.label} ({check.name}): {failure}")
