"""GET /timezones lists exactly the time zone names a provider may have."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.e2e.support import assert_problem, created

#: Names the host's zoneinfo files would open but the catalogue leaves out, and strays.
UNLISTED = ("localtime", "posixrules", "posix/Europe/Berlin", "right/UTC", "utc", "Mars/Base")
#: Among them, names that clash as Python identifiers (GMT0, GMT-0), once an enum's members.
COMMON = {"UTC", "Europe/Berlin", "America/New_York", "US/Eastern", "GMT0", "GMT-0"}


def zones(http: FlaskClient) -> list[str]:
    response = http.get("/timezones")
    assert response.status_code == 200 and response.mimetype == "application/json"
    listed: list[str] = response.get_json()["timezones"]
    return listed


def test_the_list_is_sorted_without_repeats_and_holds_the_common_names(http):
    listed = zones(http)
    assert listed == sorted(set(listed))
    assert set(listed) >= COMMON


def test_every_listed_name_is_accepted_as_a_providers_time_zone(http):
    for name in zones(http):
        assert created(http.post("/providers", json={"name": "Dr. Z", "timezone": name}))


def test_a_listed_name_is_accepted_by_a_patch_and_read_back(http):
    provider = created(http.post("/providers", json={"name": "Dr. Z"}))
    name = zones(http)[0]
    response = http.patch(f"/providers/{provider['id']}", json={"timezone": name})
    assert response.status_code == 200 and response.get_json()["timezone"] == name


@pytest.mark.parametrize("name", UNLISTED)
def test_an_unlisted_name_is_not_listed_and_is_refused_with_a_422_problem(
    http: FlaskClient, name: str
) -> None:
    assert name not in zones(http)
    response = http.post("/providers", json={"name": "Dr. Z", "timezone": name})
    body: dict[str, Any] = assert_problem(response, 422, "validation-error")
    assert list(body["errors"]) == ["timezone"]


def test_the_list_carries_an_etag_and_a_current_one_is_a_304_without_a_body(http):
    first = http.get("/timezones")
    assert first.headers["ETag"].startswith('"')
    again = http.get("/timezones", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == first.headers["ETag"]
