"""HTTP benchmark: availability and booking against the bare-endpoint ceiling (issue 5).

Run: ``make bench-http`` (or ``.venv/bin/python -m bench.http [--quick] [--db ...]``).

For each database (SQLite, then PostgreSQL) it builds two datasets with the same providers
(bench/dataset.py): 1,000,000 appointments and 10,000. It serves each with gunicorn and the
shipped ``gunicorn.conf.py``, and a bare Flask app (bench/bare.py) with the same settings as
the ceiling; then wrk drives, in rounds so that drift hits all alike: the bare endpoint, GET
availabilities on both datasets, and POST of distinct free slots on the big one. Two more
shapes of data (bench/shapes.py: a half-hour clinic, and providers booked solid for 21 days)
get their own databases and servers, and their roster searches and single-provider GETs
(bench/shape_loads.py) join the same rounds (bench/shape_runs.py). The report
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

from bench import databases, dataset, machine, shape_runs, slots, tags
from bench.inspection import durability, overlap_plans
from bench.load import Load, run, wrk_command
from bench.report import (
    BARE,
    GET,
    GET_LIGHT,
    GET_SMALL,
    NOT_MODIFIED,
    POOL,
    POST,
    ROSTER,
    ROSTER_NAMED,
    ROSTERS,
    TARGETS,
    Context,
    Measurement,
    render,
)
from bench.servers import REPO, Server, serving

RESULTS = REPO / "bench" / "results"
#: The GET load picks weeks among the next 50, all inside the loaded two years.
WEEKS = dataset.WEEKS // 2 - 2
#: Slots for booking come from four weeks starting four weeks ahead; pool bookings from the
#: four weeks after, so that the two loads never compete for a provider's time.
SLOT_RANGE = (timedelta(weeks=4), timedelta(weeks=8))
POOL_SLOT_RANGE = (timedelta(weeks=8), timedelta(weeks=12))


@dataclass(frozen=True)
class Options:
    """What to run; ``--quick`` shrinks everything to a smoke test of about a minute."""

    databases: tuple[str, ...]
    providers: int
    named: int  # providers given by provider_id in the second roster search
    big: int  # appointments per provider in the big dataset
    small: int  # ... and in the small one
    load: Load
    runs: int
    warmup_seconds: int
    slots_per_second: int
    workers: str
    admin_url: str
    output: Path
    shape_providers: int = 1000  # providers in each dataset shape (bench/shapes.py)


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
        named=100,
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
            options,
            providers=100,
            named=10,
            big=100,
            small=1,
            shape_providers=100,
            load=replace(options.load, seconds=3),
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
    return url, {**timings, databases.SIZE: databases.size_mb(url)}


def _slot_files(
    app: Server, options: Options, now: datetime, prefix: str, pools: bool = False
) -> list[Path]:
    """One file of distinct free slots for the warm-up and for each run; ``pools``: as pool
    bookings, from their own weeks."""
    per_run = options.slots_per_second * options.load.seconds
    weeks = POOL_SLOT_RANGE if pools else SLOT_RANGE
    lower, upper = first_week(now) + weeks[0], first_week(now) + weeks[1]
    ids = range(1, options.providers + 1)
    found = slots.collect(app.url, ids, lower, upper, per_run * (options.runs + 1), pools)
    return slots.write_runs(found, options.runs + 1, RESULTS, prefix + ("-pool" if pools else ""))


def _light(options: Options, run: int) -> Load:
    """One connection per worker: latency without queueing, for the roster's absolute targets;
    run number 0 is the warm-up."""
    load = options.load if run else replace(options.load, seconds=options.warmup_seconds)
    return replace(load, threads=1, connections=int(options.workers))


def _commands(
    servers: dict[str, Server],
    options: Options,
    now: datetime,
    files: tuple[Path, Path, Path],
    run: int,
) -> dict[str, list[str]]:
    """The wrk command of each target for run number ``run`` (0 is the warm-up), given the
    run's slot file (POST), tag file (304) and pool slot file (POST pool)."""
    slot_file, tag_file, pool_file = files
    week = str(int(first_week(now).timestamp()))
    load = options.load if run else replace(options.load, seconds=options.warmup_seconds)
    get_args = [str(options.providers), week, str(WEEKS), str(run)]
    light = _light(options, run)
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
        GET_LIGHT: wrk_command(light, servers[GET_LIGHT].url, "availability.lua", get_args),
        ROSTER: wrk_command(light, servers[ROSTER].url, "roster.lua", [*get_args, "0"]),
        ROSTER_NAMED: wrk_command(
            light, servers[ROSTER_NAMED].url, "roster.lua", [*get_args, str(options.named)]
        ),
        POOL: wrk_command(
            load,
            servers[POOL].url,
            "booking.lua",
            [str(pool_file.relative_to(REPO)), str(load.threads)],
        ),
    }


def _drive(m: Measurement, servers: dict[str, Server], options: Options, now: datetime) -> None:
    """A warm-up round, then ``options.runs`` rounds of every target, into ``m.results``."""
    files = _slot_files(servers[POST], options, now, m.database)
    pool_files = _slot_files(servers[POOL], options, now, m.database, pools=True)
    m.slots_per_run = len(files[0].read_text().splitlines())
    log = RESULTS / f"wrk-{m.database}.log"
    log.unlink(missing_ok=True)
    for number, (slot_file, pool_file) in enumerate(zip(files, pool_files, strict=True)):
        tag_file = tags.write_tags(
            servers[NOT_MODIFIED].url,
            options.providers,
            first_week(now),
            WEEKS,
            RESULTS / f"{m.database}-tags-{number}.txt",
            seed=number,
        )
        commands = _commands(servers, options, now, (slot_file, tag_file, pool_file), number)
        light, shape_providers = _light(options, number), options.shape_providers
        commands |= shape_runs.commands(servers, light, shape_providers, datetime.now(UTC), number)
        for target in (*TARGETS, *shape_runs.targets()):
            print(f"{m.database}: round {number}/{options.runs}: {target}", flush=True)
            before = servers[target].cpu_seconds()
            result = run(commands[target], log)
            result = replace(result, server_cpu_s=servers[target].cpu_seconds() - before)
            if target in ROSTERS:  # the per-worker caches now hold every provider
                rss, anon = servers[target].worker_memory_mb()
                m.worker_rss_mb = max(m.worker_rss_mb, rss)
                m.worker_anon_mb = max(m.worker_anon_mb, anon)
            if number:
                m.results[target].append(result)
        if number == 1:
            m.wrk_commands = {t: shlex.join(c) for t, c in commands.items()}


def _serve(
    stack: ExitStack,
    m: Measurement,
    urls: dict[int, str],
    shape_urls: dict[str, str],
    options: Options,
) -> dict[str, Server]:
    """The app on each dataset and shape and the bare app, all with the shipped
    gunicorn.conf.py."""

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
    shapes = shape_runs.serve(start, shape_urls)
    m.servers = [app_big, app_small, bare, *dict.fromkeys(shapes.values())]
    return {
        **shapes,
        BARE: bare,
        GET: app_big,
        NOT_MODIFIED: app_big,
        GET_SMALL: app_small,
        POST: app_big,
        GET_LIGHT: app_big,
        ROSTER: app_big,
        ROSTER_NAMED: app_big,
        POOL: app_big,
    }


def measure(database: str, options: Options, now: datetime) -> Measurement:
    """Build, serve, drive and explain one database; PostgreSQL databases are dropped after."""
    specs = [
        dataset.Spec(options.providers, per_provider, now)
        for per_provider in (options.big, options.small)
    ]
    m = Measurement(database, (specs[0].appointments, specs[1].appointments))
    urls: dict[int, str] = {}
    shape_urls: dict[str, str] = {}
    try:
        for spec in specs:
            urls[spec.appointments], m.loads[spec.appointments] = _build(database, spec, options)
        for kind in shape_runs.KINDS:
            shape_urls[kind], m.shape_loads[kind] = shape_runs.build(
                database, kind, options.shape_providers, now, options.admin_url, RESULTS
            )
        m.durability = durability(urls[m.sizes[0]])
        with ExitStack() as stack:
            _drive(m, _serve(stack, m, urls, shape_urls, options), options, now)
        week = first_week(now) + timedelta(weeks=2)
        m.plans = overlap_plans(
            urls[m.sizes[0]],
            options.providers // 2,
            week,
            week + timedelta(weeks=1),
            options.providers,
        )
    finally:
        if database == "postgresql":
            for size in urls:
                databases.drop_postgres(options.admin_url, databases.postgres_name(size))
            shape_runs.drop(options.admin_url)
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
        "providers named in the second roster search": f"{options.named:,}",
        "appointments per provider": f"{options.big:,} and {options.small:,}",
        "providers in each dataset shape": f"{options.shape_providers:,}",
        "gunicorn workers (WEB_CONCURRENCY)": options.workers,
        "wrk": f"-t{load.threads} -c{load.connections} -d{load.seconds}s",
        "runs": f"{options.runs} after a {options.warmup_seconds}s warm-up of each target",
    }


if __name__ == "__main__":
    main()
