"""Structured logs: one line per event, through the standard library so Nameko's and
gunicorn's own logs and ours end up in the same stream and the same shape: ``key=value`` pairs
(the default) or one JSON object per line (``EOFFICE_LOG_FORMAT=json``).

Every line written while a desk action is handled carries its ``request_id``: the gateway takes
or makes one per request, passes it with every RPC (Nameko's context data) and the outbox keeps
it with every event it causes (:mod:`common.outbox`), so one action can be followed across the
services by that one value.
"""

import logging
import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import structlog
from structlog.typing import Processor

FORMATS = ("keyvalue", "json")
REQUEST_ID = "request_id"
_REQUEST_ID_SHAPE = re.compile(r"[A-Za-z0-9._-]{1,64}")

# What every line gets, whether it was written through structlog or a standard logger.
_SHARED: list[Processor] = [
    structlog.contextvars.merge_contextvars,
    structlog.processors.add_log_level,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]
_HANDLER = logging.StreamHandler()


def log_format() -> str:
    """``EOFFICE_LOG_FORMAT``: ``keyvalue`` (default) or ``json``."""
    chosen = os.environ.get("EOFFICE_LOG_FORMAT", "").strip().lower() or "keyvalue"
    if chosen not in FORMATS:
        raise ValueError(f"EOFFICE_LOG_FORMAT must be one of {', '.join(FORMATS)}, not {chosen!r}")
    return chosen


def formatter(fmt: str | None = None) -> logging.Formatter:
    """The formatter of every handler (also named in config.yaml and the gateway's gunicorn
    settings): a standard record becomes a line like ours, with its logger's name."""
    renderer: Processor = (
        structlog.processors.JSONRenderer()
        if (fmt or log_format()) == "json"
        else structlog.processors.KeyValueRenderer(key_order=["timestamp", "level", "event"])
    )
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*_SHARED, structlog.stdlib.add_logger_name],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            renderer,
        ],
    )


def configure(handler: bool = False) -> None:
    """structlog through the standard library; ``handler``: also give the root logger our
    handler (the gateway: gunicorn configures only its own loggers; Nameko's ``run`` configures
    the root from config.yaml)."""
    # No line names a thread, yet the standard library looks it up for every record (under
    # eventlet, a walk over the green threads; with the process id, ~40% of a service's line).
    # The services' lines name no process either; gunicorn's own, in the gateway, do.
    logging.logThreads = logging.logMultiprocessing = False
    logging.logProcesses = handler
    structlog.configure(
        processors=[*_SHARED, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=True,
    )
    if handler:
        _HANDLER.setFormatter(formatter())
        root = logging.getLogger()
        if _HANDLER not in root.handlers:
            root.addHandler(_HANDLER)
        root.setLevel(os.environ.get("EOFFICE_LOG_LEVEL", "INFO").upper())


def valid_request_id(value: object) -> str | None:
    """``value`` if it is a request id we pass on (1-64 of ``[A-Za-z0-9._-]``), else None."""
    if isinstance(value, str) and _REQUEST_ID_SHAPE.fullmatch(value):
        return value
    return None


def new_request_id() -> str:
    return uuid.uuid4().hex


def request_id() -> str | None:
    """The request id of the desk action being handled here, if any."""
    found = structlog.contextvars.get_contextvars().get(REQUEST_ID)
    return found if isinstance(found, str) else None


def bind_request_id(value: str | None) -> None:
    """From now on (in this thread or green thread) every line carries ``value``; None: no id."""
    structlog.contextvars.unbind_contextvars(REQUEST_ID)
    if value:
        structlog.contextvars.bind_contextvars(**{REQUEST_ID: value})


@contextmanager
def bound_request_id(value: str | None) -> Iterator[None]:
    """``value`` as the request id for the lines written inside, the one before restored."""
    before = request_id()
    bind_request_id(value)
    try:
        yield
    finally:
        bind_request_id(before)
