"""The per-process plan cache (adapters/sqlalchemy/plans.py): a plan is served only under the
version it was kept with, and memory stays bounded."""

from __future__ import annotations

from array import array
from datetime import UTC, datetime, timedelta

from adapters.sqlalchemy.plans import PlanMemo
from domain.rules.plans import WeekPlan

MONDAY = datetime(2026, 11, 30, tzinfo=UTC)


def plan(n: int) -> WeekPlan:
    ends, around, opened = array("q", [n + 10]), array("i", [0, 1]), array("q", [n, n + 10])
    return WeekPlan(n, array("q", [n]), ends, around, opened)


def test_a_plan_is_served_under_its_version_only():
    memo, kept = PlanMemo(), plan(1)
    memo.put(1, MONDAY, ("UTC", 0, 0, 3, 7), kept)
    assert memo.get(1, MONDAY, ("UTC", 0, 0, 3, 7)) is kept
    assert memo.get(1, MONDAY, ("UTC", 0, 0, 3, 8)) is None  # a booking since
    assert memo.get(1, MONDAY + timedelta(days=7), ("UTC", 0, 0, 3, 7)) is None
    assert memo.get(2, MONDAY, ("UTC", 0, 0, 3, 7)) is None


def test_the_least_recently_used_plans_go_first_past_the_capacity():
    memo = PlanMemo(capacity=2)
    memo.put(1, MONDAY, 0, plan(1))
    memo.put(2, MONDAY, 0, plan(2))
    assert memo.get(1, MONDAY, 0) is not None  # 1 is now the most recent
    memo.put(3, MONDAY, 0, plan(3))
    assert len(memo) == 2
    assert memo.get(2, MONDAY, 0) is None
    assert memo.get(1, MONDAY, 0) is not None and memo.get(3, MONDAY, 0) is not None


def test_a_missed_plan_is_admitted_on_its_second_miss_only():
    memo = PlanMemo(capacity=2)
    assert memo.admit(1, MONDAY) is False  # a week asked once is computed straight
    assert memo.admit(1, MONDAY) is True
    assert memo.admit(1, MONDAY) is False  # admitted once; the plan is kept from then on
    for provider_id in range(2, 12):  # the doorkeeper forgets past 4 × capacity
        memo.admit(provider_id, MONDAY)
    assert memo.admit(2, MONDAY) is False
