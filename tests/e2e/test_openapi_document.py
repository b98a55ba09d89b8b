"""The OpenAPI document is exact: names, links, required bodies, patterns and headers.

These are the rules every operation follows, new ones included (README, "Operations");
schemathesis (test_schemathesis.py) checks the answers against the document.
"""

from __future__ import annotations

import json
import re
from typing import Any

import jsonschema_rs  # installed with schemathesis
import pytest
from marshmallow import ValidationError

from app.api.fields import PLAIN_TEXT_PATTERN, TIMESTAMP_PATTERN, UtcDateTime
from tests.e2e.conftest import build_app
from tests.e2e.support import PROBLEM, FixedClock

METHODS = ("get", "post", "put", "patch", "delete")
#: The names clients are generated with: changing one breaks them.
OPERATION_IDS = {
    ("get", "/providers/{provider_id}/availabilities"): "listFreeWindows",
    ("post", "/appointments"): "bookAppointment",
    ("get", "/appointments"): "listAppointments",
    ("get", "/appointments/{appointment_id}"): "getAppointment",
    ("patch", "/appointments/{appointment_id}"): "rescheduleAppointment",
    ("delete", "/appointments/{appointment_id}"): "cancelAppointment",
    ("get", "/providers"): "listProviders",
    ("post", "/providers"): "createProvider",
    ("get", "/providers/{provider_id}"): "getProvider",
    ("patch", "/providers/{provider_id}"): "updateProvider",
    ("get", "/clients"): "listClients",
    ("post", "/clients"): "createClient",
    ("get", "/clients/{client_id}"): "getClient",
    ("post", "/providers/{provider_id}/availability-sync"): "syncAvailability",
    ("get", "/providers/{provider_id}/time-off"): "listTimeOff",
    ("post", "/providers/{provider_id}/time-off"): "addTimeOff",
    ("get", "/providers/{provider_id}/time-off/{time_off_id}"): "getTimeOff",
    ("delete", "/providers/{provider_id}/time-off/{time_off_id}"): "deleteTimeOff",
    ("get", "/health"): "checkHealth",
    ("get", "/health/live"): "checkLiveness",
    ("post", "/webhooks"): "createWebhook",
    ("get", "/webhooks"): "listWebhooks",
    ("get", "/webhooks/{webhook_id}"): "getWebhook",
    ("patch", "/webhooks/{webhook_id}"): "updateWebhook",
    ("delete", "/webhooks/{webhook_id}"): "deleteWebhook",
    ("post", "/webhooks/{webhook_id}/rotate-secret"): "rotateWebhookSecret",
    ("get", "/webhooks/{webhook_id}/deliveries"): "listWebhookDeliveries",
    ("get", "/providers/{provider_id}/weekly-availability"): "getWeeklyAvailability",
    ("put", "/providers/{provider_id}/weekly-availability"): "replaceWeeklyAvailability",
    ("get", "/availabilities"): "searchFreeSlots",
    ("post", "/availabilities/search"): "searchFreeSlotsByBody",
    ("get", "/availabilities/first"): "findFirstFreeSlots",
    ("post", "/availabilities/first/search"): "findFirstFreeSlotsByBody",
    ("get", "/timezones"): "listTimeZones",
}
#: Bodies a client may leave out; every other one is required and enforced.
OPTIONAL_BODIES = {("delete", "/appointments/{appointment_id}")}


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    path = tmp_path_factory.mktemp("spec") / "unused.sqlite3"
    client = build_app(f"sqlite:///{path}", path.with_suffix(".json"), FixedClock()).test_client()
    response = client.get("/openapi.json")
    assert response.status_code == 200
    return dict(response.get_json())


def _operations(spec: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method, path): operation
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    }


def _path_parameters(spec: dict[str, Any], path: str, method: str) -> set[str]:
    item = spec["paths"][path]
    parameters = item.get("parameters", []) + item[method].get("parameters", [])
    resolved = [_resolve(spec, p) for p in parameters]
    return {p["name"] for p in resolved if p["in"] == "path"}


def _resolve(spec: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    """``item``, or the component its ``$ref`` names."""
    if "$ref" not in item:
        return item
    _, _, kind, name = item["$ref"].split("/")
    return dict(spec["components"][kind][name])


def test_every_operation_has_a_unique_readable_operation_id(spec):
    names = {key: operation.get("operationId") for key, operation in _operations(spec).items()}
    assert all(name and re.fullmatch(r"[a-z]+(?:[A-Z][a-z]+)+", name) for name in names.values())
    assert len(set(names.values())) == len(names)
    assert {key: names[key] for key in OPERATION_IDS} == OPERATION_IDS


def test_creating_operations_link_to_the_operations_that_take_the_new_id(spec):
    operations = _operations(spec)

    def targets(method: str, path: str) -> set[str]:
        return set(operations[(method, path)]["responses"]["201"]["links"])

    assert targets("post", "/appointments") >= {
        "getAppointment",
        "rescheduleAppointment",
        "cancelAppointment",
    }
    assert targets("post", "/clients") >= {"getClient"}
    assert targets("post", "/providers") >= {
        "getProvider",
        "updateProvider",
        "listFreeWindows",
        "listTimeOff",
        "addTimeOff",
        "syncAvailability",
        "getWeeklyAvailability",
        "replaceWeeklyAvailability",
    }
    assert targets("post", "/providers/{provider_id}/time-off") >= {"getTimeOff", "deleteTimeOff"}
    assert targets("post", "/webhooks") >= {
        "getWebhook",
        "updateWebhook",
        "deleteWebhook",
        "rotateWebhookSecret",
        "listWebhookDeliveries",
    }


def test_every_link_fills_exactly_its_targets_path_parameters_from_the_body(spec):
    operations = _operations(spec)
    by_id = {operation["operationId"]: key for key, operation in operations.items()}
    for operation in operations.values():
        for status, response in operation["responses"].items():
            for name, link in response.get("links", {}).items():
                method, path = by_id[link["operationId"]]
                assert set(link["parameters"]) == _path_parameters(spec, path, method), name
                schema = response["content"]["application/json"]["schema"]
                properties = _schema(spec, schema)["properties"]
                for expression in link["parameters"].values():
                    field = expression.removeprefix("$response.body#/")
                    assert field in properties, f"{operation['operationId']} {status} {name}"


def _schema(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    return _resolve(spec, schema)


def test_every_body_is_required_unless_listed_as_optional(spec):
    bodies = {
        key: operation["requestBody"].get("required", False)
        for key, operation in _operations(spec).items()
        if "requestBody" in operation
    }
    assert {key for key, required in bodies.items() if not required} == OPTIONAL_BODIES


def test_a_missing_required_body_is_a_422_problem_naming_the_body(spec, http):
    for (method, path), operation in _operations(spec).items():
        if not operation.get("requestBody", {}).get("required"):
            continue
        url = re.sub(r"\{[a-z_]+\}", "1", path)
        response = http.open(url, method=method.upper())
        assert response.status_code == 422, (method, path)
        assert response.mimetype == PROBLEM
        assert response.get_json()["errors"] == {"body": ["A JSON body is required."]}


def test_an_empty_patch_body_is_no_change_not_a_missing_body(http):
    created = http.post("/providers", json={"name": "Dr. Same"}).get_json()
    response = http.patch(f"/providers/{created['id']}", json={})
    assert response.status_code == 200 and response.get_json() == created


def test_the_pagination_header_is_documented_as_the_json_it_is(spec, http):
    header = spec["components"]["headers"]["PAGINATION"]
    assert "schema" not in header
    schema = header["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/PaginationMetadata"}
    http.post("/clients", json={"name": "Ada", "email": "ada@example.com"})
    sent = http.get("/clients?page_size=1").headers["X-Pagination"]
    assert sent.startswith('{"total": 1, ')  # bytes unchanged for existing clients
    jsonschema_rs.validate(_schema(spec, schema), json.loads(sent))


def _properties(spec: dict[str, Any]) -> list[dict[str, Any]]:
    found = [
        prop
        for schema in spec["components"]["schemas"].values()
        for prop in schema.get("properties", {}).values()
    ]
    found += [
        _resolve(spec, p)["schema"]
        for operation in _operations(spec).values()
        for p in operation.get("parameters", [])
    ]
    return found


def test_every_timestamp_is_documented_with_the_pattern_the_code_reads(spec):
    stamps = [prop for prop in _properties(spec) if prop.get("format") == "date-time"]
    assert stamps and all(prop["pattern"] == TIMESTAMP_PATTERN for prop in stamps)


SAMPLES = (
    "2026-11-30T09:00:00Z",
    "2026-11-30t09:00:00z",
    "2026-11-30T09:00:00.123456789Z",
    "2026-12-01T08:59:00+23:59",
    "1970-01-01T00:00:00Z",
    "2026-11-30T09:00:00",
    "2026-11-30 09:00:00Z",
    "2026-11-30T09:00:00+24:00",
    "2026-11-30T23:59:60Z",
    "2026-13-01T09:00:00Z",
    "1969-12-31T23:59:59Z",
    "2026-11-30T09:00Z",
    "2026-11-30T09:00:00+0100",
)


@pytest.mark.parametrize("stamp", SAMPLES)
def test_the_timestamp_pattern_accepts_exactly_what_the_api_reads(stamp):
    validator = jsonschema_rs.validator_for(
        {"type": "string", "format": "date-time", "pattern": TIMESTAMP_PATTERN},
        validate_formats=True,
    )
    try:
        UtcDateTime().deserialize(stamp)
        accepted = True
    except ValidationError:
        accepted = False
    assert validator.is_valid(stamp) == accepted


def test_text_fields_are_documented_with_the_plain_text_pattern(spec):
    for name in ("ProviderCreate", "ProviderPatch", "ClientCreate", "TimeOffCreate"):
        properties = spec["components"]["schemas"][name]["properties"]
        texts = [p for key, p in properties.items() if key in ("name", "reason")]
        assert texts and all(p["pattern"] == PLAIN_TEXT_PATTERN for p in texts), name


def test_time_zones_are_plain_strings_whose_description_points_to_the_list(spec):
    for name in ("ProviderCreate", "ProviderPatch"):
        zone = spec["components"]["schemas"][name]["properties"]["timezone"]
        assert zone["type"] == "string" and "enum" not in zone, name
        assert "`GET /timezones`" in zone["description"], name
