"""The dataset shapes' part of the HTTP report (issue 18): the issue's goals, judged met or
short; each load's figures; the shapes' loading times (bench/report.py puts them in
bench/results/http.md). A goal whose load is not there yet (``FIRST_AVAILABLE_GOALS``, until
bench/shape_loads.py's ``FIRST_AVAILABLE_LOADS`` has them) reads "not measured yet"."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bench.databases import SIZE
from bench.shape_loads import (
    CLINIC_FIRST,
    CLINIC_GET,
    CLINIC_MONTH,
    CLINIC_WEEK,
    SATURDAY_FIRST,
    SATURDAY_MONTH,
    SATURDAY_WEEK,
    SOLID_FIRST,
    SOLID_MONTH,
    all_loads,
    shape_name,
)
from bench.shapes import CLINIC, SOLID

if TYPE_CHECKING:
    from bench.report import Measurement

#: In ``Measurement.shape_loads``, beside each step's seconds and the size in MB.
ROWS = "appointment rows"
DATASETS = {CLINIC: "half-hour clinic", SOLID: "booked solid"}
NOTES = (
    "- Dataset shapes (issue 18, bench/shapes.py): providers in 8 zones from London to "
    "Auckland, three windows each weekday on the hour or half hour (morning, afternoon, "
    "evening), weekends off. Half-hour clinic: 10 bookings of 30 or 60 minutes per provider "
    "on the half-hour grid in the next 14 days. Booked solid: every window meeting the next "
    "21 days filled with back-to-back 30-minute appointments. Each is served by its own "
    "gunicorn and driven in the same rounds as the rest, with one wrk connection per worker "
    "(bench/shape_loads.py, bench/wrk/search.lua): the roster searches with "
    "`duration=30&limit=100` from a random whole hour of the next 14 days, from the next "
    "Saturday 00:00 UTC, or from the round's start (booked solid); the single-provider GET "
    "(a random provider, free windows, no duration) over a week from a random hour (clinic) "
    "or 31 days from the round's start (booked solid). A ratio is taken within each round; "
    "the median over the rounds is reported.",
)


@dataclass(frozen=True)
class Goal:
    """A target of the issue: ``target``'s p50 at most ``p50_ms``, or at most ``ratio`` times
    ``base``'s p50 in the same round (the median over rounds)."""

    label: str
    target: str
    p50_ms: float | None = None
    base: str | None = None
    ratio: float | None = None


GOALS = (
    Goal("half-hour clinic, a week, `limit=100`: p50 ≤ 40 ms", CLINIC_WEEK, p50_ms=40),
    Goal("half-hour clinic, a week: p50 ≤ 25× the single GET's", CLINIC_WEEK, None, CLINIC_GET, 25),
    Goal("Saturday start, a week, `limit=100`: p50 ≤ 40 ms", SATURDAY_WEEK, p50_ms=40),
    Goal("Saturday start, a week: p50 ≤ 25× the single GET's", SATURDAY_WEEK, None, CLINIC_GET, 25),
    Goal("booked solid, 31 days, `limit=100`: p50 ≤ 150 ms", SOLID_MONTH, p50_ms=150),
    Goal(
        "half-hour clinic: a 31-day search's first page ≤ 1.5× the 7-day one's p50",
        CLINIC_MONTH,
        None,
        CLINIC_WEEK,
        1.5,
    ),
    Goal(
        "Saturday start: a 31-day search's first page ≤ 1.5× the 7-day one's p50",
        SATURDAY_MONTH,
        None,
        SATURDAY_WEEK,
        1.5,
    ),
)
FIRST_AVAILABLE_GOALS = tuple(
    Goal(f"first available, 31 days, {shape}: p50 ≤ 100 ms", target, p50_ms=100)
    for shape, target in (
        ("half-hour clinic", CLINIC_FIRST),
        ("Saturday start", SATURDAY_FIRST),
        ("booked solid", SOLID_FIRST),
    )
)


def _judge(m: Measurement, goal: Goal) -> str:
    if not m.results.get(goal.target):
        return "not measured yet"
    if goal.p50_ms is not None:
        p50_ms = m.summary(goal.target).p50_us / 1000
        figure, ok = f"{p50_ms:.1f} ms", p50_ms <= goal.p50_ms
    else:
        assert goal.base is not None and goal.ratio is not None
        ratio = m.p50_ratio(goal.target, goal.base)
        figure, ok = f"{ratio:.1f}×", ratio <= goal.ratio
    return f"{figure} {'met' if ok else '**short**'}"


def goals(ms: list[Measurement]) -> Iterator[str]:
    """One row per goal of issue 18, one column per database: figure and met or short."""
    yield "| target | " + " | ".join(m.name for m in ms) + " |"
    yield "|---" * (len(ms) + 1) + "|"
    for goal in GOALS + FIRST_AVAILABLE_GOALS:
        yield f"| {goal.label} | " + " | ".join(_judge(m, goal) for m in ms) + " |"


def _figures(m: Measurement) -> Iterator[str]:
    """Each shape load's medians; the p50 of its dataset's single GET and the ratio to it."""
    yield (
        "| shape | request | req/s | p50 ms | p90 ms | p99 ms | single GET p50 ms | "
        "p50 / single GET p50 | non-2xx | socket errors |"
    )
    yield "|---" * 10 + "|"
    for load in all_loads():
        s = m.summary(load.target)
        base, ratio = "", ""
        if load.baseline is not None:
            base = f"{m.summary(load.baseline).p50_us / 1000:.2f}"
            ratio = f"{m.p50_ratio(load.target, load.baseline):.1f}×"
        yield (
            f"| {shape_name(load)} | {load.label} | {s.rps:.1f} | {s.p50_us / 1000:.2f} | "
            f"{s.p90_us / 1000:.2f} | {s.p99_us / 1000:.2f} | {base} | {ratio} | "
            f"{s.non_2xx} | {s.socket_errors} |"
        )


def _loads(m: Measurement) -> Iterator[str]:
    """Seconds per load step of each shape, the appointments and the size afterwards."""
    figures = next(iter(m.shape_loads.values()))
    steps = [step for step in figures if step not in (ROWS, SIZE)]
    head = " | ".join(f"{s} s" for s in steps)
    yield f"| dataset | appointments | {head} | total s | size MB |"
    yield "|---" * (len(steps) + 4) + "|"
    for kind, timings in m.shape_loads.items():
        cells = " | ".join(f"{timings[s]:.1f}" for s in steps)
        total = sum(timings[s] for s in steps)
        rows, size = timings[ROWS], timings[SIZE]
        yield f"| {DATASETS[kind]} | {rows:,.0f} | {cells} | {total:.1f} | {size:.0f} |"


def section(m: Measurement) -> Iterator[str]:
    """The shapes' figures and loads of one database."""
    yield "Dataset shapes (issue 18), medians of the runs, one connection per worker:"
    yield ""
    yield from _figures(m)
    yield ""
    yield "Dataset shapes' loads:"
    yield ""
    yield from _loads(m)
    yield ""
