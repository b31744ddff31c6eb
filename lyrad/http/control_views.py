"""Results as JSON: Decimals and enums become exact text, dataclasses become objects."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from aiohttp import web


def plain(value: object) -> Any:
    """A JSON-ready copy of a result value; money never passes through a float."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Enum):
        return plain(value.value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, float):
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    return str(value)


def ok(body: Any, status: int = 200) -> web.Response:
    return web.json_response(body, status=status)


def error(status: int, message: str, headers: Mapping[str, str] | None = None) -> web.Response:
    # One line, always: a refusal never carries a traceback or a second line.
    line = " ".join(message.split()) or "error"
    return web.json_response({"error": line}, status=status, headers=headers)
