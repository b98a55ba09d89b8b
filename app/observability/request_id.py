"""Request ids: the caller's ``X-Request-ID`` when it is safe to keep, else a new one.

``current_request_id()`` is the id of the request being served (None outside one), e.g. for
an outbox row that a later webhook delivery sends back as ``X-Request-ID``.
See docs/DECISIONS.md, "Request ids".
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

import structlog

HEADER = "X-Request-ID"
_SAFE = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_current: ContextVar[str | None] = ContextVar("request_id", default=None)


def accept(header_value: str | None) -> str:
    """The caller's id if it is 1-128 characters of ``[A-Za-z0-9._:-]``, else a new one."""
    if header_value is not None and _SAFE.fullmatch(header_value):
        return header_value
    return uuid.uuid4().hex


def begin(header_value: str | None) -> str:
    """Start a request: its id is bound to every log line until ``end``."""
    request_id = accept(header_value)
    _current.set(request_id)
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(request_id=request_id)
    return request_id


def end() -> None:
    _current.set(None)
    structlog.contextvars.clear_contextvars()


def current_request_id() -> str | None:
    """The id of the request being served in this context, or None."""
    return _current.get()
