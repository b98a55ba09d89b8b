"""Benchmark of the domain's free-time computation (issue: the pure domain core).

Run: ``make bench`` (or ``.venv/bin/python -m bench.free_time``). Prints medians of repeated
runs for the reference case (90 days, 20 weekly windows, 2,000 appointments) and for scaled
inputs, to show the cost grows with windows + appointments, not with their product.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from domain.model import Appointment, Provider
from domain.rules.scheduling import Schedule, free_time
from domain.windows import Weekday, WeeklyWindow, WeekTime

START = datetime(2026, 3, 1, tzinfo=UTC)
RANGE = timedelta(days=90)


def make_schedule(windows: int, appointments: int, seed: int = 7) -> Schedule:
    rng = random.Random(seed)
    weekly = []
    for index in range(windows):
        day = Weekday(index % 7)
        start = rng.randrange(6 * 60, 18 * 60, 15)
        end = min(start + rng.choice((30, 60, 90, 120, 180)), 23 * 60 + 59)
        weekly.append(WeeklyWindow(1, f"w{index}", WeekTime(day, start), WeekTime(day, end)))
    booked = []
    for _ in range(appointments):
        begin = START + timedelta(minutes=rng.randrange(0, int(RANGE.total_seconds() // 60), 15))
        booked.append(Appointment(1, 1, begin, begin + timedelta(minutes=30), created_at=START))
    booked.sort(
        key=lambda a: a.starts_at
    )  # repositories return them by start (domain.ports.appointments)
    return Schedule(Provider("Bench", timezone="America/New_York", id=1), weekly, booked)


def median_ms(schedule: Schedule, span: timedelta, repeats: int) -> float:
    timings = []
    for _ in range(repeats):
        began = time.perf_counter()
        free_time(schedule, START, START + span, START)
        timings.append((time.perf_counter() - began) * 1000)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=51)
    args = parser.parse_args()
    reference = median_ms(make_schedule(20, 2000), RANGE, args.repeats)
    print(f"reference: 90 days, 20 windows, 2000 appointments: median {reference:.2f} ms")
    print("scale  windows  appointments  range_days  median_ms  ratio_to_x1")
    base = None
    for factor in (1, 2, 4, 8):
        schedule = make_schedule(20 * factor, 2000 * factor)
        elapsed = median_ms(schedule, RANGE, max(5, args.repeats // factor))
        base = base or elapsed
        print(
            f"x{factor:<5}{20 * factor:>7}{2000 * factor:>14}{90:>12}{elapsed:>11.2f}"
            f"{elapsed / base:>13.2f}"
        )


if __name__ == "__main__":
    main()
