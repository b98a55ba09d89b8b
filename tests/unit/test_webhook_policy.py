"""The delivery policy (domain/rules/retries.py) and the subscription rules
(domain/use_cases/subscriptions.py)."""

import base64
import random
from datetime import timedelta

import pytest

from domain import errors
from domain.events import EventType
from domain.rules.retries import DISABLE_AFTER, RETRY_DELAYS, decide, scaled
from domain.use_cases.subscriptions import check_url, create_endpoint, rotate_secret
from domain.webhooks import Endpoint, Outcome, new_secret
from tests.unit.builders import utc

NOW = utc("2026-03-02 09:00")


class AllowAll:
    def __init__(self):
        self.checked = []

    def check(self, url):
        self.checked.append(url)


def test_the_retry_schedule_is_the_documented_one():
    hours = [delay / timedelta(hours=1) for delay in RETRY_DELAYS]
    assert hours == pytest.approx([5 / 3600, 5 / 60, 0.5, 2, 5, 10, 14, 20, 24])
    assert scaled(0.001)[0] == timedelta(milliseconds=5)


def test_a_failure_waits_the_scheduled_delay_plus_at_most_a_fifth_of_jitter():
    waits = {
        decide(3, Outcome(500), NOW, NOW, rng=random.Random(seed)).next_attempt_at - NOW
        for seed in range(50)
    }
    assert all(timedelta(minutes=30) <= w <= timedelta(minutes=36) for w in waits)
    assert len(waits) > 40  # jittered


def test_success_stops_and_the_last_failure_gives_up():
    assert decide(1, Outcome(204), NOW, None).delivered
    last = decide(len(RETRY_DELAYS) + 1, Outcome(500), NOW, NOW)
    assert (last.delivered, last.next_attempt_at, last.disable) == (False, None, None)


def test_retry_after_replaces_the_scheduled_wait_up_to_a_day():
    told = Outcome(429, retry_after=timedelta(seconds=90))
    assert decide(1, told, NOW, None).next_attempt_at == NOW + timedelta(seconds=90)
    far = Outcome(503, retry_after=timedelta(days=9))
    assert decide(1, far, NOW, None).next_attempt_at == NOW + timedelta(hours=24)


def test_gone_disables_at_once_and_three_days_of_failures_disable_too():
    assert decide(1, Outcome(410), NOW, None).disable == "the receiver answered 410 Gone"
    assert decide(2, Outcome(None, "refused"), NOW, NOW - DISABLE_AFTER).disable
    assert decide(2, Outcome(None, "refused"), NOW, NOW - timedelta(days=2)).disable is None


def test_a_secret_is_whsec_and_32_random_bytes():
    secret = new_secret()
    assert secret.startswith("whsec_") and len(base64.b64decode(secret[6:])) == 32
    assert new_secret() != secret


def test_after_a_rotation_both_secrets_sign_for_24_hours(uow, clock):
    endpoint = create_endpoint(
        uow, clock, AllowAll(), "https://example.com/h", ["appointment.booked"]
    )
    rotated = rotate_secret(uow, clock, endpoint.id)
    assert rotated.signing_secrets(clock.now()) == [rotated.secret, endpoint.secret]
    later = clock.now() + timedelta(hours=24)
    assert rotated.signing_secrets(later) == [rotated.secret]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.com/h", "http or https"),
        ("https://user:pw@example.com/h", "credentials"),
        ("https://example.com:99999/h", "not valid"),
        ("https:///nohost", "name a host"),
        ("https://example.com/" + "a" * 2030, "2048"),
    ],
)
def test_urls_must_be_plain_http_or_https(url, message):
    with pytest.raises(errors.InvalidRequest, match=message):
        check_url(url, AllowAll())


def test_a_subscription_lists_each_event_type_once_and_needs_one(uow, clock):
    guard = AllowAll()
    twice = ["appointment.booked", "appointment.booked"]
    endpoint = create_endpoint(uow, clock, guard, "https://example.com/h", twice)
    assert endpoint.events == (EventType.APPOINTMENT_BOOKED,)
    assert guard.checked == ["https://example.com/h"]
    with pytest.raises(errors.InvalidRequest):
        create_endpoint(uow, clock, guard, "https://example.com/h", [])


def test_an_endpoint_signs_with_its_secret_alone_before_any_rotation():
    endpoint = Endpoint("https://example.com/h", (EventType.APPOINTMENT_BOOKED,), "s", NOW)
    assert endpoint.signing_secrets(NOW) == ["s"]
