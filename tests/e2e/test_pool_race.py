"""Pool bookings racing through real gunicorn (4 workers), on SQLite and PostgreSQL: a pool
of five equally free providers takes exactly five of twenty clients, one each; and a roster
search naming hundreds of providers fits in gunicorn's request line."""

from __future__ import annotations

from collections import Counter
from functools import partial

from tests.e2e.load import (
    all_at_once,
    appointment_rows,
    attempt,
    booking_day,
    instant,
    new_clients,
    open_providers,
    overlapping_scheduled,
    sql,
)
from tests.e2e.support import PROBLEM

POOL, CLIENTS = 5, 20


def test_twenty_clients_racing_for_one_slot_of_a_pool_of_five_get_five_201s(live, database_url):
    pool = open_providers(live, live.feed, POOL)
    day = booking_day()
    start, end = instant(day, 0), instant(day, 30)
    bodies = [
        {"client_id": client, "provider_ids": pool, "starts_at": start, "ends_at": end}
        for client in new_clients(live, CLIENTS)
    ]
    outcomes = all_at_once([partial(attempt, live, "POST", "/appointments", b) for b in bodies])

    statuses = Counter(outcome.status for outcome in outcomes)
    assert statuses == {201: POOL, 409: CLIENTS - POOL}, statuses
    winners = [o.reply.body for o in outcomes if o.reply is not None and o.status == 201]
    assert sorted(w["provider_id"] for w in winners) == sorted(pool)
    for outcome in outcomes:
        if outcome.status == 409:
            assert outcome.reply is not None and outcome.reply.content_type == PROBLEM
            assert outcome.reply.body["type"].endswith("/problems/conflict")
    with sql(database_url) as engine:
        assert overlapping_scheduled(engine, "provider_id") == []
        assert overlapping_scheduled(engine, "client_id") == []
        rows = appointment_rows(engine)
    assert sorted(row.id for row in rows) == sorted(w["id"] for w in winners)
    assert sorted(row.provider_id for row in rows) == sorted(pool)


def test_overlapping_pools_booked_at_once_neither_deadlock_nor_double_book(live, database_url):
    providers = open_providers(live, live.feed, 4)
    day = booking_day()
    pools = [providers[:3], providers[1:], providers[::-1], providers[2:] + providers[:1]]
    clients = new_clients(live, 16)
    bodies = [
        {
            "client_id": client,
            "provider_ids": pools[n % len(pools)],
            "starts_at": instant(day, 15 * (n % 3)),
            "ends_at": instant(day, 15 * (n % 3) + 30),
        }
        for n, client in enumerate(clients)
    ]
    outcomes = all_at_once([partial(attempt, live, "POST", "/appointments", b) for b in bodies])
    statuses = Counter(outcome.status for outcome in outcomes)
    assert set(statuses) <= {201, 409} and statuses[201] >= len(providers), statuses
    with sql(database_url) as engine:
        assert overlapping_scheduled(engine, "provider_id") == []
        assert len(appointment_rows(engine)) == statuses[201]


def test_a_search_naming_four_hundred_providers_passes_gunicorns_request_line_limit(live):
    (provider,) = open_providers(live, live.feed, 1)
    day = booking_day()
    named = "".join(f"&provider_id={n}" for n in range(provider, provider + 400))
    path = f"/availabilities?from={instant(day, 0)}&to={instant(day, 60)}&duration=30{named}"
    assert len(path) > 4094  # gunicorn's default request line limit
    reply = live.call("GET", path)
    assert reply.status == 422 and reply.content_type == PROBLEM, reply
    assert reply.body["type"].endswith("/problems/unknown-reference")
    assert f"{provider + 1}, {provider + 2}" in reply.body["detail"]
