"""Appointment types over HTTP: create, read, list, change and archive; the types a provider
offers."""

from __future__ import annotations

from tests.e2e.support import assert_problem, created

INTAKE = {"name": "Video intake", "durations": [60, 90], "modality": "video", "clients": "new"}


def test_a_created_type_is_read_back_with_its_default_length_and_policies(http):
    response = http.post("/appointment-types", json=INTAKE)
    body = created(response)
    assert body == {
        "id": body["id"],
        "name": "Video intake",
        "duration": 60,
        "durations": [60, 90],
        "modality": "video",
        "clients": "new",
        "buffer_before": None,
        "buffer_after": None,
        "min_notice_minutes": None,
        "archived": False,
    }
    assert http.get(response.headers["Location"]).get_json() == body
    assert http.get("/appointment-types").get_json() == [body]


def test_a_single_duration_is_the_only_length_and_clients_default_to_any(http):
    body = created(
        http.post("/appointment-types", json={"name": "Call", "duration": 30, "modality": "phone"})
    )
    assert (body["duration"], body["durations"], body["clients"]) == (30, [30], "any")


def test_a_type_needs_exactly_one_of_duration_and_durations_each_different(http):
    for payload in (
        {"name": "X", "modality": "video"},
        {"name": "X", "modality": "video", "duration": 30, "durations": [30]},
        {"name": "X", "modality": "video", "durations": [30, 30]},
        {"name": "X", "modality": "video", "durations": []},
        {"name": "X", "modality": "fax", "duration": 30},
        {"name": "X", "modality": "video", "duration": 3},
        {"name": "X", "modality": "video", "duration": 30, "clients": "vip"},
        {"name": "X", "modality": "video", "duration": 30, "color": "red"},
    ):
        assert_problem(http.post("/appointment-types", json=payload), 422, "validation-error")
    assert http.get("/appointment-types").get_json() == []


def test_a_patch_changes_the_fields_it_names_and_archives(http):
    made = created(http.post("/appointment-types", json=INTAKE))
    response = http.patch(
        f"/appointment-types/{made['id']}", json={"buffer_after": 15, "archived": True}
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {**made, "buffer_after": 15, "archived": True}
    assert_problem(http.patch("/appointment-types/99", json={"archived": True}), 404, "not-found")
    assert_problem(http.get("/appointment-types/99"), 404, "not-found")


def test_a_provider_offers_the_types_put_and_no_archived_one_anew(http):
    provider = created(http.post("/providers", json={"name": "Dr. Ruiz"}))
    intake = created(http.post("/appointment-types", json=INTAKE))
    call = created(http.post("/appointment-types", json={**INTAKE, "name": "Call"}))
    url = f"/providers/{provider['id']}/appointment-types"
    assert http.get(url).get_json() == {"provider_id": provider["id"], "appointment_type_ids": []}
    ids = [call["id"], intake["id"], call["id"]]
    response = http.put(url, json={"appointment_type_ids": ids})
    assert response.status_code == 200, response.get_json()
    offered = {"provider_id": provider["id"], "appointment_type_ids": [intake["id"], call["id"]]}
    assert response.get_json() == offered
    http.patch(f"/appointment-types/{call['id']}", json={"archived": True})
    assert http.put(url, json={"appointment_type_ids": ids}).status_code == 200  # kept
    other = created(http.post("/providers", json={"name": "Dr. Bo"}))
    refused = http.put(
        f"/providers/{other['id']}/appointment-types", json={"appointment_type_ids": ids}
    )
    assert_problem(refused, 422, "unknown-reference")
    assert_problem(http.put(url, json={"appointment_type_ids": [999]}), 422, "unknown-reference")
    assert http.get(url).get_json() == offered
    assert_problem(http.get("/providers/999/appointment-types"), 404, "not-found")
