"""Providers and clients: create, read, list, and PATCH providers."""

from __future__ import annotations

import json

import pytest

from tests.e2e.support import assert_problem, created, new_client, new_provider


class TestProviders:
    def test_creating_a_provider_applies_the_defaults(self, http):
        response = http.post("/providers", json={"name": "Dr. Grace Hopper"})
        body = created(response)
        assert body == {
            "id": body["id"],
            "name": "Dr. Grace Hopper",
            "email": None,
            "timezone": "UTC",
            "accepts_new_clients": True,
            "buffer_before": 0,
            "buffer_after": 0,
            "min_notice_minutes": 0,
            "horizon_days": None,
            "min_cancel_notice_minutes": 0,
            "specialties": [],
            "languages": [],
            "modalities": [],
            "licensed_regions": [],
            "payers": [],
        }
        assert response.headers["Location"] == f"/providers/{body['id']}"
        assert http.get(response.headers["Location"]).get_json() == body

    @pytest.mark.parametrize(
        "payload",
        [
            {"name": "Dr. X", "timezone": "Mars/Olympus_Mons"},
            {"name": "Dr. X", "timezone": "../../etc/passwd"},
            {"name": "Dr. X", "timezone": "Europe/Berlin\u0000"},
            {"name": "Dr. X", "timezone": ""},
            {"name": ""},
            {"name": "Dr. \u0000"},
            {"name": "Dr. X", "accepts_new_clients": "yes"},
            {"name": "Dr. X", "email": "not-an-email"},
            {"name": "Dr. X", "specialty": "dentist"},
            {},
        ],
    )
    def test_invalid_providers_are_422(self, http, payload):
        body = assert_problem(http.post("/providers", json=payload), 422, "validation-error")
        assert set(body["errors"]) <= set(payload) | {"name"}

    def test_unicode_names_are_fine(self, http):
        assert new_provider(http, name="Dr. Zoë Ünal 山田")["name"] == "Dr. Zoë Ünal 山田"

    def test_patch_changes_only_the_fields_sent(self, http):
        provider = new_provider(http, email="grace@example.com")
        response = http.patch(
            f"/providers/{provider['id']}",
            json={"timezone": "Australia/Sydney", "email": None},
        )
        assert response.status_code == 200
        expected = provider | {"timezone": "Australia/Sydney", "email": None}
        assert response.get_json() == expected
        assert http.get(f"/providers/{provider['id']}").get_json() == expected

    def test_patch_refuses_bad_fields_and_unknown_providers(self, http):
        provider = new_provider(http)
        response = http.patch(f"/providers/{provider['id']}", json={"timezone": "Nowhere/Land"})
        assert_problem(response, 422, "validation-error")
        response = http.patch(f"/providers/{provider['id']}", json={"id": 7})
        assert_problem(response, 422, "validation-error")
        assert_problem(http.patch("/providers/999", json={"name": "X"}), 404, "not-found")

    def test_providers_are_listed_by_id_and_paginated(self, http):
        made = [new_provider(http, name=f"Dr. {n}") for n in "ABC"]
        response = http.get("/providers", query_string={"page_size": 2, "page": 2})
        assert response.status_code == 200
        assert response.get_json() == made[2:]
        assert json.loads(response.headers["X-Pagination"])["total"] == 3
        assert http.get("/providers").get_json() == made

    def test_an_unknown_provider_is_a_404(self, http):
        assert_problem(http.get("/providers/41"), 404, "not-found")


class TestClients:
    def test_registering_a_client_answers_201_and_its_location(self, http):
        response = http.post("/clients", json={"name": "Ada Lovelace", "email": "ada@example.com"})
        body = created(response)
        assert body == {"id": body["id"], "name": "Ada Lovelace", "email": "ada@example.com"}
        assert response.headers["Location"] == f"/clients/{body['id']}"
        assert http.get(f"/clients/{body['id']}").get_json() == body

    def test_a_duplicate_email_ignoring_case_is_a_409(self, http):
        new_client(http, "ada@example.com")
        response = http.post("/clients", json={"name": "Ada L.", "email": "ADA@Example.com"})
        assert_problem(response, 409, "conflict")

    @pytest.mark.parametrize(
        "payload",
        [
            {"name": "Ada"},
            {"email": "ada@example.com"},
            {"name": "Ada", "email": "ada"},
            {"name": "Ada", "email": "ada@example.com", "phone": "123"},
            {"name": "   ", "email": "ada@example.com"},
        ],
    )
    def test_invalid_clients_are_422(self, http, payload):
        assert_problem(http.post("/clients", json=payload), 422, "validation-error")

    def test_clients_are_listed_and_paginated(self, http):
        made = [new_client(http, f"c{n}@example.com") for n in range(3)]
        response = http.get("/clients", query_string={"page_size": 2})
        assert response.get_json() == made[:2]
        assert json.loads(response.headers["X-Pagination"])["total_pages"] == 2
        assert_problem(http.get("/clients", query_string={"limit": 5}), 422, "validation-error")

    def test_an_unknown_client_is_a_404(self, http):
        assert_problem(http.get("/clients/41"), 404, "not-found")
