"""One frozen, strict model per component section of the config file."""

from __future__ import annotations

import ipaddress
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from lyrad.config.types import Duration, Listen, ListenAddress, Secret, SecretRef

STRICT = ConfigDict(frozen=True, extra="forbid")


class Section(BaseModel):
    model_config = STRICT


class DaemonConfig(Section):
    """Identity and the supervisor's timing."""

    instance_id: str = Field(default="lyrad1", pattern=r"^[a-z0-9]{1,8}$")
    ready_timeout: Duration = timedelta(seconds=30)
    stop_timeout: Duration = timedelta(seconds=10)
    restart_initial_backoff: Duration = timedelta(milliseconds=500)
    restart_max_backoff: Duration = timedelta(seconds=30)
    restart_budget: int = Field(default=5, ge=0)
    restart_window: Duration = timedelta(minutes=10)

    @model_validator(mode="after")
    def _backoff_order(self) -> DaemonConfig:
        if self.restart_max_backoff < self.restart_initial_backoff:
            raise ValueError("restart_max_backoff must be at least restart_initial_backoff")
        return self


class LogConfig(Section):
    level: Literal["debug", "info", "warning", "error"] = "info"
    format: Literal["auto", "json", "console"] = "auto"


class HttpConfig(Section):
    listen: Listen = ListenAddress("127.0.0.1", 8787)
    metrics_render_timeout: Duration = timedelta(seconds=5)


class JournalConfig(Section):
    path: Path = Path("var/lyrad/journal.sqlite3")
    synchronous: Literal["FULL", "NORMAL"] = "FULL"


class VenueConfig(Section):
    """One trading venue: the embedded simulator or a real exchange through ccxt."""

    kind: Literal["sim", "ccxt"] = "sim"
    exchange: Literal["binance"] = "binance"
    url: str | None = None  # route every API family to one base URL (a standalone sim, a proxy)
    api_key: Secret | None = None
    secret: Secret | None = None
    password: Secret | None = None
    symbols: tuple[str, ...] = ("BTC/USDT",)
    request_timeout: Duration = timedelta(seconds=10)
    # Reconciliation with the venue: how often, how long an order may stay unknown or pending
    # before "not on the venue" means it never arrived, and what balance difference is drift.
    reconcile_interval: Duration = timedelta(seconds=10)
    unknown_grace: Duration = timedelta(seconds=30)
    balance_tolerance: Decimal = Field(default=Decimal(0), ge=0)
    # kind = "sim" only: the embedded simulated exchange
    scenario: str = "calm"
    seed: int = 0
    speed: float = Field(default=1.0, gt=0)
    starting_balances: dict[str, Decimal] = Field(
        default_factory=lambda: {"USDT": Decimal(10000), "BTC": Decimal(1), "ETH": Decimal(10)}
    )

    @field_validator("api_key", "secret", "password")
    @classmethod
    def _no_literal_secret_off_loopback(
        cls, ref: SecretRef | None, info: ValidationInfo
    ) -> SecretRef | None:
        if (
            ref is not None
            and ref.scheme == "literal"
            and info.data.get("kind") == "ccxt"
            and not _is_loopback_url(info.data.get("url"))
        ):
            raise ValueError(
                "a literal secret is only accepted for a loopback url; use env:VAR or vault:NAME"
            )
        return ref


def _is_loopback_url(url: str | None) -> bool:
    if url is None:
        return False
    host = urlsplit(url).hostname or ""
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class MarketMakerConfig(Section):
    """The reference strategy: quotes both sides around the mid, skewed against inventory."""

    kind: Literal["market_maker"] = "market_maker"
    enabled: bool = True
    venue: str = "sim"
    symbol: str = "BTC/USDT"
    quote_size: Decimal = Field(default=Decimal(100), gt=0)  # quote currency per order
    half_spread_bps: Decimal = Field(default=Decimal(10), gt=0)
    requote_interval: Duration = timedelta(seconds=5)
    requote_tolerance_bps: Decimal = Field(default=Decimal(2), ge=0)
    max_inventory: Decimal = Field(default=Decimal("0.01"), gt=0)  # base, net of fills
    inventory_skew_bps: Decimal = Field(default=Decimal(10), ge=0)  # at max inventory
    # Volatility targeting (annualized, e.g. 0.5 = 50%): the inventory limit shrinks so the
    # position's volatility stays near the target. Unset: max_inventory alone.
    target_volatility: Decimal | None = Field(default=None, gt=0)
