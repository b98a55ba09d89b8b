"""gunicorn servers for the HTTP benchmark, started with the shipped ``gunicorn.conf.py``."""

from __future__ import annotations

import os
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench import keys

REPO = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).parent / "gunicorn"
START_TIMEOUT_S = 60
STOP_TIMEOUT_S = 30
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Server:
    """A running gunicorn: where it answers, and how it was started."""

    name: str
    url: str
    command: str
    pid: int

    def cpu_seconds(self) -> float:
        """CPU time used so far by the master and its workers, recycled workers included."""
        own, reaped = _cpu_ticks(self.pid)
        total = own + reaped  # the master's own, and that of workers it has reaped
        for worker in _children(self.pid):
            total += _cpu_ticks(worker)[0]
        return total / CLOCK_TICKS

    def worker_memory_mb(self) -> tuple[float, float]:
        """The largest resident set among the live workers, and the largest anonymous part of
        one (the heap: caches included; the rest is mapped files, SQLite's memory map among
        them), in MB, from /proc."""
        sizes = [_memory_kb(worker) for worker in _children(self.pid)]
        return (
            max((rss for rss, _ in sizes), default=0) / 1024,
            max((anon for _, anon in sizes), default=0) / 1024,
        )


def _memory_kb(pid: int) -> tuple[int, int]:
    """VmRSS and RssAnon of a process in kB; zeros once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return 0, 0
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    rss, anon = (int(fields.get(name, "0 kB").split()[0]) for name in ("VmRSS", "RssAnon"))
    return rss, anon


def _cpu_ticks(pid: int) -> tuple[int, int]:
    """(utime + stime, cutime + cstime) of a process, from /proc; zeros once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return 0, 0
    fields = stat.rsplit(")", 1)[1].split()  # after "pid (name)": state is fields[0]
    utime, stime, cutime, cstime = (int(f) for f in fields[11:15])
    return utime + stime, cutime + cstime


def _children(pid: int) -> list[int]:
    tasks = Path(f"/proc/{pid}/task")
    return [int(c) for task in tasks.iterdir() for c in (task / "children").read_text().split()]


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return bool(response.status == 200)
    except (OSError, urllib.error.URLError):
        return False


def _wait_until_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited early; see {log}")
        if _answers(url):
            return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer {url} within {START_TIMEOUT_S}s; see {log}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM (gunicorn's graceful stop), then SIGKILL if it lingers."""
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@contextmanager
def serving(
    name: str, app: str, ready_path: str, env: dict[str, str], log: Path
) -> Iterator[Server]:
    """``gunicorn --config gunicorn.conf.py APP`` on a free port, stopped on exit.

    Its stdout and stderr (the shipped config sends the access and error logs there) go to
    ``log``. ``env`` adds to the environment, e.g. DATABASE_URL and WEB_CONCURRENCY.
    """
    if "DATABASE_URL" in env:
        keys.grant(env["DATABASE_URL"])
    port = free_port()
    settings = {"HOST": "127.0.0.1", "PORT": str(port), "PYTHONPATH": str(REPO), **env}
    # Only the control socket is moved: its default path is shared by every gunicorn here.
    control = ["--control-socket", str(log.with_suffix(".ctl"))]
    command = [str(GUNICORN), "--config", "gunicorn.conf.py", *control, app]
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=REPO,
            env={**os.environ, **settings},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_ready(url + ready_path, process, log)
            shown = " ".join(f"{key}={shlex.quote(value)}" for key, value in settings.items())
            yield Server(name, url, f"{shown} {shlex.join(command)}", process.pid)
        finally:
            _stop(process)
