"""Building the venue under test from the config: credentials, mode, and adapter instances.

`validate` is its own composition root (like `lyrad run` has `lyrad.app`): it builds the same
`CcxtAdapter` the daemon builds (see `App._build_adapter`), with the venue's quirks and one
shared `WeightedRateLimiter`, and more instances of it on demand (SEC-03, PRD-10, PRD-12).
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from prometheus_client import CollectorRegistry

from lyrad.config.sections import VenueConfig
from lyrad.config.types import SecretRef
from lyrad.exchanges.adapter import ExchangeAdapter
from lyrad.exchanges.clock import Clock
from lyrad.exchanges.metrics import VenueMetrics
from lyrad.exchanges.quirks import VenueQuirks
from lyrad.exchanges.rate_limit import WeightedRateLimiter
from lyrad.exchanges.retry import RetryPolicy
from lyrad.security.errors import SecurityError
from lyrad.security.redaction import Redactor
from lyrad.validate.context import Instance, Mode


@dataclass(frozen=True, slots=True)
class VenueAccess:
    """Where the venue answers and with which credentials (resolved; never printed)."""

    venue: str
    exchange: str
    base_url: str | None
    api_key: str | None
    secret: str | None
    password: str | None
    timeout_s: float

    def __repr__(self) -> str:
        return f"VenueAccess({self.venue}, {self.exchange}, {self.base_url})"

    @property
    def has_credentials(self) -> bool:
        return bool(self.api_key and self.secret)

    @property
    def key_id(self) -> str | None:
        return f"…{self.api_key[-4:]}" if self.api_key else None


@dataclass(frozen=True, slots=True)
class AdapterSpec:
    """Everything `CcxtAdapter.__init__` takes."""

    access: VenueAccess
    limiter: WeightedRateLimiter
    metrics: VenueMetrics
    clock: Clock
    quirks: VenueQuirks


AdapterBuilder = Callable[[AdapterSpec], ExchangeAdapter]


def ccxt_builder(spec: AdapterSpec, retry: RetryPolicy | None = None) -> ExchangeAdapter:
    """The daemon's own adapter, with the calls the suite needs beyond trading."""
    from lyrad.exchanges.ccxt_validation import ValidatingCcxtAdapter

    access = spec.access
    return ValidatingCcxtAdapter(
        access.venue,
        access.exchange,
        base_url=access.base_url,
        api_key=access.api_key,
        secret=access.secret,
        password=access.password,
        timeout_s=access.timeout_s,
        limiter=spec.limiter,
        metrics=spec.metrics,
        clock=spec.clock,
        quirks=spec.quirks,
        retry=retry,
    )


class AdapterInstances:
    """The AdapterFactory of a run: each instance has its own session and metrics registry."""

    def __init__(
        self,
        access: VenueAccess,
        *,
        limiter: WeightedRateLimiter,
        clock: Clock,
        quirks: VenueQuirks,
        builder: AdapterBuilder = ccxt_builder,
        redactor: Redactor | None = None,
    ) -> None:
        self._access = access
        self._limiter = limiter
        self._clock = clock
        self._quirks = quirks
        self._builder = builder
        self._redactor = redactor

    @asynccontextmanager
    async def open(
        self, *, secret: str | None = None, timeout_s: float | None = None
    ) -> AsyncIterator[Instance]:
        access = self._access
        if secret is not None:
            if self._redactor is not None:
                self._redactor.register(secret)
            access = replace(access, secret=secret)
        if timeout_s is not None:
            access = replace(access, timeout_s=timeout_s)
        registry = CollectorRegistry()
        adapter = self._builder(
            AdapterSpec(access, self._limiter, VenueMetrics(registry), self._clock, self._quirks)
        )
        try:
            yield Instance(adapter, registry)
        finally:
            await adapter.close()


# --- from the config ------------------------------------------------------------------


class CredentialsUnavailable(Exception):
    """A configured credential could not be resolved; the message names the reference only."""


def is_loopback(url: str | None) -> bool:
    host = urlsplit(url or "").hostname or ""
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def mode_of(config: VenueConfig, *, sandbox: bool) -> Mode:
    if config.kind == "sim" or is_loopback(config.url):
        return Mode.SIM
    return Mode.SANDBOX if sandbox else Mode.LIVE


def config_hash(config: VenueConfig) -> str:
    """A short fingerprint of the venue's section (secret references, never values)."""
    return hashlib.sha256(config.model_dump_json().encode()).hexdigest()[:16]


def credential_source(config: VenueConfig) -> str:
    if config.kind == "sim":
        return "generated"
    ref = config.api_key
    return "none" if ref is None else ref.scheme


def resolve(
    ref: SecretRef | None,
    *,
    redactor: Redactor,
    environ: Mapping[str, str],
    vault_path: Path | None = None,
) -> str | None:
    """The value behind `ref`, registered with the redactor; CredentialsUnavailable if missing."""
    if ref is None:
        return None
    if ref.scheme == "literal":
        value = ref.target
    elif ref.scheme == "env":
        value = environ.get(ref.target, "")
        if not value:
            raise CredentialsUnavailable(f"{ref}: environment variable {ref.target} is not set")
    else:
        value = _from_vault(ref, environ, vault_path)
    redactor.register(value)
    return value


def _from_vault(ref: SecretRef, environ: Mapping[str, str], vault_path: Path | None) -> str:
    from lyrad.security.config import VaultConfig
    from lyrad.security.key_sources import KeySources
    from lyrad.security.vault import Vault

    config = VaultConfig()
    sources = KeySources.from_environment(
        environ, key_file=config.key_file, credential=config.credential, prompt=None
    )
    try:
        return Vault.open(vault_path or config.path, sources).get(ref.target)
    except SecurityError as e:
        raise CredentialsUnavailable(f"{ref}: {e}") from None


def access_for(
    name: str, config: VenueConfig, *, redactor: Redactor, environ: Mapping[str, str] | None = None
) -> tuple[VenueAccess, str | None]:
    """The access of a `kind = "ccxt"` venue, and a note when its credentials are unusable."""
    env = os.environ if environ is None else environ
    note = None
    try:
        key = resolve(config.api_key, redactor=redactor, environ=env)
        secret = resolve(config.secret, redactor=redactor, environ=env)
        password = resolve(config.password, redactor=redactor, environ=env)
    except CredentialsUnavailable as e:
        key = secret = password = None
        note = f"credentials unavailable ({e}): public checks only"
    if note is None and not (key and secret):
        note = "no credentials configured: public checks only"
    timeout = config.request_timeout.total_seconds()
    access = VenueAccess(name, config.exchange, config.url, key, secret, password, timeout)
    return access, note
