"""Production settings for ``gunicorn --config gunicorn.conf.py wsgi:app``.

HOST, PORT and WEB_CONCURRENCY come from the environment; so do LOG_FORMAT, LOG_LEVEL,
METRICS_ENABLED and PROMETHEUS_MULTIPROC_DIR (README, "Running in production").
"""

import glob
import os
import shutil
import tempfile

# prometheus_client picks its multiprocess mode when it is first imported (below, by the
# app), so the directory goes into the environment first. Unset, each master makes its own
# (docs/DECISIONS.md, "Metrics"); either way it is emptied at start.
MULTIPROC = "PROMETHEUS_MULTIPROC_DIR"
MADE_HERE = "SCHEDULING_METRICS_TMPDIR"
if not os.environ.get(MULTIPROC):
    shm = "/dev/shm" if os.path.isdir("/dev/shm") else None
    os.environ[MULTIPROC] = os.environ[MADE_HERE] = tempfile.mkdtemp("-metrics", dir=shm)

from gunicorn import glogging  # noqa: E402

from app.config import Config  # noqa: E402
from app.observability.logs import gunicorn_logconfig  # noqa: E402

_config = Config.from_env()  # fails fast on a bad LOG_FORMAT, LOG_LEVEL or METRICS_ENABLED

bind = f"{os.environ.get('HOST') or '127.0.0.1'}:{int(os.environ.get('PORT') or 8000)}"
workers = int(os.environ.get("WEB_CONCURRENCY") or 2)
# gunicorn's sync worker, whose own answers to requests it cannot parse (over the limits
# below, malformed) are problem details, not HTML (docs/DECISIONS.md, "Server-level answers").
worker_class = "app.server_errors.ProblemWorker"
preload_app = False  # each worker builds its own app and database engine after the fork

timeout = 30
graceful_timeout = 20
keepalive = 5  # only used by non-sync workers; sync workers close each connection

# Recycle workers now and then, staggered so they do not all restart at once; rarely enough
# that a worker's schedule caches pay for themselves (docs/DECISIONS.md, "Recycling workers").
max_requests = 100_000
max_requests_jitter = 10_000

# Request limits (the body limit is the app's MAX_CONTENT_LENGTH). The request line is the
# largest gunicorn allows: a query with a 500-character reason fits, and a roster search may
# name about 450 providers (docs/DECISIONS.md, "Roster search"). Over them, the answer is a
# problem: 414 for the line, 431 for the headers.
limit_request_line = 8190
limit_request_fields = 50
limit_request_field_size = 8190

# gunicorn's own lines (start, workers, errors) as the app's: JSON on stdout, or console.
errorlog = "-"
loglevel = _config.log_level
logconfig_dict = gunicorn_logconfig(_config.log_format, _config.log_level)


class Logger(glogging.Logger):
    """gunicorn's logger without its access log: the app writes one line per request,
    with the route and request id and without the query string, which may hold a
    cancellation reason (docs/DECISIONS.md, "Structured logs")."""

    def access(self, resp, req, environ, request_time):
        return None


logger_class = Logger

if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"  # heartbeat files off a possibly slow disk


def on_starting(server):
    """Make the metrics directory, and empty it of an earlier run's metric files."""
    directory = os.environ[MULTIPROC]
    os.makedirs(directory, exist_ok=True)
    for kind in ("counter", "gauge", "histogram", "summary"):
        for leftover in glob.glob(os.path.join(directory, f"{kind}_*.db")):
            os.remove(leftover)


def child_exit(server, worker):
    """A dead worker's live gauges stop counting; its counters stay in the sums."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    made = os.environ.get(MADE_HERE)
    if made:
        shutil.rmtree(made, ignore_errors=True)
