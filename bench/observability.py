"""What logging and metrics cost: GET availabilities as shipped against both turned off (issue 11).

Run: ``make bench-observability`` (or ``.venv/bin/python -m bench.observability [--quick]
[--db sqlite|postgresql]``).

One dataset (bench/dataset.py) is served twice by gunicorn with the shipped
``gunicorn.conf.py``: as shipped (JSON lines at ``info``, one per request, and metrics in
multiprocess mode) and with both off (``LOG_LEVEL=warning``, ``METRICS_ENABLED=false``). wrk
drives ``GET /providers/{id}/availabilities`` on each in turn, round after round, so drift hits
both alike. The report (medians, the ratio of requests/s on to off in the same round; target at
least 0.9) is written to bench/results/observability.md and printed.
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import sys
from contextlib import ExitStack
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from bench import databases, dataset, machine
from bench.http import WEEKS, first_week
from bench.load import Load, Result, Summary, run, wrk_command
from bench.servers import REPO, serving

RESULTS = REPO / "bench" / "results"
TARGET_RATIO = 0.9
ON, OFF = "logging + metrics on (as shipped)", "both off"
SETTINGS = {
    ON: {"LOG_FORMAT": "json", "LOG_LEVEL": "info", "METRICS_ENABLED": "true"},
    OFF: {"LOG_FORMAT": "json", "LOG_LEVEL": "warning", "METRICS_ENABLED": "false"},
}


@dataclass(frozen=True)
class Options:
    database: str
    providers: int
    per_provider: int
    load: Load
    runs: int
    warmup_seconds: int
    workers: str
    admin_url: str
    output: Path


def parse_options(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small data, -d3s, one round")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--runs", type=int, help="rounds measured (default 5; --quick 1)")
    parser.add_argument("--output", type=Path, default=RESULTS / "observability.md")
    args = parser.parse_args(argv)
    options = Options(
        database=args.db,
        providers=1000,
        per_provider=100,
        load=Load(threads=2, connections=32, seconds=10),
        runs=5,
        warmup_seconds=3,
        workers=os.environ.get("WEB_CONCURRENCY") or "2",
        admin_url=os.environ.get("BENCH_POSTGRES_ADMIN_URL")
        or databases.DEFAULT_POSTGRES_ADMIN_URL,
        output=args.output,
    )
    if args.quick:
        load = replace(options.load, seconds=3)
        options = replace(options, providers=100, load=load, runs=1, warmup_seconds=1)
    return replace(options, runs=args.runs) if args.runs else options


def _database(options: Options, spec: dataset.Spec) -> str:
    if options.database == "sqlite":
        url = databases.sqlite_url(RESULTS, spec.appointments)
    else:
        url = databases.create_postgres(options.admin_url, _postgres_name(spec))
    print(f"{options.database}: loading {spec.appointments:,} appointments ...", flush=True)
    dataset.build(url, spec)
    return url


def _postgres_name(spec: dataset.Spec) -> str:
    return databases.postgres_name(spec.appointments) + "_obs"


def measure(options: Options, now: datetime) -> tuple[dict[str, list[Result]], dict[str, str]]:
    """Every round's figures for both settings, and the commands that produced them."""
    spec = dataset.Spec(options.providers, options.per_provider, now)
    url = _database(options, spec)
    results: dict[str, list[Result]] = {ON: [], OFF: []}
    commands: dict[str, str] = {}
    try:
        with ExitStack() as stack:
            servers = {}
            for name, settings in SETTINGS.items():
                env = {"DATABASE_URL": url, "WEB_CONCURRENCY": options.workers, **settings}
                log = RESULTS / f"gunicorn-observability-{name.split()[-1].strip('()')}.log"
                servers[name] = stack.enter_context(serving(name, "wsgi:app", "/health", env, log))
                commands[name] = servers[name].command
            week = str(int(first_week(now).timestamp()))
            for number in range(options.runs + 1):
                load = (
                    options.load
                    if number
                    else replace(options.load, seconds=options.warmup_seconds)
                )
                for name in (ON, OFF) if number % 2 else (OFF, ON):
                    args = [str(options.providers), week, str(WEEKS), str(number)]
                    command = wrk_command(load, servers[name].url, "availability.lua", args)
                    print(f"round {number}/{options.runs}: {name}", flush=True)
                    before = servers[name].cpu_seconds()
                    result = run(command, RESULTS / "wrk-observability.log")
                    cpu = servers[name].cpu_seconds() - before
                    result = replace(result, server_cpu_s=cpu)
                    if number:
                        results[name].append(result)
                    commands[f"wrk ({name})"] = shlex.join(command)
    finally:
        if options.database == "postgresql":
            databases.drop_postgres(options.admin_url, _postgres_name(spec))
    return results, commands


def render(
    options: Options, results: dict[str, list[Result]], commands: dict[str, str], load_before: str
) -> str:
    pairs = list(zip(results[ON], results[OFF], strict=True))
    ratio = statistics.median(on.rps / off.rps for on, off in pairs)
    cpu_ratio = statistics.median(off.cpu_ms / on.cpu_ms for on, off in pairs)
    lines = [
        "# Observability cost: GET /providers/{id}/availabilities",
        "",
        f"{options.database}, {options.providers:,} providers x {options.per_provider:,} "
        f"appointments, {options.workers} workers, wrk -t{options.load.threads} "
        f"-c{options.load.connections} -d{options.load.seconds}s, {options.runs} round(s).",
        "",
        "| setting | requests/s | p50 ms | p99 ms | server CPU ms/request | non-2xx |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name in (ON, OFF):
        s = Summary.of(results[name])
        lines.append(
            f"| {name} | {s.rps:,.0f} | {s.p50_us / 1000:.2f} | {s.p99_us / 1000:.2f} "
            f"| {s.cpu_ms:.3f} | {s.non_2xx} |"
        )
    verdict = "met" if ratio >= TARGET_RATIO else "NOT met"
    lines += [
        "",
        f"On/off requests/s (median of same-round ratios): **{ratio:.3f}x** "
        f"(target >= {TARGET_RATIO}x: {verdict}).",
        f"Off/on server CPU per request (median of same-round ratios; less sensitive to other "
        f"load on the machine): {cpu_ratio:.3f}x.",
        "",
        f"Load average before/after: {load_before} / {machine.load_average()}.",
        "",
        "Machine: " + "; ".join(f"{k}: {v}" for k, v in machine.facts(None).items()),
        "",
        "Commands:",
        "",
    ]
    lines += [f"- {name}: `{command}`" for name, command in commands.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    options = parse_options(argv)
    RESULTS.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC).replace(microsecond=0)
    load_before = machine.load_average()
    results, commands = measure(options, now)
    commands["benchmark"] = shlex.join(
        [Path(sys.executable).name, "-m", "bench.observability", *sys.argv[1:]]
    )
    text = render(options, results, commands, load_before)
    options.output.write_text(text + "\n")
    print(text)
    print(f"\n(written to {options.output})")


if __name__ == "__main__":
    main()
