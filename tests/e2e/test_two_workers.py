"""Two gunicorn servers (two hosts' workers) on one database never serve a stale schedule.

Each worker caches windows and overrides under the provider's schedule version; a change made
through one server must be seen by the very next request on the other.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.e2e.load import booking, booking_day, instant, new_clients, open_providers
from tests.e2e.servers import Server, gunicorn
from tests.e2e.support import slot, write_feed


def free(server: Server, provider_id: int, day: Any) -> list[tuple[str, str]]:
    query = f"from={instant(day, -540)}&to={instant(day, 900)}"
    reply = server.call("GET", f"/providers/{provider_id}/availabilities?{query}")
    assert reply.status == 200, reply
    return [(w["starts_at"][11:16], w["ends_at"][11:16]) for w in reply.body["availabilities"]]


def test_changes_through_one_worker_are_seen_at_once_by_another(
    database_url: str, feed_path: Path, tmp_path: Path
) -> None:
    day = booking_day()
    with (
        gunicorn(database_url, feed_path, workers=1, log=tmp_path / "a.log") as first,
        gunicorn(database_url, feed_path, workers=1, log=tmp_path / "b.log") as second,
    ):
        (provider,) = open_providers(first, feed_path)
        assert free(second, provider, day) == [("08:00", "20:00")]  # cached by the second

        weekday = day.strftime("%A").lower()
        write_feed(feed_path, {provider: [slot(provider, "short", weekday, "10:00", "12:00")]})
        assert first.call("POST", f"/providers/{provider}/availability-sync").status == 200
        assert free(second, provider, day) == [("10:00", "12:00")]

        block = {"starts_at": instant(day, 60), "ends_at": instant(day, 90)}  # 10:00-10:30
        added = first.call("POST", f"/providers/{provider}/time-off", block)
        assert added.status == 201, added
        assert free(second, provider, day) == [("10:30", "12:00")]

        (client,) = new_clients(first, 1)
        booked = first.call(
            "POST", "/appointments", booking(client, provider, instant(day, 120), instant(day, 150))
        )
        assert booked.status == 201, booked
        assert free(second, provider, day) == [("10:30", "11:00"), ("11:30", "12:00")]

        removed = first.call("DELETE", f"/providers/{provider}/time-off/{added.body['id']}")
        assert removed.status == 204
        assert free(second, provider, day) == [("10:00", "11:00"), ("11:30", "12:00")]
