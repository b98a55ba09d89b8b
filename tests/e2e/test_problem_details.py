"""One error shape everywhere: RFC 9457 problem details, for every class of error."""

from __future__ import annotations

import logging

import pytest

from tests.e2e.conftest import build_app
from tests.e2e.support import assert_problem


@pytest.mark.parametrize(
    "path",
    [
        "/nowhere",
        "/providers/abc",
        "/providers/1.5",
        "/providers/-1",
        "/providers/0",
        "/appointments/99999999999999999999",
        "/docs/assets/index.html",
    ],
)
def test_router_404s_are_problems(http, path):
    assert_problem(http.get(path), 404)


def test_a_wrong_method_is_a_405_with_allow(http):
    response = http.put("/appointments")
    assert_problem(response, 405)
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


def test_a_body_over_the_limit_is_a_413(http):
    response = http.post("/clients", data="x" * (64 * 1024 + 1), content_type="application/json")
    assert "65536" in assert_problem(response, 413)["detail"]


@pytest.mark.parametrize(
    "data",
    ['{"name": "Ada",', "[" * 60_000, '{"n": 1' + "0" * 5000 + "}", b'{"name": "\xff"}'],
    ids=["truncated", "deeply-nested", "huge-number", "not-utf8"],
)
def test_malformed_json_is_a_400(http, data):
    response = http.post("/clients", data=data, content_type="application/json")
    assert_problem(response, 400, "malformed-json")


def test_a_body_that_is_not_json_is_a_415(http):
    response = http.post(
        "/clients", data="name=Ada", content_type="application/x-www-form-urlencoded"
    )
    assert_problem(response, 415, "unsupported-media-type")


def test_validation_errors_list_messages_per_field(http):
    response = http.post("/clients", json={"email": "nope", "extra": 1})
    body = assert_problem(response, 422, "validation-error")
    assert set(body["errors"]) == {"name", "email", "extra"}
    assert body["errors"]["extra"] == ["Unknown field."]


def test_an_unexpected_exception_is_a_500_without_internals(database_url, feed_path, clock, caplog):
    app = build_app(database_url, feed_path, clock)

    def explode():
        raise RuntimeError("secret internals: password=hunter2")

    app.add_url_rule("/explode", view_func=explode)
    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/explode")
    body = assert_problem(response, 500)
    assert "hunter2" not in response.get_data(as_text=True)
    assert "Traceback" not in body["detail"]
    assert "hunter2" in caplog.text  # logged for the operator
