"""Production settings for ``gunicorn --config gunicorn.conf.py wsgi:app``.

HOST, PORT and WEB_CONCURRENCY come from the environment.
"""

import os

bind = f"{os.environ.get('HOST') or '127.0.0.1'}:{int(os.environ.get('PORT') or 8000)}"
workers = int(os.environ.get("WEB_CONCURRENCY") or 2)
worker_class = "sync"
preload_app = False  # each worker builds its own app and database engine after the fork

timeout = 30
graceful_timeout = 20
keepalive = 5  # only used by non-sync workers; sync workers close each connection

# Recycle workers now and then, staggered so they do not all restart at once.
max_requests = 10000
max_requests_jitter = 1000

# Request limits (the body limit is the app's MAX_CONTENT_LENGTH).
limit_request_line = 8190  # the largest gunicorn allows: a query with a 500-character reason fits
limit_request_fields = 50
limit_request_field_size = 8190

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"  # heartbeat files off a possibly slow disk
