"""Typed reads of the decoded report JSON (renderers take only the JSON, never live objects)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

EMPTY: Mapping[str, object] = {}


def obj(value: object) -> Mapping[str, object]:
    return value if isinstance(value, Mapping) else EMPTY


def items(value: object) -> Sequence[object]:
    return value if isinstance(value, list | tuple) else ()


def text(value: object, default: str = "") -> str:
    if value is None:
        return default
    return value if isinstance(value, str) else str(value)


def number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def path(report: Mapping[str, object], *keys: str) -> object:
    value: object = report
    for key in keys:
        value = obj(value).get(key)
    return value
