"""docs/API.md runs as written: its ```sh blocks, in order, against gunicorn.

The database is prepared as ``make run`` prepares it (migrated, ``seed --if-empty``,
``sync-availability`` from the shipped feed, ``api-keys dev-key --file instance/dev-api-key``),
in a temporary directory: bash runs there, so ``instance/dev-api-key`` is the test's own and
the repository's ``instance/`` is never touched. ``PORT`` points the guide's ``API`` at the
test's server on 127.0.0.1.

Every request in the guide goes through its ``api`` function with ``-i`` (the status line and
headers are printed) or ``-f`` (an error status fails the script, which runs under
``set -euo pipefail``). After each block, the statuses printed must be those of the ```http
block that follows it in the guide, in order, and so must the fields that do not depend on the
day: ids, ``Location`` and ``X-Request-ID``, problem types and details, kinds, reasons, who
canceled, the appointment status, ``X-Pagination``'s total, the ids of listed entries, the
metric lines shown.
Timestamps, tags, secrets and the slots of the roster (which move with the seasons of three
time zones) are illustrative and not compared.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.servers import REPO, gunicorn

GUIDE = REPO / "docs" / "API.md"
FEED = REPO / "fixtures" / "calendly_slots.json"
BIN = Path(sys.executable).parent
SCRIPT_TIMEOUT_S = 180
COMMAND_TIMEOUT_S = 60
MARK = "@@@ guide block "

FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
METRIC_LINE = re.compile(r"^[a-z_]+(?:\{[^}]*\})? [0-9.e+-]+$", re.MULTILINE)
STATUS_LINE = re.compile(r"^HTTP/[\d.]+ (\d{3})\b.*$", re.MULTILINE)
#: Fields whose shown values are those of one run on one day, or of one season.
ILLUSTRATIVE = {
    "created_at",
    "canceled_at",
    "starts_at",
    "ends_at",
    "from",
    "to",
    "next_from",
    "secret",
    "availabilities",
    "slots",
    "windows",
    "attempted_at",
    "next_attempt_at",
    "revoked_at",
    "last_used_at",
    "hint",
}
COMPARED_HEADERS = ("location", "x-request-id")

#: Loaded by gunicorn's Python (sitecustomize, first on PYTHONPATH): host names resolve
#: without DNS, the example's receiver to a public address (it is never connected to: no
#: delivery worker runs), so the test talks to nothing but 127.0.0.1.
OFFLINE_DNS = """
import socket

_getaddrinfo = socket.getaddrinfo
_HOSTS = {"localhost": "127.0.0.1", "example.com": "93.184.215.14"}


def _offline(host, port, *args, **kwargs):
    name = host.decode() if isinstance(host, bytes) else host
    kwargs["flags"] = kwargs.get("flags", 0) | socket.AI_NUMERICHOST
    return _getaddrinfo(_HOSTS.get(name, name), port, *args, **kwargs)


socket.getaddrinfo = _offline
"""


@dataclass(frozen=True)
class Block:
    number: int
    script: str
    shown: str | None  # the ```http block that follows it, if any


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: str

    def json(self) -> Any:
        """The body's first JSON value (a piped ``grep`` may follow it), or None."""
        try:
            return json.JSONDecoder().raw_decode(self.body.strip())[0]
        except ValueError:
            return None


def guide_blocks(text: str) -> list[Block]:
    fences = [(m.group(1), m.group(2)) for m in FENCE.finditer(text)]
    blocks = []
    for index, (language, content) in enumerate(fences):
        if language != "sh":
            continue
        following = fences[index + 1] if index + 1 < len(fences) else None
        shown = following[1] if following and following[0] == "http" else None
        blocks.append(Block(len(blocks), content, shown))
    return blocks


def answers(text: str) -> list[Answer]:
    """Each HTTP answer in ``text``: status line, headers up to a blank line, then the body."""
    text = text.replace("\r\n", "\n")
    starts = list(STATUS_LINE.finditer(text))
    found = []
    for i, match in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        head, _, body = text[match.end() : end].lstrip("\n").partition("\n\n")
        headers = {}
        for line in head.splitlines():
            name, sep, value = line.partition(":")
            if sep:
                headers[name.strip().lower()] = value.strip()
        found.append(Answer(int(match.group(1)), headers, body))
    return found


def run_guide(blocks: list[Block], workdir: Path, port: int) -> dict[int, str]:
    """All blocks in one bash, in order; each block's output by its number."""
    script = "set -euo pipefail\n" + "".join(
        f"echo '{MARK}{block.number}'\n{block.script}" for block in blocks
    )
    env = {**os.environ, "PORT": str(port), "LC_ALL": "C.UTF-8"}
    env.pop("TZ", None)
    done = subprocess.run(
        ["bash", "-c", script],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=SCRIPT_TIMEOUT_S,
    )
    (workdir.parent / "transcript.txt").write_text(done.stdout + "\n--- stderr\n" + done.stderr)
    parts = done.stdout.split(MARK)[1:]
    outputs = {int(n): rest for n, _, rest in (part.partition("\n") for part in parts)}
    if done.returncode != 0:
        last = max(outputs, default=0)
        pytest.fail(
            f"the guide's block {last} failed (exit {done.returncode}):\n"
            f"{blocks[last].script}\n--- output\n{outputs.get(last, '')}\n"
            f"--- stderr\n{done.stderr[-3000:]}"
        )
    return outputs


def prepare_as_make_run(database_url: str, feed: Path, workdir: Path) -> None:
    """``make run``'s steps after migrating: seed, sync, the development key."""
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "DATABASE_URL": database_url,
        "CALENDLY_FIXTURE_PATH": str(feed),
    }
    key_file = workdir / "instance" / "dev-api-key"
    for args in (
        ["seed", "--if-empty"],
        ["sync-availability"],
        ["api-keys", "dev-key", "--file", str(key_file)],
    ):
        subprocess.run(
            [str(BIN / "flask"), "--app", "wsgi", *args],
            cwd=REPO,
            env=env,
            check=True,
            capture_output=True,
            timeout=COMMAND_TIMEOUT_S,
        )


def differences(shown: Any, got: Any, where: str) -> list[str]:
    """Where ``got`` differs from ``shown`` in what does not depend on the day."""
    if isinstance(shown, dict) and isinstance(got, dict):
        found = []
        for name, value in shown.items():
            if name in ILLUSTRATIVE:
                continue
            if name not in got:
                found.append(f"{where}.{name}: missing")
            elif name == "affected_appointments":
                ids = [a["id"] for a in got[name]]
                if ids != [a["id"] for a in value]:
                    found.append(f"{where}.{name}: ids {ids}")
            else:
                found += differences(value, got[name], f"{where}.{name}")
        return found
    if isinstance(shown, list) and isinstance(got, list):
        if all(isinstance(item, dict) and "id" in item for item in shown):
            ids = [item.get("id") for item in got if isinstance(item, dict)]
            if ids != [item["id"] for item in shown]:
                return [f"{where}: ids {ids}, shown {[item['id'] for item in shown]}"]
            return []
        return [] if shown == got else [f"{where}: {got!r}, shown {shown!r}"]
    return [] if shown == got else [f"{where}: {got!r}, shown {shown!r}"]


def compare(shown: Answer, got: Answer) -> list[str]:
    found = []
    for name in COMPARED_HEADERS:
        if name in shown.headers and got.headers.get(name) != shown.headers[name]:
            found.append(f"header {name}: {got.headers.get(name)!r}, shown {shown.headers[name]!r}")
    if "x-pagination" in shown.headers:
        total = json.loads(got.headers.get("x-pagination", "{}")).get("total")
        if total != json.loads(shown.headers["x-pagination"])["total"]:
            found.append(f"X-Pagination total: {total}")
    if "etag" in shown.headers and "etag" not in got.headers:
        found.append("no ETag")
    shown_body = shown.json()
    if shown_body is not None:
        found += differences(shown_body, got.json(), "body")
    return found


def test_every_request_of_the_guide_goes_through_api_and_shows_its_status():
    for block in guide_blocks(GUIDE.read_text()):
        calls = re.findall(r"(?:^|\s)api (.*)", block.script)
        for call in calls:
            assert re.match(r"-[if]\b", call), f"an api call without -i or -f: api {call}"
        assert "curl " not in block.script or block.number == 0, block.script
        if any(call.startswith("-i") for call in calls):
            assert block.shown is not None, f"no ```http answer after:\n{block.script}"


def test_the_curl_session_of_the_guide_runs_as_written_against_gunicorn(
    database_url: str, tmp_path: Path
) -> None:
    workdir = tmp_path / "session"
    workdir.mkdir()
    # The guide's last block generates a client with the checkout's .venv, from the root.
    (workdir / ".venv").symlink_to(BIN.parent, target_is_directory=True)
    feed = tmp_path / "calendly_slots.json"
    shutil.copyfile(FEED, feed)
    prepare_as_make_run(database_url, feed, workdir)
    shim = tmp_path / "offline-dns"
    shim.mkdir()
    (shim / "sitecustomize.py").write_text(OFFLINE_DNS)
    blocks = guide_blocks(GUIDE.read_text())
    assert len(blocks) > 30, "the guide's session was not found"
    env = {"PYTHONPATH": os.pathsep.join([str(shim), str(REPO)])}
    key = (workdir / "instance" / "dev-api-key").read_text().strip()  # no other key, as in make run
    log = tmp_path / "gunicorn.log"
    with gunicorn(database_url, feed, workers=2, log=log, env=env, key=key) as server:
        port = int(server.base.rsplit(":", 1)[1])
        outputs = run_guide(blocks, workdir, port)
    reports = []
    for block in blocks:
        got = answers(outputs[block.number])
        shown = answers(block.shown or "")
        statuses = [a.status for a in got]
        if statuses != [a.status for a in shown]:
            problems = [f"statuses {statuses}, shown {[a.status for a in shown]}"]
        else:
            problems = [p for s, g in zip(shown, got, strict=True) for p in compare(s, g)]
        printed = set(METRIC_LINE.findall(outputs[block.number]))
        problems += [
            f"no line {line!r}"
            for line in METRIC_LINE.findall(block.shown or "")
            if line not in printed
        ]
        if problems:
            reports.append(
                f"block {block.number}:\n{block.script}\n"
                + "\n".join(problems)
                + f"\n--- output\n{outputs[block.number][:3000]}"
            )
    assert not reports, "\n\n".join(reports)
    assert (workdir / "scheduling-client" / "pyproject.toml").exists()
