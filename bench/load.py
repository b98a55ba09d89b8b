"""Driving a server with wrk (Debian's package) and reading its figures.

Every wrk script in ``bench/wrk/`` ends with a ``done`` hook that prints one ``BENCH {json}``
line (bench/wrk/report.lua); that line is what is read here.
"""

from __future__ import annotations

import json
import shlex
import shutil
import statistics
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench import keys
from bench.servers import REPO

SCRIPTS = Path("bench") / "wrk"  # wrk runs in the repository's root
#: Long enough that a slow request is measured, not dropped: gunicorn's own timeout.
TIMEOUT = "30s"
MARKER = "BENCH "


@dataclass(frozen=True)
class Load:
    """How hard to drive: wrk's -t, -c and -d."""

    threads: int = 2
    connections: int = 32
    seconds: int = 10


@dataclass(frozen=True)
class Result:
    """One wrk run's figures (latencies in microseconds)."""

    requests: int
    seconds: float
    p50_us: int
    p90_us: int
    p99_us: int
    max_us: int
    mean_us: float
    non_2xx: int
    connect_errors: int
    read_errors: int
    write_errors: int
    timeouts: int
    reused_slots: int
    misses: int = 0  # answers other than the one expected (a 304 for the 304 load)
    server_cpu_s: float = 0.0  # the server's CPU time during the run (bench/servers.py)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    @property
    def cpu_ms(self) -> float:
        """Server CPU milliseconds per request."""
        return 1000 * self.server_cpu_s / max(self.requests, 1)

    @property
    def socket_errors(self) -> int:
        return self.connect_errors + self.read_errors + self.write_errors + self.timeouts


def wrk_command(load: Load, url: str, script: str, args: Sequence[str] = ()) -> list[str]:
    """The wrk command line; ``script`` is a file in bench/wrk/, ``args`` go to its init."""
    command = ["wrk", f"-t{load.threads}", f"-c{load.connections}", f"-d{load.seconds}s"]
    command += ["-H", keys.authorization()]
    command += ["--timeout", TIMEOUT, "--latency", "-s", str(SCRIPTS / script), url]
    return command + (["--", *args] if args else [])


def parse(output: str) -> Result:
    """The figures from wrk's output (the ``BENCH`` line of bench/wrk/report.lua)."""
    for line in output.splitlines():
        if line.startswith(MARKER):
            return Result(**json.loads(line[len(MARKER) :]))
    raise ValueError(f"no {MARKER.strip()} line in wrk's output:\n{output[-2000:]}")


def run(command: list[str], log: Path) -> Result:
    """Run wrk, append its whole output to ``log``, and return its figures."""
    if shutil.which(command[0]) is None:
        raise RuntimeError("wrk is not installed: apt-get install wrk (make bench-http does)")
    finished = subprocess.run(
        command, cwd=REPO, capture_output=True, text=True, check=True, timeout=600
    )
    with log.open("a") as output:
        output.write(f"$ {shlex.join(command)}\n{finished.stdout}{finished.stderr}\n")
    return parse(finished.stdout)


@dataclass(frozen=True)
class Summary:
    """Medians over repeated runs of one target."""

    rps: float
    p50_us: float
    p90_us: float
    p99_us: float
    cpu_ms: float
    non_2xx: int
    socket_errors: int
    reused_slots: int
    misses: int = 0

    @classmethod
    def of(cls, results: Sequence[Result]) -> Summary:
        """Medians of rate and percentiles; totals of the error counts."""
        return cls(
            rps=statistics.median(r.rps for r in results),
            p50_us=statistics.median(r.p50_us for r in results),
            p90_us=statistics.median(r.p90_us for r in results),
            p99_us=statistics.median(r.p99_us for r in results),
            cpu_ms=statistics.median(r.cpu_ms for r in results),
            non_2xx=sum(r.non_2xx for r in results),
            socket_errors=sum(r.socket_errors for r in results),
            reused_slots=sum(r.reused_slots for r in results),
            misses=sum(r.misses for r in results),
        )
