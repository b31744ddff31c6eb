"""Config errors: one line each, naming where the value came from, the key and the problem."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from pydantic import ValidationError
from pydantic_core import ErrorDetails

ENV_PREFIX = "LYRAD_"
ENV_DELIMITER = "__"


class ConfigError(Exception):
    """A configuration that cannot be used. `lines` holds one line per problem."""

    def __init__(self, lines: Iterable[str]) -> None:
        self.lines = tuple(lines)
        super().__init__("; ".join(self.lines))


def _key(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc)


def _env_name(loc: tuple[int | str, ...]) -> str:
    return ENV_PREFIX + ENV_DELIMITER.join(str(part).upper() for part in loc)


def _problem(error: ErrorDetails) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required key is missing"
    message = error["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    return message


def _origin(loc: tuple[int | str, ...], source: Path | None, environ: Mapping[str, str]) -> str:
    for depth in range(len(loc), 0, -1):
        name = _env_name(loc[:depth])
        if any(k.upper() == name for k in environ):
            return f"environment {name}"
    return str(source) if source is not None else "built-in defaults"


def from_validation_error(
    error: ValidationError, source: Path | None, environ: Mapping[str, str] | None = None
) -> ConfigError:
    env = os.environ if environ is None else environ
    lines = []
    for detail in error.errors(include_url=False, include_input=False):
        loc = detail["loc"]
        where = _origin(loc, source, env)
        key = _key(loc)
        # Cross-section checks name their own keys in the message.
        lines.append(
            f"{where}: {key}: {_problem(detail)}" if key else f"{where}: {_problem(detail)}"
        )
    return ConfigError(lines)
