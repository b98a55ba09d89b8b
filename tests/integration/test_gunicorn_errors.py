"""ProblemWorker gives every error gunicorn names the status gunicorn's own worker gives it.

Both ``handle_error``s run on the same error, on a socket that keeps what is written; ours
must write a problem with gunicorn's status and quote nothing of the request.
"""

from __future__ import annotations

import inspect
import json
import ssl
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from gunicorn.http import errors
from gunicorn.workers.base import Worker

from app.server_errors import ProblemWorker


class CapturedSocket:
    """What ``util.write_nonblock`` writes to a socket, kept."""

    def __init__(self) -> None:
        self.sent = b""

    def gettimeout(self) -> float:
        return 10.0

    def setblocking(self, _flag: bool) -> None:
        return None

    def sendall(self, data: bytes) -> None:
        self.sent += data


def _quiet(*_args: Any, **_kwargs: Any) -> None:
    return None


def _status_written(handle: Callable[..., None], exc: BaseException) -> tuple[int, bytes]:
    worker = SimpleNamespace(
        cfg=SimpleNamespace(
            limit_request_line=8190, limit_request_fields=50, limit_request_field_size=8190
        ),
        log=SimpleNamespace(warning=_quiet, exception=_quiet, debug=_quiet),
    )
    sock = CapturedSocket()
    try:
        raise exc
    except type(exc) as raised:  # handle_error runs inside gunicorn's except block
        handle(worker, None, sock, ("127.0.0.1", 1), raised)
    head, _, body = sock.sent.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def _an_instance(error_class: type[BaseException]) -> BaseException:
    """``error_class`` made with its required arguments, each quoting a private request."""
    parameters = list(inspect.signature(error_class.__init__).parameters.values())[1:]
    required = [p for p in parameters if p.kind is p.POSITIONAL_OR_KEYWORD and p.default is p.empty]
    return error_class(*["GET /x?reason=private"] * len(required))


GUNICORN_ERRORS = sorted(
    (value for value in vars(errors).values() if isinstance(value, type)),
    key=lambda error_class: error_class.__name__,
)


@pytest.mark.parametrize(
    "error_class",
    [*GUNICORN_ERRORS, ssl.SSLError, RuntimeError],
    ids=lambda error_class: error_class.__name__,
)
def test_every_error_gunicorn_names_gets_gunicorns_own_status_as_a_problem(error_class):
    exc = _an_instance(error_class)
    theirs, _ = _status_written(Worker.handle_error, exc)
    ours, body = _status_written(ProblemWorker.handle_error, exc)
    assert ours == theirs
    found = json.loads(body)
    assert found["status"] == ours and found["type"] == "about:blank"
    assert "private" not in found["detail"]
