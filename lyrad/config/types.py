"""Field types operators write by hand: durations, listen addresses, secret references."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Literal

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema
from pydantic_settings import NoDecode

_DURATION = re.compile(r"^\s*(-?)(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def parse_duration(value: object) -> timedelta:
    """`500ms`, `30s`, `5m`, `12h`, `7d` (one number, one unit) -> timedelta; never negative."""
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, str):
        match = _DURATION.match(value)
        if match is None:
            raise ValueError(f"{value!r} is not a duration (write it like 500ms, 30s, 5m, 12h, 7d)")
        sign, number, unit = match.groups()
        seconds = float(number) * _UNIT_SECONDS[unit] * (-1 if sign else 1)
    else:
        raise ValueError("a duration is a string with a unit, like 500ms, 30s, 5m, 12h, 7d")
    if seconds < 0:
        raise ValueError(f"duration must not be negative, got {value}")
    return timedelta(seconds=seconds)


def format_duration(value: timedelta) -> str:
    ms = round(value.total_seconds() * 1000)
    for unit, size in (("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000)):
        if ms and ms % size == 0:
            return f"{ms // size}{unit}"
    return f"{ms}ms"


Duration = Annotated[
    timedelta,
    BeforeValidator(parse_duration),
    PlainSerializer(format_duration, return_type=str),
    WithJsonSchema({"type": "string", "examples": ["500ms", "30s", "5m", "12h", "7d"]}),
]


@dataclass(frozen=True, slots=True)
class ListenAddress:
    host: str
    port: int

    def __str__(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    @property
    def is_loopback(self) -> bool:
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False


def parse_listen(value: object) -> ListenAddress:
    if isinstance(value, ListenAddress):
        return value
    if not isinstance(value, str):
        raise ValueError("an address is a string HOST:PORT, like 127.0.0.1:8787")
    host, sep, port_text = value.strip().rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port_text.isdigit():
        raise ValueError(f"{value!r} is not HOST:PORT (like 127.0.0.1:8787)")
    port = int(port_text)
    if not 0 <= port <= 65535:
        raise ValueError(f"port {port} is outside 0-65535")
    return ListenAddress(host, port)


Listen = Annotated[
    ListenAddress,
    NoDecode,  # a plain string in the environment, not JSON
    BeforeValidator(parse_listen),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "examples": ["127.0.0.1:8787"]}),
]

SecretScheme = Literal["env", "vault", "literal"]


@dataclass(frozen=True, slots=True)
class SecretRef:
    """Where a secret comes from: `env:VAR`, `vault:NAME`, or (loopback venues only) a literal.

    The literal value is never printed: str() and repr() show a mask.
    """

    scheme: SecretScheme
    target: str

    def __str__(self) -> str:
        return "<redacted>" if self.scheme == "literal" else f"{self.scheme}:{self.target}"

    def __repr__(self) -> str:
        return f"SecretRef({self})"


def parse_secret_ref(value: object) -> SecretRef:
    if isinstance(value, SecretRef):
        return value
    if not isinstance(value, str) or not value:
        raise ValueError("a secret is a non-empty string: env:VAR, vault:NAME or a literal value")
    scheme, sep, target = value.partition(":")
    if sep and scheme in ("env", "vault"):
        if not target:
            raise ValueError(f"{scheme}: reference names nothing")
        return SecretRef(scheme, target)  # type: ignore[arg-type]  # narrowed by the check above
    return SecretRef("literal", value)


Secret = Annotated[
    SecretRef,
    NoDecode,
    BeforeValidator(parse_secret_ref),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "examples": ["env:LYRAD_BINANCE_SECRET", "vault:binance"]}),
]
