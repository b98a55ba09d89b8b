import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from domain import errors
from domain.model import Client, Provider
from domain.ports.appointments import AppointmentSearch
from domain.use_cases.appointments import get_appointment, list_appointments
from domain.use_cases.availability import free_windows
from domain.use_cases.booking import book
from domain.use_cases.directory import (
    create_client,
    create_provider,
    get_client,
    get_provider,
    list_clients,
    list_providers,
    update_provider,
)
from tests.unit.builders import utc

MONDAY = (utc("2026-03-02 00:00"), utc("2026-03-03 00:00"))


def test_free_windows_lists_the_providers_merged_free_time(uow, clock):
    assert [(w.start.hour, w.end.hour) for w in free_windows(uow, clock, 1, *MONDAY)] == [
        (9, 12),
        (13, 14),
    ]


@pytest.mark.parametrize(
    ("lower", "upper", "duration", "message"),
    [
        (MONDAY[1], MONDAY[0], None, "'to' must be after 'from'"),
        (MONDAY[0], MONDAY[0], None, "'to' must be after 'from'"),
        (MONDAY[0], MONDAY[0] + timedelta(days=92, minutes=1), None, "at most 92 days"),
        (*MONDAY, timedelta(minutes=4), "between 5 and 1440"),
        (*MONDAY, timedelta(minutes=1441), "between 5 and 1440"),
        (MONDAY[0].replace(tzinfo=None), MONDAY[1], None, "offset"),
    ],
)
def test_free_windows_refuses_bad_ranges_and_durations(uow, clock, lower, upper, duration, message):
    with pytest.raises(errors.InvalidRequest, match=message):
        free_windows(uow, clock, 1, lower, upper, duration)


def test_a_range_of_exactly_92_days_is_allowed(uow, clock):
    found = free_windows(uow, clock, 1, MONDAY[0], MONDAY[0] + timedelta(days=92))
    assert len(found) == 2 * 14  # two windows each Monday, 14 Mondays (incl. the partial quarter)


def test_free_windows_of_an_unknown_provider_is_not_found(uow, clock):
    with pytest.raises(errors.ProviderNotFound):
        free_windows(uow, clock, 99, *MONDAY)


def test_a_provider_with_an_unknown_time_zone_is_refused(uow):
    with pytest.raises(errors.InvalidRequest, match="unknown time zone"):
        create_provider(uow, Provider("Dr. Who", timezone="Gallifrey/Capital"))
    with pytest.raises(errors.InvalidRequest, match="unknown time zone"):
        update_provider(uow, 1, {"timezone": "../../etc/passwd"})


def test_providers_are_created_updated_fetched_and_listed(uow):
    created = create_provider(uow, Provider("Dr. New", timezone="Europe/Berlin"))
    updated = update_provider(uow, created.id, {"accepts_new_clients": False, "name": "Dr. Old"})
    assert get_provider(uow, created.id) == updated
    assert (updated.name, updated.accepts_new_clients, updated.timezone) == (
        "Dr. Old",
        False,
        "Europe/Berlin",
    )
    page, total = list_providers(uow, offset=1, limit=2)
    assert total == 4
    assert [p.id for p in page] == [2, 3]


def test_updating_an_unknown_provider_or_field_is_refused(uow):
    with pytest.raises(errors.ProviderNotFound):
        update_provider(uow, 99, {"name": "x"})
    with pytest.raises(errors.InvalidRequest, match="unknown provider fields"):
        update_provider(uow, 1, {"id": 5})


def test_a_client_email_is_unique_ignoring_case(uow):
    with pytest.raises(errors.DuplicateEmail):
        create_client(uow, Client("Grace again", "GRACE@example.com"))
    created = create_client(uow, Client("Edsger", "edsger@example.com"))
    assert get_client(uow, created.id) == created
    assert list_clients(uow, 0, 10)[1] == 3


def test_unknown_clients_providers_and_appointments_are_not_found(uow):
    for lookup, error in (
        (get_client, errors.ClientNotFound),
        (get_provider, errors.ProviderNotFound),
        (get_appointment, errors.AppointmentNotFound),
    ):
        with pytest.raises(error, match="99 does not exist"):
            lookup(uow, 99)


def test_appointments_are_listed_by_start_with_filters(uow, clock):
    late = book(uow, clock, 1, 1, utc("2026-03-02 13:00"), utc("2026-03-02 14:00"))
    early = book(uow, clock, 2, 1, utc("2026-03-02 09:00"), utc("2026-03-02 10:00"))
    page, total = list_appointments(uow, AppointmentSearch(provider_id=1), 0, 10)
    assert ([a.id for a in page], total) == ([early.id, late.id], 2)
    page, total = list_appointments(uow, AppointmentSearch(client_id=1), 0, 10)
    assert [a.id for a in page] == [late.id]


def test_importing_the_domain_loads_no_framework():
    code = (
        "import sys, importlib, pkgutil, domain;"
        "[importlib.import_module(m.name)"
        " for m in pkgutil.walk_packages(domain.__path__, 'domain.')];"
        "bad = {'flask', 'sqlalchemy', 'marshmallow', 'app', 'adapters'} & set(sys.modules);"
        "print(sorted(bad)); sys.exit(1 if bad else 0)"
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
