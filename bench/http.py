"""HTTP benchmark: availability and booking against the bare-endpoint ceiling (issue 5).

Run: ``make bench-http`` (or ``.venv/bin/python -m bench.http [--quick] [--db ...]``).

For each database (SQLite, then PostgreSQL) it builds two datasets with the same providers
(bench/dataset.py): 1,000,000 appointments and 10,000. It serves each with gunicorn and the
shipped ``gunicorn.conf.py``, and a bare Flask app (bench/bare.py) with the same settings as
the ceiling; then wrk drives, in rounds so that drift hits all alike: the bare endpoint, GET
availabilities on both datasets, and POST of distinct free slots on the big one. The report
(medians, ratios to the bare endpoint, targets, plans, machine, commands) is written to
bench/results/http.md and printed.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import databases, dataset, machine, slots, tags
from bench.inspection import durability, overlap_plans
from bench.load import Load, run, wrk_command
from bench.report import (
    BARE,
    GET,
    GET_SMALL,
    NOT_MODIFIED,
    POST,
    SIZE,
    TARGETS,
    Context,
    Measurement,
    render,
)
from bench.servers import REPO, Server, serving

RESULTS = REPO / "bench" / "results"
#: The GET load picks weeks among the next 50, all inside the loaded two years.
WEEKS = dataset.WEEKS // 2 - 2
#: Slots for booking come from four weeks starting four weeks ahead.
SLOT_RANGE = (timedelta(weeks=4), timedelta(weeks=8))


@dataclass(frozen=True)
class Options:
    """What to run; ``--quick`` shrinks everything to a smoke test of about a minute."""

    databases: tuple[str, ...]
    providers: int
    big: int  # appointments per provider in the big dataset
    small: int  # ... and in the small one
    load: Load
    runs: int
    warmup_seconds: int
    slots_per_second: int
    workers: str
    admin_url: str
    output: Path


def parse_options(argv: list[str] | None = None) -> Options:
    """The command line, over the defaults of a full run."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small data, -d3s, one run")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--runs", type=int, help="rounds measured (default 3; --quick 1)")
    parser.add_argument("--duration", type=int, help="seconds per wrk run (10; --quick 3)")
    parser.add_argument("--output", type=Path, default=RESULTS / "http.md")
    args = parser.parse_args(argv)
    options = Options(
        databases=("sqlite", "postgresql") if args.db == "both" else (args.db,),
        providers=1000,
        big=1000,
        small=10,
        load=Load(threads=2, connections=32, seconds=10),
        runs=3,
        warmup_seconds=3,
        slots_per_second=1500,
        workers=os.environ.get("WEB_CONCURRENCY") or "2",
        admin_url=os.environ.get("BENCH_POSTGRES_ADMIN_URL")
        or databases.DEFAULT_POSTGRES_ADMIN_URL,
        output=args.output,
    )
    if args.quick:
        options = replace(
            options, providers=100, big=100, small=1, load=replace(options.load, seconds=3)
        )
        options = replace(options, runs=1, warmup_seconds=1)
    if args.runs:
        options = replace(options, runs=args.runs)
    if args.duration:
        options = replace(options, load=replace(options.load, seconds=args.duration))
    return options


def first_week(now: datetime) -> datetime:
    """Monday 00:00 UTC of next week: the first week GET asks about."""
    today = datetime(now.year, now.month, now.day, tzinfo=UTC)
    return today + timedelta(days=7 - today.weekday())


def _build(database: str, spec: dataset.Spec, options: Options) -> tuple[str, dict[str, float]]:
    """Create the empty database for ``spec``, migrate and load it: its URL and timings."""
    if database == "sqlite":
        url = databases.sqlite_url(RESULTS, spec.appointments)
    else:
        name = databases.postgres_name(spec.appointments)
        url = databases.create_postgres(options.admin_url, name)
    print(f"{database}: loading {spec.appointments:,} appointments ...", flush=True)
    timings = dataset.build(url, spec)
    return url, {**timings, SIZE: databases.size_mb(url)}


def _slot_files(app: Server, options: Options, now: datetime, prefix: str) -> list[Path]:
    """One file of distinct free slots for the warm-up and for each run."""
    per_run = options.slots_per_second * options.load.seconds
    lower = first_week(now) + SLOT_RANGE[0]
    upper = first_week(now) + SLOT_RANGE[1]
    ids = range(1, options.providers + 1)
    found = slots.collect(app.url, ids, lower, upper, per_run * (options.runs + 1))
    return slots.write_runs(found, options.runs + 1, RESULTS, prefix)


def _commands(
    servers: dict[str, Server],
    options: Options,
    now: datetime,
    files: tuple[Path, Path],
    run: int,
) -> dict[str, list[str]]:
    """The wrk command of each target for run number ``run`` (0 is the warm-up), given the
    run's slot file (POST) and tag file (304)."""
    slot_file, tag_file = files
    week = str(int(first_week(now).timestamp()))
    load = options.load if run else replace(options.load, seconds=options.warmup_seconds)
    get_args = [str(options.providers), week, str(WEEKS), str(run)]
    return {
        BARE: wrk_command(load, servers[BARE].url + "/", "bare.lua"),
        GET: wrk_command(load, servers[GET].url, "availability.lua", get_args),
        NOT_MODIFIED: wrk_command(
            load,
            servers[NOT_MODIFIED].url,
            "not_modified.lua",
            [str(tag_file.relative_to(REPO)), str(load.threads)],
        ),
        GET_SMALL: wrk_command(load, servers[GET_SMALL].url, "availability.lua", get_args),
        POST: wrk_command(
            load,
            servers[POST].url,
            "booking.lua",
            [str(slot_file.relative_to(REPO)), str(load.threads)],
        ),
    }


def _drive(m: Measurement, servers: dict[str, Server], options: Options, now: datetime) -> None:
    """A warm-up round, then ``options.runs`` rounds of every target, into ``m.results``."""
    files = _slot_files(servers[POST], options, now, m.database)
    m.slots_per_run = len(files[0].read_text().splitlines())
    log = RESULTS / f"wrk-{m.database}.log"
    log.unlink(missing_ok=True)
    for number, slot_file in enumerate(files):
        tag_file = tags.write_tags(
            servers[NOT_MODIFIED].url,
            options.providers,
            first_week(now),
            WEEKS,
            RESULTS / f"{m.database}-tags-{number}.txt",
            seed=number,
        )
        commands = _commands(servers, options, now, (slot_file, tag_file), number)
        for target in TARGETS:
            print(f"{m.database}: round {number}/{options.runs}: {target}", flush=True)
            before = servers[target].cpu_seconds()
            result = run(commands[target], log)
            result = replace(result, server_cpu_s=servers[target].cpu_seconds() - before)
            if number:
                m.results[target].append(result)
        if number == 1:
            m.wrk_commands = {t: shlex.join(c) for t, c in commands.items()}


def _serve(
    stack: ExitStack, m: Measurement, urls: dict[int, str], options: Options
) -> dict[str, Server]:
    """The app on each dataset and the bare app, all with the shipped gunicorn.conf.py."""

    def start(name: str, app: str, ready: str, database_url: str | None = None) -> Server:
        env = {"WEB_CONCURRENCY": options.workers}
        if database_url is not None:
            env["DATABASE_URL"] = database_url
        log = RESULTS / f"gunicorn-{m.database}-{name}.log"
        return stack.enter_context(serving(name, app, ready, env, log))

    big, small = m.sizes
    app_big = start(f"app-{big}", "wsgi:app", "/health", urls[big])
    app_small = start(f"app-{small}", "wsgi:app", "/health", urls[small])
    bare = start("bare", "bench.bare:create_app()", "/")
    m.servers = [app_big, app_small, bare]
    return {BARE: bare, GET: app_big, NOT_MODIFIED: app_big, GET_SMALL: app_small, POST: app_big}


def measure(database: str, options: Options, now: datetime) -> Measurement:
    """Build, serve, drive and explain one database; PostgreSQL databases are dropped after."""
    specs = [
        dataset.Spec(options.providers, per_provider, now)
        for per_provider in (options.big, options.small)
    ]
    m = Measurement(database, (specs[0].appointments, specs[1].appointments))
    urls: dict[int, str] = {}
    try:
        for spec in specs:
            urls[spec.appointments], m.loads[spec.appointments] = _build(database, spec, options)
        m.durability = durability(urls[m.sizes[0]])
        with ExitStack() as stack:
            _drive(m, _serve(stack, m, urls, options), options, now)
        week = first_week(now) + timedelta(weeks=2)
        m.plans = overlap_plans(
            urls[m.sizes[0]], options.providers // 2, week, week + timedelta(weeks=1)
        )
    finally:
        if database == "postgresql":
            for size in urls:
                databases.drop_postgres(options.admin_url, databases.postgres_name(size))
    return m


def main(argv: list[str] | None = None) -> None:
    options = parse_options(argv)
    RESULTS.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC).replace(microsecond=0)
    postgres = "postgresql" in options.databases
    context = Context(
        command=shlex.join([Path(sys.executable).name, "-m", "bench.http", *sys.argv[1:]]),
        started=now.strftime("%Y-%m-%d %H:%M"),
        machine=machine.facts(options.admin_url if postgres else None),
        load_before=machine.load_average(),
        settings=_settings(options),
    )
    began = time.perf_counter()
    measured = [measure(database, options, now) for database in options.databases]
    context.finished = datetime.now(UTC).strftime("%H:%M")
    context.load_after = machine.load_average()
    text = render(measured, context)
    options.output.write_text(text + "\n")
    print(text)
    print(f"\n(written to {options.output}; {time.perf_counter() - began:.0f} s)")


def _settings(options: Options) -> dict[str, str]:
    load = options.load
    return {
        "providers": f"{options.providers:,}",
        "appointments per provider": f"{options.big:,} and {options.small:,}",
        "gunicorn workers (WEB_CONCURRENCY)": options.workers,
        "wrk": f"-t{load.threads} -c{load.connections} -d{load.seconds}s",
        "runs": f"{options.runs} after a {options.warmup_seconds}s warm-up of each target",
    }


if __name__ == "__main__":
    main()
