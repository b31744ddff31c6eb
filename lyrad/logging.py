"""structlog set-up: JSON lines for journald, a readable console on a TTY, secrets redacted."""

from __future__ import annotations

import logging
import sys
from typing import Any, TextIO

import structlog
from structlog.typing import Processor

from lyrad.security.redaction import Redactor

_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING}
_LEVELS["error"] = logging.ERROR


def _json_default(value: Any) -> str:
    return str(value)  # Decimals, paths, enums: exact text, never a float


def configure_logging(
    *, level: str, fmt: str, redactor: Redactor, stream: TextIO | None = None
) -> None:
    """Route structlog and stdlib logging (aiohttp, ccxt, ...) through one redacting pipeline."""
    out = stream or sys.stdout
    as_json = fmt == "json" or (fmt == "auto" and not out.isatty())
    renderer: Processor = (
        structlog.processors.JSONRenderer(default=_json_default, sort_keys=False)
        if as_json
        else structlog.dev.ConsoleRenderer(colors=out.isatty())
    )
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
        # Exceptions become text here, before redaction, so tracebacks are masked too.
        structlog.processors.format_exc_info,
        redactor,
    ]
    numeric = _LEVELS[level]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        cache_logger_on_first_use=False,
    )
    handler = logging.StreamHandler(out)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
        )
    )
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(numeric)
    # aiohttp's access log is noise at info; ccxt's debug logs carry signed requests.
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    logging.getLogger("ccxt").setLevel(max(numeric, logging.INFO))


# Module-level loggers must be lazy: `structlog.get_logger(name, component=...)` binds the
# component without assembling a logger before `configure_logging` runs (`.bind()` would).
