"""Resolving `env:`, `vault:` and literal secret references; every value goes to the redactor."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from typing import Protocol

from pydantic import BaseModel

from lyrad.config.types import SecretRef
from lyrad.security.errors import EntryNotFound, SecretUnavailable
from lyrad.security.redaction import Redactor


class SecretStore(Protocol):
    """What resolution needs of an unlocked vault."""

    def get(self, name: str) -> str: ...


def resolve_secret(
    ref: SecretRef,
    *,
    redactor: Redactor,
    vault: SecretStore | None = None,
    environ: Mapping[str, str] | None = None,
) -> str:
    """The value behind `ref`, registered with `redactor`; SecretUnavailable names the reference."""
    if ref.scheme == "env":
        env = os.environ if environ is None else environ
        value = env.get(ref.target)
        if not value:
            raise SecretUnavailable(f"secret {ref}: environment variable {ref.target} is not set")
    elif ref.scheme == "vault":
        if vault is None:
            raise SecretUnavailable(f"secret {ref}: no vault is unlocked")
        try:
            value = vault.get(ref.target)
        except EntryNotFound:
            raise SecretUnavailable(f"secret {ref}: the vault has no such entry") from None
    else:
        value = ref.target
    redactor.register(value)
    return value


def secret_refs(model: BaseModel) -> Iterator[tuple[str, SecretRef]]:
    """Every secret reference in a config tree, with its dotted key (`venues.binance.secret`)."""
    yield from _walk(model, "")


def _walk(value: object, key: str) -> Iterator[tuple[str, SecretRef]]:
    if isinstance(value, SecretRef):
        yield key, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _walk(getattr(value, name), _join(key, name))
    elif isinstance(value, Mapping):
        for k, v in value.items():
            yield from _walk(v, _join(key, str(k)))
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            yield from _walk(v, _join(key, str(i)))


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def needs_vault(model: BaseModel) -> bool:
    return any(ref.scheme == "vault" for _, ref in secret_refs(model))


def resolve_all(
    model: BaseModel,
    *,
    redactor: Redactor,
    vault: SecretStore | None = None,
    environ: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Resolve every reference up front so a missing one stops the start, not the first order.

    Raises SecretUnavailable listing every unresolvable reference (one line each, by key).
    """
    values: dict[str, str] = {}
    problems: list[str] = []
    for key, ref in secret_refs(model):
        try:
            values[key] = resolve_secret(ref, redactor=redactor, vault=vault, environ=environ)
        except SecretUnavailable as e:
            problems.append(f"{key}: {e}")
    if problems:
        raise SecretUnavailable("; ".join(problems))
    return values
