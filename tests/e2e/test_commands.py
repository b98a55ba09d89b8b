"""``flask seed`` and ``flask sync-availability``, through Flask's CLI runner."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from app.config import DEFAULT_FIXTURE_PATH
from tests.e2e.support import slot, write_feed


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=list(args))


@pytest.fixture
def repo_feed(feed_path: Path) -> Path:
    """The shipped demo feed (fixtures/calendly_slots.json), copied where the app reads it."""
    shutil.copyfile(DEFAULT_FIXTURE_PATH, feed_path)
    return feed_path


def test_seed_creates_providers_1_to_3_and_clients_once(cli, http):
    first = cli("seed")
    assert first.exit_code == 0, first.output
    providers = http.get("/providers").get_json()
    assert [p["id"] for p in providers] == [1, 2, 3]
    assert {p["timezone"] for p in providers} == {
        "America/New_York",
        "Europe/Berlin",
        "Australia/Sydney",
    }
    assert all(p["accepts_new_clients"] and p["email"] for p in providers)
    assert [c["id"] for c in http.get("/clients").get_json()] == [1, 2, 3]
    again = cli("seed")
    assert again.exit_code == 0 and "created" not in again.output
    assert len(http.get("/providers").get_json()) == 3
    assert len(http.get("/clients").get_json()) == 3


def test_seed_if_empty_does_nothing_when_a_provider_exists(cli, http):
    http.post("/providers", json={"name": "Dr. Existing"})
    result = cli("seed", "--if-empty")
    assert result.exit_code == 0 and "nothing seeded" in result.output
    assert len(http.get("/providers").get_json()) == 1
    assert http.get("/clients").get_json() == []


def test_sync_availability_syncs_every_feed_provider_then_reports_no_changes(cli, http, repo_feed):
    cli("seed")
    first = cli("sync-availability")
    assert first.exit_code == 0, first.output
    lines = [line for line in first.output.splitlines() if line.startswith("provider")]
    assert len(lines) == 3 and all("created 0" not in line for line in lines)
    second = cli("sync-availability")
    assert second.exit_code == 0
    assert second.output.count("created 0, updated 0, deleted 0") == 3
    one = cli("sync-availability", "--provider-id", "2")
    assert one.exit_code == 0 and one.output.startswith("provider 2: created 0")


def free_week(http, provider_id):
    query = {"from": "2026-12-07T00:00:00Z", "to": "2026-12-14T00:00:00Z"}
    return http.get(f"/providers/{provider_id}/availabilities", query_string=query).get_json()


def test_a_bad_feed_exits_non_zero_with_reasons_and_changes_nothing(cli, http, repo_feed):
    cli("seed")
    assert cli("sync-availability").exit_code == 0
    before = [free_week(http, pid) for pid in (1, 2, 3)]
    write_feed(
        repo_feed,
        {
            1: [slot(1, "fine", "monday", "08:00", "09:00")],
            3: [slot(3, "bad", "someday", "09:00", "10:00")],
        },
    )
    result = cli("sync-availability")
    assert result.exit_code == 1
    assert "someday" in result.stderr
    assert [free_week(http, pid) for pid in (1, 2, 3)] == before
    repo_feed.write_text("[oops")
    result = cli("sync-availability", "--provider-id", "1")
    assert result.exit_code == 1 and "invalid JSON" in result.stderr


def test_syncing_an_unknown_provider_exits_non_zero(cli, repo_feed):
    result = cli("sync-availability", "--provider-id", "99")
    assert result.exit_code == 1
    assert "provider 99 does not exist" in result.stderr


def test_a_provider_the_feed_no_longer_mentions_loses_its_windows(cli, http, repo_feed):
    cli("seed")
    assert cli("sync-availability").exit_code == 0
    assert free_week(http, 3)["availabilities"]
    write_feed(repo_feed, {1: [slot(1, "fine", "monday", "08:00", "09:00")], 4: []})
    result = cli("sync-availability")
    assert result.exit_code == 0, result.output
    assert "provider 4: in the feed but not in the database; skipped" in result.output
    assert re.search(r"provider 3: created 0, updated 0, deleted [1-9]", result.output)
    assert free_week(http, 3)["availabilities"] == []
