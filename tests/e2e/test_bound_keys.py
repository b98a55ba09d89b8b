"""Keys bound to one provider or one client reach only that one's objects; others are 404s.

The practice: providers P (the bound one) and Q, clients C and D with appointments C-P,
D-P and D-Q, and client E with none. Every operation that takes an id or lists is tried.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from domain.access import PRACTICE_WIDE, SCOPES
from tests.e2e.support import (
    MONDAY,
    assert_problem,
    at,
    book,
    new_client,
    new_provider,
    working_week,
    write_feed,
)

BOUNDABLE = [s for s in SCOPES if s not in PRACTICE_WIDE]


@pytest.fixture
def practice(http: FlaskClient, feed_path: Path) -> dict[str, Any]:
    p, q = new_provider(http, name="P"), new_provider(http, name="Q")
    write_feed(feed_path, {p["id"]: working_week(p["id"]), q["id"]: working_week(q["id"])})
    for provider in (p, q):
        assert http.post(f"/providers/{provider['id']}/availability-sync").status_code == 200
    c, d, e = (new_client(http, f"{name}@example.com") for name in "cde")
    return {
        "P": p["id"],
        "Q": q["id"],
        "C": c["id"],
        "D": d["id"],
        "E": e["id"],
        "CP": book(http, c["id"], p["id"], "09:00", "09:30")["id"],
        "DP": book(http, d["id"], p["id"], "10:00", "10:30")["id"],
        "DQ": book(http, d["id"], q["id"], "11:00", "11:30")["id"],
        "off_Q": http.post(
            f"/providers/{q['id']}/time-off",
            json={"starts_at": at(MONDAY, "13:00"), "ends_at": at(MONDAY, "14:00")},
        ).get_json()["id"],
    }


def keyed_client(app: Flask, **binding: int) -> FlaskClient:
    from app.api.api_keys import issue

    with app.app_context():
        secret = issue("bound", BOUNDABLE, **binding)[1]
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


SPAN = {"starts_at": at(MONDAY, "15:00"), "ends_at": at(MONDAY, "15:30")}


def valid_body(method: str, path: str) -> dict[str, Any] | None:
    """A body the operation accepts, so that only reach decides the answer."""
    if method in {"GET", "DELETE"} or path.endswith("availability-sync"):
        return None
    if path.endswith("weekly-availability"):
        return {"windows": []}
    if path.endswith("appointment-types"):
        return {"appointment_type_ids": []}
    if path.startswith("/providers/") and method == "PATCH":
        return {"name": "x"}
    return SPAN


def ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return {item["id"] for item in response.get_json()}


DAY = {"from": at(MONDAY, "00:00"), "to": at(MONDAY, "23:00"), "duration": 30}


def test_a_provider_bound_key_sees_and_changes_only_its_provider(
    app: Flask, practice: dict[str, Any]
) -> None:
    mine = keyed_client(app, provider_id=practice["P"])
    q = practice["Q"]
    for method, path in [
        ("GET", f"/providers/{q}"),
        ("PATCH", f"/providers/{q}"),
        ("GET", f"/providers/{q}/weekly-availability"),
        ("PUT", f"/providers/{q}/weekly-availability"),
        ("GET", f"/providers/{q}/availabilities?from={DAY['from']}&to={DAY['to']}"),
        ("GET", f"/providers/{q}/time-off"),
        ("POST", f"/providers/{q}/time-off"),
        ("GET", f"/providers/{q}/time-off/{practice['off_Q']}"),
        ("DELETE", f"/providers/{q}/time-off/{practice['off_Q']}"),
        ("POST", f"/providers/{q}/availability-sync"),
        ("GET", f"/providers/{q}/appointment-types"),
        ("PUT", f"/providers/{q}/appointment-types"),
        ("GET", f"/appointments/{practice['DQ']}"),
        ("PATCH", f"/appointments/{practice['DQ']}"),
        ("DELETE", f"/appointments/{practice['DQ']}"),
        ("GET", f"/clients/{practice['E']}"),
    ]:
        assert_problem(
            mine.open(path, method=method, json=valid_body(method, path)), 404, "not-found"
        )
    assert ids(mine.get("/providers")) == {practice["P"]}
    assert ids(mine.get("/appointments")) == {practice["CP"], practice["DP"]}
    assert ids(mine.get(f"/appointments?provider_id={q}")) == set()
    assert ids(mine.get("/clients")) == {practice["C"], practice["D"]}
    assert mine.get(f"/clients/{practice['D']}").status_code == 200
    assert mine.get(f"/appointments/{practice['DP']}").status_code == 200
    assert mine.get(f"/providers/{practice['P']}/weekly-availability").status_code == 200


def test_a_provider_bound_key_searches_and_books_only_its_provider(
    app: Flask, practice: dict[str, Any]
) -> None:
    mine = keyed_client(app, provider_id=practice["P"])
    for path in ("/availabilities", "/availabilities/first"):
        found = mine.get(path, query_string=DAY).get_json()["slots"]
        assert found and all(_providers(slot) == {practice["P"]} for slot in found)
        asked = mine.get(path, query_string={**DAY, "provider_id": practice["Q"]})
        assert_problem(asked, 422, "unknown-reference")
    elsewhere = {"client_id": practice["C"], "starts_at": at(MONDAY, "14:00")}
    elsewhere |= {"ends_at": at(MONDAY, "14:30"), "provider_id": practice["Q"]}
    assert_problem(mine.post("/appointments", json=elsewhere), 422, "unknown-reference")
    pool = {k: v for k, v in elsewhere.items() if k != "provider_id"}
    pool["provider_ids"] = [practice["P"], practice["Q"]]
    assert_problem(mine.post("/appointments", json=pool), 422, "unknown-reference")
    here = {**elsewhere, "provider_id": practice["P"]}
    assert mine.post("/appointments", json=here).status_code == 201
    assert_problem(mine.post("/providers", json={"name": "New"}), 403, "forbidden")
    intake = {"name": "Intake", "duration": 60, "modality": "video"}
    assert_problem(mine.post("/appointment-types", json=intake), 403, "forbidden")
    new = {"name": "Eve", "email": "eve@example.com"}
    assert_problem(mine.post("/clients", json=new), 403, "forbidden")


def test_a_client_bound_key_reads_providers_but_only_its_own_appointments(
    app: Flask, practice: dict[str, Any]
) -> None:
    mine = keyed_client(app, client_id=practice["C"])
    p, q = practice["P"], practice["Q"]
    assert mine.get(f"/providers/{q}").status_code == 200
    assert mine.get(f"/providers/{q}/availabilities", query_string=DAY).status_code == 200
    assert ids(mine.get("/providers")) == {p, q}
    for method, path in [
        ("GET", f"/appointments/{practice['DP']}"),
        ("PATCH", f"/appointments/{practice['DP']}"),
        ("DELETE", f"/appointments/{practice['DP']}"),
        ("GET", f"/clients/{practice['D']}"),
        ("PATCH", f"/providers/{p}"),
        ("PUT", f"/providers/{p}/weekly-availability"),
        ("PUT", f"/providers/{p}/appointment-types"),
        ("GET", f"/providers/{p}/time-off"),
        ("POST", f"/providers/{p}/availability-sync"),
    ]:
        assert_problem(
            mine.open(path, method=method, json=valid_body(method, path)), 404, "not-found"
        )
    assert ids(mine.get("/appointments")) == {practice["CP"]}
    assert ids(mine.get(f"/appointments?client_id={practice['D']}")) == set()
    assert ids(mine.get("/clients")) == {practice["C"]}


def test_a_client_bound_key_books_as_its_client_only(app: Flask, practice: dict[str, Any]) -> None:
    mine = keyed_client(app, client_id=practice["C"])
    slot = {"provider_id": practice["Q"], "starts_at": at(MONDAY, "15:00")}
    slot["ends_at"] = at(MONDAY, "15:30")
    booked = mine.post("/appointments", json=slot)
    assert booked.status_code == 201 and booked.get_json()["client_id"] == practice["C"]
    as_other = {**slot, "client_id": practice["D"], "starts_at": at(MONDAY, "16:00")}
    as_other["ends_at"] = at(MONDAY, "16:30")
    assert_problem(mine.post("/appointments", json=as_other), 422, "unknown-reference")
    moved = mine.patch(
        f"/appointments/{practice['CP']}",
        json={"starts_at": at(MONDAY, "16:00"), "ends_at": at(MONDAY, "16:30")},
    )
    assert moved.status_code == 200
    assert mine.delete(f"/appointments/{practice['CP']}").status_code == 200


def test_an_unbound_key_must_name_the_client_it_books_for(
    http: FlaskClient, practice: dict[str, Any]
) -> None:
    slot = {"provider_id": practice["P"], "starts_at": at(MONDAY, "15:00")}
    slot["ends_at"] = at(MONDAY, "15:30")
    body = assert_problem(http.post("/appointments", json=slot), 422, "validation-error")
    assert "client_id" in body["errors"]


@pytest.mark.parametrize("scope", sorted(PRACTICE_WIDE))
def test_a_bound_key_cannot_hold_a_practice_wide_scope(
    http: FlaskClient, practice: dict[str, Any], scope: str
) -> None:
    asked = {"name": "x", "scopes": [scope], "provider_id": practice["P"]}
    assert_problem(http.post("/api-keys", json=asked), 422, "invalid-request")


def _providers(slot: dict[str, Any]) -> set[int]:
    return set(slot.get("provider_ids") or [slot["provider_id"]])
