"""gunicorn's own answers, given before the app is reached, as RFC 9457 problem details.

gunicorn answers a request it cannot parse (a request line or headers over its limits, a
malformed line or header) from its worker's ``handle_error``, in HTML. ``ProblemWorker``
is its sync worker with that answer written as ``application/problem+json`` instead: the
same statuses as gunicorn's, ``about:blank`` with the status phrase as ``title``, and a
``detail`` that says what to change, never the request's own bytes (docs/DECISIONS.md,
"Server-level answers"). gunicorn.conf.py names it as ``worker_class``.
"""

from __future__ import annotations

import json
import ssl
from collections.abc import Callable
from typing import Any

from gunicorn import util
from gunicorn.http import errors
from gunicorn.workers.sync import SyncWorker

from app.observability.logs import logger
from app.problems import PROBLEM_MIMETYPE

#: RFC 9110's phrases (Python's differ between versions: "Request-URI Too Long").
PHRASES = {
    400: "Bad Request",
    403: "Forbidden",
    414: "URI Too Long",
    417: "Expectation Failed",
    431: "Request Header Fields Too Large",
    500: "Internal Server Error",
    501: "Not Implemented",
}
UNEXPECTED = "The server met an unexpected error; it has been logged."
Limits = Any  # gunicorn's Config: limit_request_line, limit_request_fields, ..._field_size


def line_too_long(limit: int) -> str:
    return (
        f"The request line (method, path and query string) is longer than the server's limit "
        f"of {limit} bytes. Send long lists in a request body: to search many providers, "
        "POST their ids to /availabilities/search."
    )


def _headers_too_large(cfg: Limits) -> str:
    return (
        f"The request's headers are over the server's limits: at most "
        f"{cfg.limit_request_fields} fields, each line at most "
        f"{cfg.limit_request_field_size} bytes."
    )


Detail = str | Callable[[Limits], str]
_HEADER = "A header is malformed, or contradicts another (Content-Length, Transfer-Encoding)."
_CHUNK = "The chunked request body is malformed."
#: gunicorn's error class names, most specific first, with the status gunicorn gives each
#: (tests/integration/test_gunicorn_errors.py holds them equal). Names, so that a class
#: missing from an older gunicorn is skipped; any other error is a 500, as in gunicorn.
_TABLE: tuple[tuple[str, int, Detail], ...] = (
    ("InvalidResponseHeader", 500, UNEXPECTED),  # the app's header, so the app's fault
    ("InvalidResponseHeaderName", 500, UNEXPECTED),
    ("LimitRequestLine", 414, lambda cfg: line_too_long(cfg.limit_request_line)),
    ("LimitRequestHeaders", 431, _headers_too_large),
    ("InvalidRequestLine", 400, "The request line is malformed: send METHOD /path HTTP/1.1."),
    ("InvalidRequestMethod", 400, "The request method is not a valid HTTP method."),
    ("InvalidHTTPVersion", 400, "The HTTP version is not supported: send HTTP/1.1."),
    ("ObsoleteFolding", 400, "A header is folded over two lines, which HTTP/1.1 forbids."),
    ("InvalidHeaderName", 400, _HEADER),
    ("InvalidHeader", 400, _HEADER),
    ("InvalidSchemeHeaders", 400, "The request's scheme headers contradict each other."),
    ("InvalidChunkSize", 400, _CHUNK),
    ("ChunkMissingTerminator", 400, _CHUNK),
    ("InvalidChunkExtension", 400, _CHUNK),
    ("InvalidProxyLine", 400, "The PROXY protocol line is malformed."),
    ("InvalidH2CPreface", 400, "The HTTP/2 cleartext preface is malformed."),
    ("ForbiddenProxyRequest", 403, "This address may not send proxy headers."),
    ("ExpectationFailed", 417, "The Expect header cannot be met; only 100-continue can."),
    ("UnsupportedTransferCoding", 501, "Send the body chunked or with a Content-Length."),
    ("ConfigurationProblem", 500, UNEXPECTED),
)
KNOWN: tuple[tuple[type[BaseException], int, Detail], ...] = (
    *((getattr(errors, name), status, d) for name, status, d in _TABLE if hasattr(errors, name)),
    (ssl.SSLError, 403, "The TLS handshake failed."),
)


def classify(exc: BaseException, cfg: Limits) -> tuple[int, str] | None:
    """``(status, detail)`` for an error gunicorn names; None for an unexpected one."""
    for error_class, status, detail in KNOWN:
        if isinstance(exc, error_class):
            return status, detail(cfg) if callable(detail) else detail
    return None


def encode(status: int, detail: str) -> bytes:
    """The whole HTTP answer: a problem, and the connection closed, as gunicorn's is."""
    title = PHRASES[status]
    problem = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    body = (json.dumps(problem, separators=(",", ":")) + "\n").encode()
    head = (
        f"HTTP/1.1 {status} {title}\r\nConnection: close\r\n"
        f"Content-Type: {PROBLEM_MIMETYPE}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("latin-1") + body


class ProblemWorker(SyncWorker):  # type: ignore[misc]  # gunicorn has no type hints
    """gunicorn's sync worker, whose own error answers are problem details."""

    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        status, detail = classify(exc, self.cfg) or (500, UNEXPECTED)
        log = logger("scheduling.http")
        if status >= 500:
            log.exception("server_error", status=status, error=type(exc).__name__)
        else:  # the class only: gunicorn's messages quote the request (a query, a key)
            log.warning("request_refused", status=status, error=type(exc).__name__)
        try:
            util.write_nonblock(client, encode(status, detail))
        except OSError:
            log.debug("problem_not_sent")
