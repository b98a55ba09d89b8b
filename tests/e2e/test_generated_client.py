"""A Python client generated from /openapi.json by openapi-python-client works against gunicorn.

The client is generated with the generator's default settings, as a new user would, offline
into the test's temporary directory (never committed) and imported from there, then used as a
front end would: pick a time zone, register a client, read free slots, book, meet a 409
problem, list with pagination and cancel.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import jsonschema_rs  # installed with schemathesis
import pytest

from tests.e2e.servers import Server, gunicorn
from tests.e2e.support import working_week, write_feed

BIN = Path(sys.executable).parent
GENERATOR = BIN / "openapi-python-client"
#: The project the generator writes (its default "poetry" meta) and the package inside,
#: named after the document's title.
PROJECT = "client"
PACKAGE = "scheduling_api_client"


@pytest.fixture
def server(database_url: str, feed_path: Path) -> Iterator[Server]:
    with gunicorn(database_url, feed_path, workers=2) as running:
        yield running


@pytest.fixture
def generated(server: Server, tmp_path: Path) -> Iterator[ModuleType]:
    """The generated package, importable for this test only.

    No configuration and no options but the paths: its default post hooks run ruff, found on
    PATH (a dev extra, as the generator is). Any warning, e.g. a schema skipped, fails.
    """
    spec_path = tmp_path / "openapi.json"
    spec_path.write_text(json.dumps(server.call("GET", "/openapi.json").body))
    command = [
        str(GENERATOR),
        "generate",
        f"--path={spec_path}",
        f"--output-path={tmp_path / PROJECT}",
    ]
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=120, check=False, env=env
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0 and "warning" not in output.lower(), output
    sys.path.insert(0, str(tmp_path / PROJECT))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path / PROJECT))
        for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
            del sys.modules[name]


def _operation(tag: str, operation: str) -> Any:
    """The generated module of one operation, named after its operationId."""
    return importlib.import_module(f"{PACKAGE}.api.{tag}.{operation}")


def test_a_generated_client_picks_a_zone_registers_books_meets_a_conflict_lists_and_cancels(
    generated: ModuleType, server: Server
) -> None:
    models = importlib.import_module(f"{PACKAGE}.models")
    api = generated.AuthenticatedClient(
        base_url=server.base, token=server.key, raise_on_unexpected_status=True
    )

    zones = _operation("timezones", "list_time_zones").sync(client=api)
    assert isinstance(zones, models.TimeZones) and "Europe/Berlin" in zones.timezones
    provider = _operation("providers", "create_provider").sync(
        client=api, body=models.ProviderCreate(name="Dr. Generated", timezone="UTC")
    )
    assert isinstance(provider, models.Provider) and provider.timezone in zones.timezones
    write_feed(server.feed, {provider.id: working_week(provider.id)})
    sync = _operation("availability_sync", "sync_availability")
    report = sync.sync(provider.id, client=api)
    assert report.created > 0
    ada = _operation("clients", "create_client").sync(
        client=api, body=models.ClientCreate(name="Ada Lovelace", email="ada@example.com")
    )
    grace = _operation("clients", "create_client").sync(
        client=api, body=models.ClientCreate(name="Grace Hopper", email="grace@example.com")
    )
    assert isinstance(ada, models.Client) and isinstance(grace, models.Client)

    now = datetime.now(UTC)
    free = _operation("availabilities", "list_free_windows").sync(
        provider.id, client=api, from_=now, to=now + timedelta(days=8), duration=30
    )
    assert isinstance(free, models.Availability) and len(free.availabilities) >= 2
    first, second = free.availabilities[:2]

    def book(who: Any, slot: Any) -> Any:
        body = models.Booking(
            client_id=who.id,
            provider_id=provider.id,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
        )
        return _operation("appointments", "book_appointment").sync_detailed(client=api, body=body)

    booked = book(ada, first)
    assert booked.status_code == 201
    assert booked.parsed.status is models.AppointmentStatus.SCHEDULED
    assert booked.headers["location"] == f"/appointments/{booked.parsed.id}"
    taken = book(grace, first)
    assert taken.status_code == 409 and isinstance(taken.parsed, models.Problem)
    assert taken.parsed.type_.endswith("/conflict") and taken.parsed.status == 409
    assert book(grace, second).status_code == 201

    page = _operation("appointments", "list_appointments").sync_detailed(
        client=api, provider_id=provider.id, page=2, page_size=1
    )
    assert page.status_code == 200 and [a.client_id for a in page.parsed] == [grace.id]
    pagination = json.loads(page.headers["x-pagination"])
    assert pagination == {
        "total": 2,
        "total_pages": 2,
        "first_page": 1,
        "last_page": 2,
        "page": 2,
        "previous_page": 1,
    }
    spec = server.call("GET", "/openapi.json").body
    jsonschema_rs.validate(spec["components"]["schemas"]["PaginationMetadata"], pagination)

    canceled = _operation("appointments", "cancel_appointment").sync(
        booked.parsed.id, client=api, canceled_by=models.CancelAppointmentCanceledBy.CLIENT
    )
    assert isinstance(canceled, models.Appointment)
    assert canceled.status is models.AppointmentStatus.CANCELED
    assert canceled.canceled_by is models.AppointmentCanceledByType1.CLIENT
    again = _operation("appointments", "get_appointment").sync(booked.parsed.id, client=api)
    assert again.status is models.AppointmentStatus.CANCELED and again.canceled_at is not None

    trail = _operation("audit_events", "list_audit_events").sync(
        client=api, resource=models.ListAuditEventsResource.APPOINTMENT, page_size=100
    )
    assert [event.operation_id for event in trail][:2] == ["getAppointment", "cancelAppointment"]
    assert trail[0].resource_ids == [booked.parsed.id] and trail[0].key_id is not None
