"""The HTTP benchmark's report, as markdown: figures, targets, plans, machine, commands."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from bench import shape_report
from bench.databases import SIZE  # in Measurement.loads, beside the seconds of each step
from bench.inspection import Plan
from bench.load import Result, Summary
from bench.servers import Server
from bench.shape_loads import all_loads

BARE, GET, GET_SMALL, POST = "bare", "GET", "GET small", "POST"
NOT_MODIFIED = "GET 304"
GET_LIGHT, ROSTER, ROSTER_NAMED = "GET light", "GET roster", "GET roster named"
POOL = "POST pool"
ROSTERS = (ROSTER, ROSTER_NAMED)
TARGETS = (BARE, GET, NOT_MODIFIED, GET_SMALL, POST, GET_LIGHT, ROSTER, ROSTER_NAMED, POOL)
NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
#: The issue's targets: GET and POST as ratios of the bare endpoint's requests/s.
GET_RATIO = {"sqlite": 0.35, "postgresql": 0.25}
POST_RATIO = 0.15
TAIL_RATIO = 4.0
#: A 304 (If-None-Match with the current tag) must cost well under half of a full GET.
NOT_MODIFIED_RATIO = 0.5
GROWTH_RATIO = 1.2
#: Issue 9: roster searches' p50 over the single-provider GET's, a pool booking's over a
#: plain one's, the roster's absolute p50, and a worker's memory after the roster runs.
ROSTER_RATIO, ROSTER_NAMED_RATIO, POOL_RATIO = 40.0, 6.0, 1.5
ROSTER_P50_MS, WORKER_RSS_MB = 100.0, 100.0
#: Issue 13: server CPU per request over the bare endpoint's, in the same round.
CPU_COST = {GET: {"sqlite": 3.0, "postgresql": 3.5}, POST: {"sqlite": 5.0, "postgresql": 5.0}}


@dataclass
class Measurement:
    """Everything measured on one database."""

    database: str
    sizes: tuple[int, int]  # appointments in the big and the small dataset
    loads: dict[int, dict[str, float]] = field(default_factory=dict)
    durability: dict[str, str] = field(default_factory=dict)
    results: dict[str, list[Result]] = field(
        default_factory=lambda: {t: [] for t in (*TARGETS, *(x.target for x in all_loads()))}
    )
    plans: list[Plan] = field(default_factory=list)
    servers: list[Server] = field(default_factory=list)
    wrk_commands: dict[str, str] = field(default_factory=dict)
    slots_per_run: int = 0
    worker_rss_mb: float = 0.0  # the largest worker's, after the roster runs
    worker_anon_mb: float = 0.0  # ... and the largest anonymous (heap) part
    #: Each dataset shape's load timings, appointments and size (bench/shape_report.py).
    shape_loads: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return NAMES[self.database]

    def summary(self, target: str) -> Summary:
        return Summary.of(self.results[target])

    def ratio(self, target: str) -> float:
        """Requests/s over the bare endpoint's in the same round; the median over rounds."""
        pairs = zip(self.results[target], self.results[BARE], strict=True)
        return statistics.median(r.rps / bare.rps for r, bare in pairs)

    def cpu_cost(self, target: str) -> float:
        """Server CPU per request over the bare endpoint's in the same round (median)."""
        pairs = zip(self.results[target], self.results[BARE], strict=True)
        return statistics.median(r.cpu_ms / bare.cpu_ms for r, bare in pairs)

    def not_modified_cost(self) -> float:
        """Server CPU per 304 over CPU per full GET, in the same round (median over rounds)."""
        pairs = zip(self.results[NOT_MODIFIED], self.results[GET], strict=True)
        return statistics.median(nm.cpu_ms / full.cpu_ms for nm, full in pairs)

    def growth(self) -> float:
        """GET p50 latency on the big dataset over the small one's in the same round (median)."""
        pairs = zip(self.results[GET], self.results[GET_SMALL], strict=True)
        return statistics.median(big.p50_us / small.p50_us for big, small in pairs)

    def p50_ratio(self, target: str, base: str) -> float:
        """``target``'s p50 over ``base``'s in the same round; the median over rounds."""
        pairs = zip(self.results[target], self.results[base], strict=True)
        return statistics.median(t.p50_us / b.p50_us for t, b in pairs)


def _ms(microseconds: float) -> str:
    return f"{microseconds / 1000:.2f}"


def short(count: int) -> str:
    """1,000,000 as 1M, 10,000 as 10k."""
    for size, suffix in ((1_000_000, "M"), (1_000, "k")):
        if count >= size and count % size == 0:
            return f"{count // size}{suffix}"
    return str(count)


def _verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def _labels(m: Measurement) -> dict[str, str]:
    big, small = (f"{n:,}" for n in m.sizes)
    return {
        BARE: "bare `GET /` (ceiling)",
        GET: f"`GET /providers/{{id}}/availabilities`, {big} appointments",
        NOT_MODIFIED: f"the same with a current `If-None-Match` (304), {big} appointments",
        GET_SMALL: f"`GET /providers/{{id}}/availabilities`, {small} appointments",
        POST: f"`POST /appointments`, {big} appointments",
        GET_LIGHT: f"`GET /providers/{{id}}/availabilities`, {big} appointments, "
        "one connection per worker",
        ROSTER: f"`GET /availabilities`, every provider, a week, {big} appointments, "
        "one connection per worker",
        ROSTER_NAMED: f"`GET /availabilities`, providers by `provider_id`, {big} "
        "appointments, one connection per worker",
        POOL: f"`POST /appointments` with a pool of 5 `provider_ids`, {big} appointments",
    }


def _summary_table(m: Measurement) -> Iterator[str]:
    header = "req/s | p50 ms | p99 ms | p99/p50 | ratio to bare | non-2xx | socket errors"
    yield f"| endpoint | {header} | server CPU ms/req | CPU ratio |"
    yield "|---" * 10 + "|"
    for target, label in _labels(m).items():
        s = m.summary(target)
        yield (
            f"| {label} | {s.rps:.0f} | {_ms(s.p50_us)} | {_ms(s.p99_us)} | "
            f"{s.p99_us / s.p50_us:.1f} | {m.ratio(target):.2f} | {s.non_2xx} | "
            f"{s.socket_errors} | {s.cpu_ms:.2f} | {m.summary(BARE).cpu_ms / s.cpu_ms:.2f} |"
        )


def _runs_table(m: Measurement) -> Iterator[str]:
    """Each round: every target's figures, and the ratios measured within the round."""
    ratios = (
        "GET/bare",
        "POST/bare",
        "GET p50 {}/{}".format(*map(short, m.sizes)),
        "304/GET CPU per request",
        "GET/bare CPU per request",
        "POST/bare CPU per request",
    )
    header = [f"{t}: req/s, p50, p99 ms" for t in TARGETS] + list(ratios)
    yield "| run | " + " | ".join(header) + " |"
    yield "|---" * (len(TARGETS) + len(ratios) + 1) + "|"
    for run in range(len(m.results[BARE])):
        r = {t: m.results[t][run] for t in TARGETS}
        cells = [f"{x.rps:.0f}, {_ms(x.p50_us)}, {_ms(x.p99_us)}" for x in r.values()]
        cells += [
            f"{r[GET].rps / r[BARE].rps:.2f}",
            f"{r[POST].rps / r[BARE].rps:.2f}",
            f"{r[GET].p50_us / r[GET_SMALL].p50_us:.2f}",
            f"{r[NOT_MODIFIED].cpu_ms / r[GET].cpu_ms:.2f}",
            f"{r[GET].cpu_ms / r[BARE].cpu_ms:.2f}",
            f"{r[POST].cpu_ms / r[BARE].cpu_ms:.2f}",
        ]
        yield f"| {run + 1} | " + " | ".join(cells) + " |"


def _loads_table(m: Measurement) -> Iterator[str]:
    """Seconds per load step, their total, and the database's size afterwards."""
    figures = next(iter(m.loads.values()))
    steps = [step for step in figures if step != SIZE]
    yield "| appointments | " + " | ".join(f"{s} s" for s in steps) + " | total s | size MB |"
    yield "|---" * (len(steps) + 3) + "|"
    for count, timings in m.loads.items():
        cells = " | ".join(f"{timings[s]:.1f}" for s in steps)
        total = sum(timings[s] for s in steps)
        yield f"| {count:,} | {cells} | {total:.1f} | {timings[SIZE]:.0f} |"


def targets(ms: list[Measurement]) -> Iterator[str]:
    """One row per target of the issue, one column per database: figure and verdict."""
    small, big = (short(n) for n in ms[0].sizes[::-1])
    rows: list[tuple[str, Callable[[Measurement], tuple[str, bool]]]] = [
        ("GET server CPU ≤ 3.0× bare's (SQLite), ≤ 3.5× (PostgreSQL)", lambda m: _cpu(m, GET)),
        ("POST server CPU ≤ 5× bare's", lambda m: _cpu(m, POST)),
        ("GET ≥ 0.35× bare (SQLite), ≥ 0.25× (PostgreSQL)", _get_ratio),
        ("POST ≥ 0.15× bare", _post_ratio),
        ("GET p99 ≤ 4× p50 at 32 connections", lambda m: _tail(m, GET)),
        ("POST p99 ≤ 4× p50 at 32 connections", lambda m: _tail(m, POST)),
        (f"GET p50 growth {small} → {big} ≤ 1.2×", _growth),
        ("every POST a 201 (no slot reused)", _all_created),
        ("a 304 ≤ 0.5× a full GET's server CPU per request", _not_modified_cost),
        ("every conditional GET with a current tag a 304", _all_not_modified),
        (
            f"roster p50 ≤ {ROSTER_RATIO:.0f}× GET p50 (one connection per worker)",
            lambda m: _p50(m, ROSTER, GET_LIGHT, ROSTER_RATIO),
        ),
        (f"roster p50 < {ROSTER_P50_MS:.0f} ms", _roster_p50),
        (
            f"named roster p50 ≤ {ROSTER_NAMED_RATIO:.0f}× GET p50 (one connection per worker)",
            lambda m: _p50(m, ROSTER_NAMED, GET_LIGHT, ROSTER_NAMED_RATIO),
        ),
        (f"pool POST p50 ≤ {POOL_RATIO}× POST p50", lambda m: _p50(m, POOL, POST, POOL_RATIO)),
        (f"worker heap (anonymous RSS) after the roster runs < {WORKER_RSS_MB:.0f} MB", _rss),
    ]
    yield "| target | " + " | ".join(m.name for m in ms) + " |"
    yield "|---" * (len(ms) + 1) + "|"
    for label, judge in rows:
        cells = (" ".join((figure, _verdict(ok))) for figure, ok in map(judge, ms))
        yield f"| {label} | " + " | ".join(cells) + " |"


def _get_ratio(m: Measurement) -> tuple[str, bool]:
    return f"{m.ratio(GET):.2f}×", m.ratio(GET) >= GET_RATIO[m.database]


def _cpu(m: Measurement, target: str) -> tuple[str, bool]:
    cost = m.cpu_cost(target)
    return f"{cost:.2f}×", cost <= CPU_COST[target][m.database]


def _post_ratio(m: Measurement) -> tuple[str, bool]:
    return f"{m.ratio(POST):.2f}×", m.ratio(POST) >= POST_RATIO


def _growth(m: Measurement) -> tuple[str, bool]:
    return f"{m.growth():.2f}×", m.growth() <= GROWTH_RATIO


def _tail(m: Measurement, target: str) -> tuple[str, bool]:
    s = m.summary(target)
    return f"{s.p99_us / s.p50_us:.1f}×", s.p99_us <= TAIL_RATIO * s.p50_us


def _p50(m: Measurement, target: str, base: str, limit: float) -> tuple[str, bool]:
    ratio = m.p50_ratio(target, base)
    return f"{ratio:.1f}×", ratio <= limit


def _roster_p50(m: Measurement) -> tuple[str, bool]:
    p50_ms = m.summary(ROSTER).p50_us / 1000
    return f"{p50_ms:.1f} ms", p50_ms < ROSTER_P50_MS


def _rss(m: Measurement) -> tuple[str, bool]:
    figure = f"{m.worker_anon_mb:.0f} MB (RSS {m.worker_rss_mb:.0f} MB)"
    return figure, m.worker_anon_mb < WORKER_RSS_MB


def _all_created(m: Measurement) -> tuple[str, bool]:
    s = m.summary(POST)
    failed = s.non_2xx + s.socket_errors + s.reused_slots
    return f"{failed} failed or reused", failed == 0


def _not_modified_cost(m: Measurement) -> tuple[str, bool]:
    return f"{m.not_modified_cost():.2f}×", m.not_modified_cost() <= NOT_MODIFIED_RATIO


def _all_not_modified(m: Measurement) -> tuple[str, bool]:
    s = m.summary(NOT_MODIFIED)
    failed = s.misses + s.socket_errors
    return f"{failed} not a 304", failed == 0


def _plans(m: Measurement) -> Iterator[str]:
    command = "EXPLAIN QUERY PLAN" if m.database == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS)"
    for plan in m.plans:
        yield f"{m.name}, {plan.title}, `{command}` at {m.sizes[0]:,} appointments:"
        yield ""
        yield "```sql"
        yield plan.sql
        yield f"-- parameters: {plan.parameters}"
        yield "```"
        yield ""
        yield "```"
        yield plan.plan
        yield "```"
        yield ""


def database_section(m: Measurement) -> Iterator[str]:
    yield f"### {m.name}"
    yield ""
    yield "Durability as served: " + ", ".join(f"`{k}` = {v}" for k, v in m.durability.items())
    yield ""
    yield "Medians of the runs:"
    yield ""
    yield from _summary_table(m)
    yield ""
    yield "Each run, and the ratios measured within it:"
    yield ""
    yield from _runs_table(m)
    yield ""
    yield f"Dataset loads ({m.slots_per_run:,} free slots per POST run):"
    yield ""
    yield from _loads_table(m)
    yield ""
    yield from shape_report.section(m)


NOTES = (
    "- Served with the shipped `gunicorn.conf.py` (sync workers, `WEB_CONCURRENCY` of them, "
    "access and error log to stdout). Each server's stdout goes to "
    "`bench/results/gunicorn-*.log`, so the access log is written to a file, as under a "
    "process supervisor. The one command-line addition is `--control-socket` (a path per "
    "server): gunicorn's default control socket path is shared by every gunicorn on the "
    "machine. It plays no part in serving requests.",
    "- Shipped `max_requests = 100000` (jitter 10000; 10000 before issue 13): the faster bare "
    "endpoint may see a worker recycled during a run, the app's endpoints seldom.",
    "- Sync workers close every connection, so each request opens a new TCP connection, for "
    "every target alike.",
    "- wrk (2 threads) and the database share the machine's cores with the servers, on "
    "loopback. Targets are measured in interleaved rounds (bare, GET 1M, GET 10k, POST), so "
    "a noisy neighbour hits all of them. Requests/s and percentiles are medians over the "
    "runs; a ratio (to the bare endpoint, or GET 1M over GET 10k) is taken within each round "
    "and the median over the rounds is reported.",
    "- Server CPU ms/req: CPU time of the gunicorn master and workers (recycled ones "
    "included, from /proc) over wrk's completed requests. Less sensitive to neighbours than "
    "requests/s; the CPU ratio (bare's CPU per request over the endpoint's) hints at the "
    "ratio a quiet machine would show. It leaves out wrk, and PostgreSQL's own processes, "
    "so on PostgreSQL it flatters the endpoints.",
    "- Dataset (bench/dataset.py): providers in 15 IANA zones with 10-20 weekday windows in a "
    "10-hour day; appointments of 30, 45 or 60 minutes, one per one-hour cell of the "
    "windows, over 104 weeks centred on now, every 20th canceled; client p books provider p.",
    "- GET: a random provider and a random one-week range among the next 50 weeks. POST: "
    "distinct free slots (30-60 minutes) cut from the GET answers for weeks 5-8 ahead, "
    "before the runs; wrk thread i of n sends lines i, i+n, ... of its run's own file.",
    "- GET 304: the same server and kind of request as GET, with `If-None-Match` set to the "
    "answer's current tag, for 1,000 random (provider, week) pairs fetched just before each "
    "run (bench/tags.py); an answer other than 304 is counted as not a 304. Its cost is "
    "compared with GET's by server CPU per request within each round.",
    "- Roster (issue 9): `GET /availabilities` for a random one-week range among the next 50 "
    "weeks, `duration=30&limit=100`, over every provider, or over that many random distinct "
    "providers given by `provider_id`. The roster searches, and the single-provider GET they "
    "are compared with (GET light), run with one wrk connection per gunicorn worker: at 32 "
    "connections a p50 is mostly queueing (about 16 requests ahead on 2 workers), and the "
    "roster's absolute target (p50 under 100 ms) is about one request. Pool POST: distinct "
    "free slots of weeks 9-12 ahead, "
    "each booked by the slot's own client with `provider_ids` naming the slot's provider and "
    "four others of its zone; the p50 ratios are taken within each round. Worker memory: the "
    "largest gunicorn worker's anonymous resident memory (`RssAnon` in /proc: the heap, "
    "caches included) right after each roster run, the maximum over the runs (workers "
    "recycled by `max_requests` start again small); the whole RSS beside it also counts "
    "mapped files, SQLite's 256 MB memory map of the database among them.",
)


@dataclass
class Context:
    """How the benchmark was run, and on what."""

    command: str
    started: str
    finished: str = ""
    machine: dict[str, str] = field(default_factory=dict)
    load_before: str = ""
    load_after: str = ""
    settings: dict[str, str] = field(default_factory=dict)


def _commands(ms: list[Measurement]) -> Iterator[str]:
    yield "```sh"
    for m in ms:
        yield f"# {m.name}"
        for server in m.servers:
            yield server.command
        for target, command in m.wrk_commands.items():
            yield f"{command}  # {target}"
    yield "```"


def render(ms: list[Measurement], context: Context) -> str:
    """The whole report."""
    lines = [
        "## HTTP benchmark report",
        "",
        f"Run `{context.command}`, {context.started} to {context.finished} (UTC).",
        "",
        "Settings: " + ", ".join(f"{k} {v}" for k, v in context.settings.items()) + ".",
        "",
        "Machine: " + ", ".join(f"{k} {v}" for k, v in context.machine.items()) + ".",
        f"Load average (1, 5, 15 min) before: {context.load_before}; after: {context.load_after}.",
        "",
        "### Targets",
        "",
        *targets(ms),
        "",
        "### Targets of the dataset shapes (issue 18)",
        "",
        *shape_report.goals(ms),
        "",
    ]
    for m in ms:
        lines += [*database_section(m)]
    lines += ["### Query plans", ""]
    for m in ms:
        lines += [*_plans(m)]
    lines += [
        "### Commands",
        "",
        *_commands(ms),
        "",
        "### Notes",
        "",
        *NOTES,
        *shape_report.NOTES,
        "",
    ]
    return "\n".join(lines)
