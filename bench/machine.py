"""The machine and the software versions a benchmark ran on."""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
from importlib.metadata import version
from pathlib import Path

import psycopg


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _memory() -> str:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return "unknown"


def _wrk() -> str:
    found = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
    first_line = (found.stdout or found.stderr).splitlines()[0]
    return first_line.split(" Copyright")[0].removeprefix("wrk ")


def postgres_version(admin_url: str) -> str:
    with psycopg.connect(admin_url, connect_timeout=5) as connection:
        row = connection.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "unknown"


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def facts(admin_url: str | None) -> dict[str, str]:
    """nproc, CPU, memory, kernel and the versions of everything on the request path."""
    found = {
        "nproc": str(len(os.sched_getaffinity(0))),
        "CPU": _cpu_model(),
        "memory": _memory(),
        "kernel": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "gunicorn": version("gunicorn"),
        "Flask": version("flask"),
        "flask-smorest": version("flask-smorest"),
        "SQLAlchemy": version("sqlalchemy"),
        "psycopg": version("psycopg"),
        "SQLite": sqlite3.sqlite_version,
        "wrk": _wrk(),
    }
    if admin_url is not None:
        found["PostgreSQL"] = postgres_version(admin_url)
    return found
