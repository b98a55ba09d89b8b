"""GET /health, GET /openapi.json and the offline Swagger UI at /docs."""

from __future__ import annotations

import re

import pytest

from domain.rules.limits import POLICY_BOUNDS
from tests.e2e.conftest import build_app
from tests.e2e.support import FixedClock


def test_health_is_ok_when_the_database_answers(http):
    response = http.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


@pytest.fixture(scope="module")
def docs_client(tmp_path_factory):
    """An app whose database is never touched: the spec and the docs need none."""
    path = tmp_path_factory.mktemp("spec") / "unused.sqlite3"
    return build_app(f"sqlite:///{path}", path.with_suffix(".json"), FixedClock()).test_client()


@pytest.fixture(scope="module")
def spec(docs_client):
    response = docs_client.get("/openapi.json")
    assert response.status_code == 200
    return response.get_json()


OPERATIONS = {
    ("/availabilities", "get"): {"200", "414", "422", "503"},
    ("/availabilities/search", "post"): {"200", "422", "503"},
    ("/availabilities/first", "get"): {"200", "414", "422", "503"},
    ("/availabilities/first/search", "post"): {"200", "422", "503"},
    ("/providers/{provider_id}/availabilities", "get"): {"200", "304", "404", "422", "503"},
    ("/appointments", "post"): {"201", "400", "409", "413", "415", "422", "503"},
    ("/appointments", "get"): {"200", "422", "503"},
    ("/appointments/{appointment_id}", "get"): {"200", "304", "404", "503"},
    ("/appointments/{appointment_id}", "patch"): {
        "200",
        "400",
        "404",
        "409",
        "412",
        "413",
        "415",
        "422",
        "503",
    },
    ("/appointments/{appointment_id}", "delete"): {"200", "400", "404", "413", "415", "422", "503"},
    ("/providers", "post"): {"201", "400", "413", "415", "422", "503"},
    ("/providers", "get"): {"200", "422", "503"},
    ("/providers/{provider_id}", "get"): {"200", "304", "404", "503"},
    ("/providers/{provider_id}", "patch"): {
        "200",
        "400",
        "404",
        "412",
        "413",
        "415",
        "422",
        "503",
    },
    ("/providers/{provider_id}/weekly-availability", "get"): {"200", "304", "404", "503"},
    ("/providers/{provider_id}/weekly-availability", "put"): {
        "200",
        "400",
        "404",
        "412",
        "413",
        "415",
        "422",
        "503",
    },
    ("/providers/{provider_id}/time-off", "post"): {
        "201",
        "400",
        "404",
        "413",
        "415",
        "422",
        "503",
    },
    ("/providers/{provider_id}/time-off", "get"): {"200", "404", "422", "503"},
    ("/providers/{provider_id}/time-off/{time_off_id}", "delete"): {"204", "404", "503"},
    ("/providers/{provider_id}/time-off/{time_off_id}", "get"): {"200", "404", "503"},
    ("/clients", "post"): {"201", "400", "409", "413", "415", "422", "503"},
    ("/clients", "get"): {"200", "422", "503"},
    ("/clients/{client_id}", "get"): {"200", "404", "503"},
    ("/providers/{provider_id}/availability-sync", "post"): {"200", "404", "502", "503"},
    ("/health", "get"): {"200", "503"},
    ("/health/live", "get"): {"200"},
    ("/timezones", "get"): {"200", "304", "503"},
}
# Webhooks (issue 10).
OPERATIONS |= {
    ("/webhooks", "get"): {"200", "422", "503"},
    ("/webhooks", "post"): {"201", "400", "413", "415", "422", "503"},
    ("/webhooks/{webhook_id}", "get"): {"200", "404", "503"},
    ("/webhooks/{webhook_id}", "patch"): {"200", "400", "404", "413", "415", "422", "503"},
    ("/webhooks/{webhook_id}", "delete"): {"204", "404", "503"},
    ("/webhooks/{webhook_id}/rotate-secret", "post"): {"200", "404", "503"},
    ("/webhooks/{webhook_id}/deliveries", "get"): {"200", "404", "422", "503"},
}
# API keys (issue 19).
OPERATIONS |= {
    ("/api-keys", "get"): {"200", "422", "503"},
    ("/api-keys", "post"): {"201", "400", "413", "415", "422", "503"},
    ("/api-keys/{api_key_id}", "get"): {"200", "404", "503"},
    ("/api-keys/{api_key_id}", "delete"): {"200", "404", "409", "503"},
    ("/audit-events", "get"): {"200", "422", "503"},
}
#: Operations without a key; every other one may answer these too (app/access/scopes.py):
#: no usable key, a missing scope, a rate limit spent.
PUBLIC = {("/health", "get"), ("/health/live", "get")}
BEHIND_A_KEY = {"401", "403", "429"}
#: Matching (issue 20): appointment types and the types a provider offers.
OPERATIONS |= {
    ("/appointment-types", "get"): {"200", "422", "503"},
    ("/appointment-types", "post"): {"201", "400", "413", "415", "422", "503"},
    ("/appointment-types/{type_id}", "get"): {"200", "404", "503"},
    ("/appointment-types/{type_id}", "patch"): {"200", "400", "404", "413", "415", "422", "503"},
    ("/providers/{provider_id}/appointment-types", "get"): {"200", "404", "503"},
    ("/providers/{provider_id}/appointment-types", "put"): {
        *("200", "400", "404", "413", "415", "422", "503"),
    },
}


def test_the_spec_documents_every_operation_and_its_status_codes(spec):
    assert spec["openapi"] == "3.0.3"
    documented = {
        (path, method): set(operation["responses"]) - {"default"}
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method != "parameters"
    }
    expected = {
        operation: codes if operation in PUBLIC else codes | BEHIND_A_KEY
        for operation, codes in OPERATIONS.items()
    }
    assert documented == expected
    for (path, method), _codes in OPERATIONS.items():
        assert spec["paths"][path][method]["summary"]


def resolve(spec, response):
    if "$ref" in response:
        return spec["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    return response


def test_every_error_response_is_documented_as_problem_details(spec):
    for item in spec["paths"].values():
        for method, operation in item.items():
            if method == "parameters":
                continue
            for code, response in operation["responses"].items():
                if code in ("204", "304"):
                    assert "content" not in resolve(spec, response)
                    continue
                content = resolve(spec, response)["content"]
                if code.startswith(("4", "5")) or code == "default":
                    assert list(content) == ["application/problem+json"], (method, code)
                    schema = content["application/problem+json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/Problem"}
                else:
                    assert list(content) == ["application/json"]
                    assert "example" in content["application/json"]


def test_the_spec_documents_the_idempotency_key_and_timestamps(spec):
    parameters = spec["paths"]["/appointments"]["post"]["parameters"]
    (key,) = [p for p in parameters if p["name"] == "Idempotency-Key"]
    assert key["in"] == "header" and key["schema"]["maxLength"] == 255
    booking = spec["components"]["schemas"]["Booking"]
    assert booking["properties"]["starts_at"]["format"] == "date-time"
    # provider_id or provider_ids: exactly one, which the schema's description says; client_id
    # may come from a client-bound key, ends_at from an appointment type (their descriptions).
    assert set(booking["required"]) == {"starts_at"}
    assert booking["properties"]["provider_ids"]["maxItems"] == 1000
    assert booking["additionalProperties"] is False


def test_the_spec_documents_the_policies_with_the_domains_bounds(spec):
    schemas = spec["components"]["schemas"]
    for name in ("Provider", "ProviderCreate", "ProviderPatch"):
        properties = schemas[name]["properties"]
        assert set(POLICY_BOUNDS) <= set(properties), name
        for policy in POLICY_BOUNDS:
            assert properties[policy]["description"], (name, policy)
    for policy, (low, high) in POLICY_BOUNDS.items():
        documented = schemas["ProviderPatch"]["properties"][policy]
        assert (documented["minimum"], documented["maximum"]) == (low, high)
    assert schemas["Provider"]["properties"]["horizon_days"]["nullable"] is True


def test_the_spec_documents_steps_cancellation_details_and_time_off(spec):
    listing = spec["paths"]["/providers/{provider_id}/availabilities"]["get"]
    (step,) = [p for p in listing["parameters"] if p.get("name") == "step"]
    assert (step["schema"]["minimum"], step["schema"]["maximum"]) == (5, 1440)
    assert "window's start" in step["description"]
    cancel = spec["paths"]["/appointments/{appointment_id}"]["delete"]
    assert {p["name"] for p in cancel["parameters"] if p["in"] == "query"} == {
        "reason",
        "canceled_by",
    }
    assert cancel["requestBody"]["required"] is False
    assert {"cancel_reason", "canceled_by"} <= set(
        spec["components"]["schemas"]["Appointment"]["properties"]
    )
    created = spec["components"]["schemas"]["TimeOffCreated"]
    assert "affected_appointments" in created["required"]
    assert spec["components"]["schemas"]["TimeOffCreate"]["properties"]["kind"]["enum"] == [
        "unavailable",
        "available",
    ]
    problem_types = spec["components"]["schemas"]["Problem"]["properties"]["type"]["description"]
    assert "/problems/cancellation-refused" in problem_types


def test_docs_load_swagger_ui_from_this_server_only(docs_client):
    page = docs_client.get("/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and all(a.startswith("/docs/assets/") for a in assets)
    assert "https://" not in html and "http://" not in html
    for asset in assets:
        response = docs_client.get(asset)
        assert response.status_code == 200 and len(response.data) > 1000
