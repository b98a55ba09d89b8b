"""Logging: one JSON object per line on stdout (or readable lines), through structlog.

structlog's own loggers and the standard library's (Flask, gunicorn, Alembic) end in the
same handler and formatter, so every line has ``ts``, ``level``, ``event``, ``logger`` and
the request's bound context (``request_id``). See docs/DECISIONS.md, "Structured logs".
"""

from __future__ import annotations

import logging
import sys
from typing import IO, Any

import orjson
import structlog
from structlog.typing import Processor

#: Marks the handler installed here, so configuring again replaces it and nothing else
#: (pytest's capture handlers, for one, stay).
_MARK = "_scheduling_handler"


class StdoutHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """A stream handler on stdout (or ``stream``) that ``configure`` recognises as its own."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        super().__init__(stream or sys.stdout)
        setattr(self, _MARK, True)


class _Output:
    """The stream of the latest ``configure``; structlog loggers bound earlier follow it."""

    def __init__(self) -> None:
        self.stream: IO[str] = sys.stdout

    def write(self, text: str) -> int:
        return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()


_OUTPUT = _Output()


def _shared() -> list[Processor]:
    """What every line gets, whether it came through structlog or the standard library."""
    return [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="ts"),
    ]


def _renderers(log_format: str) -> list[Processor]:
    if log_format == "console":
        return [structlog.dev.ConsoleRenderer(colors=False)]
    return [
        structlog.processors.format_exc_info,
        structlog.processors.JSONRenderer(serializer=_orjson_text),
    ]


def _orjson_text(obj: Any, default: Any = None, **_ignored: Any) -> str:
    """structlog's JSON line through orjson (a tenth of the standard library's time); what
    orjson does not know goes to structlog's fallback, as with ``json.dumps``."""
    return orjson.dumps(obj, default=default, option=orjson.OPT_NON_STR_KEYS).decode()


def formatter(log_format: str) -> structlog.stdlib.ProcessorFormatter:
    """The standard library's lines (Flask, gunicorn, Alembic) rendered as structlog's."""
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*_shared(), structlog.stdlib.add_logger_name],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            *_renderers(log_format),
        ],
    )


def configure(log_format: str, log_level: str, stream: IO[str] | None = None) -> None:
    """structlog's loggers and the standard library's root logger, both on stdout.

    structlog's loggers (the request line, events) write straight to the stream, without the
    standard library's machinery: the request line is on every request's path. Logging is
    process-wide: the last call wins (each gunicorn worker makes one app).
    """
    level = logging.getLevelNamesMapping()[log_level.upper()]
    out = _OUTPUT.stream = stream or sys.stdout
    structlog.configure(
        processors=[*_shared(), *_renderers(log_format)],
        logger_factory=structlog.WriteLoggerFactory(file=_OUTPUT),  # type: ignore[arg-type]
        wrapper_class=structlog.make_filtering_bound_logger(level),
        cache_logger_on_first_use=False,
    )
    handler = StdoutHandler(out)
    handler.setFormatter(formatter(log_format))
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _MARK, False)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # The readiness check reads the schema's revision through Alembic, which announces
    # its dialect at INFO each time: noise on every probe.
    logging.getLogger("alembic.runtime.migration").setLevel(max(level, logging.WARNING))


def logger(name: str) -> Any:
    """A structlog logger named ``name``, bound now to the configuration in force."""
    return structlog.get_logger().bind(logger=name)


def gunicorn_logconfig(log_format: str, log_level: str) -> dict[str, Any]:
    """gunicorn's ``logconfig_dict``: its error log (and any access log) as our lines."""
    level = log_level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"structured": {"()": formatter, "log_format": log_format}},
        "handlers": {
            "stdout": {"()": StdoutHandler, "formatter": "structured"},
        },
        "root": {"level": level, "handlers": ["stdout"]},
        "loggers": {
            "gunicorn.error": {"level": level, "handlers": [], "propagate": True},
            "gunicorn.access": {"level": level, "handlers": [], "propagate": True},
        },
    }
