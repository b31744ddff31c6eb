"""The risk section: pre-trade limits, breakers and the capital rollout.

Every model is frozen and strict. A limit left out (None) is off. Contradictory limits (a max
below a min, a negative limit, a percentage over 100) are refused with the dotted key named,
at load and at reload alike, because both go through these validators.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from lyrad.config.types import Duration
from lyrad.trading.state import TradingState

Amount = Annotated[Decimal, Field(gt=0)]  # money or quantity, in the unit the key names
Percent = Annotated[Decimal, Field(gt=0, le=100)]
Count = Annotated[int, Field(ge=1)]
BreakerAction = Literal["reducing", "halted"]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _positive(value: timedelta) -> timedelta:
    if value <= timedelta(0):
        raise ValueError("must be longer than 0")
    return value


# --- pre-trade limits -----------------------------------------------------------------------


class SymbolLimits(_Strict):
    """Limits for one symbol (on every venue): quantities in its base, notionals in its quote."""

    max_order_quantity: Amount | None = None
    max_position_quantity: Amount | None = None
    max_position_notional: Amount | None = None


class QuoteLimits(_Strict):
    """Notional limits for the symbols quoted in one currency, in that currency."""

    min_order_notional: Decimal = Field(default=Decimal(0), ge=0)
    max_order_notional: Amount | None = None
    max_gross_exposure: Amount | None = None
    max_net_exposure: Amount | None = None

    @field_validator("max_order_notional", "max_gross_exposure", "max_net_exposure")
    @classmethod
    def _not_below_min_notional(cls, value: Decimal | None, info: ValidationInfo) -> Decimal | None:
        minimum = info.data.get("min_order_notional")
        if value is not None and minimum is not None and value < minimum:
            raise ValueError(f"{value} is below min_order_notional ({minimum})")
        return value


class RiskLimits(_Strict):
    """Pre-trade limits. Once any quote currency has limits, every quote traded needs them."""

    price_band_pct: Percent | None = None  # how far a limit price may be from the reference
    max_orders_per_second: Count | None = None
    max_daily_trades: Count | None = None  # orders sent per UTC day
    max_open_orders_per_symbol: Count | None = None
    max_concentration_pct: Percent | None = None  # one asset's share of equity
    max_leverage: Amount | None = None  # gross exposure / equity
    check_balance: bool = True  # spot: the free balance must pay for the order
    quotes: dict[str, QuoteLimits] = Field(default_factory=dict)  # by quote currency
    symbols: dict[str, SymbolLimits] = Field(default_factory=dict)  # by symbol, e.g. BTC/USDT

    @model_validator(mode="after")
    def _symbol_limits_allow_the_minimum(self) -> RiskLimits:
        for symbol, limits in self.symbols.items():
            quote = symbol.partition("/")[2].partition(":")[0]
            minimum = self.quotes[quote].min_order_notional if quote in self.quotes else None
            maximum = limits.max_position_notional
            if maximum is not None and minimum is not None and maximum < minimum:
                raise ValueError(
                    f"symbols.{symbol}.max_position_notional ({maximum}) is below "
                    f"quotes.{quote}.min_order_notional ({minimum})"
                )
        return self


# --- breakers -----------------------------------------------------------------------------


class HealthBreakerConfig(_Strict):
    """What a venue-health breaker does when it opens, and how it heals."""

    action: BreakerAction = "halted"
    cool_down: Duration = timedelta(seconds=30)  # open, then half-open after this
    successes_to_close: Count = 3  # good observations in half-open before it closes

    _cool_down_positive = field_validator("cool_down")(_positive)

    @property
    def demand(self) -> TradingState:
        return TradingState(self.action)


class ConsecutiveFailuresConfig(HealthBreakerConfig):
    threshold: Count = 5


class ErrorRateConfig(HealthBreakerConfig):
    max_error_pct: Percent = Decimal(50)
    window: Duration = timedelta(minutes=1)
    min_requests: Count = 20  # fewer requests in the window say nothing

    _window_positive = field_validator("window")(_positive)


class LatencyConfig(HealthBreakerConfig):
    max_p99: Duration = timedelta(seconds=2)
    window: Duration = timedelta(minutes=1)
    min_samples: Count = 20

    _durations_positive = field_validator("max_p99", "window")(_positive)


class StaleDataConfig(HealthBreakerConfig):
    max_age: Duration = timedelta(seconds=10)

    _max_age_positive = field_validator("max_age")(_positive)


class ReconcileDriftConfig(HealthBreakerConfig):
    threshold: Count = 1  # reconciliation passes in a row that found drift


class LossBreakerConfig(_Strict):
    action: BreakerAction = "halted"

    @property
    def demand(self) -> TradingState:
        return TradingState(self.action)


class DailyLossConfig(LossBreakerConfig):
    """Loss since the start of the UTC day; either bound (or both) may be set."""

    max_loss: Amount | None = None  # in BreakersConfig.currency
    max_loss_pct: Percent | None = None  # of the start-of-day equity

    @model_validator(mode="after")
    def _one_bound(self) -> DailyLossConfig:
        if self.max_loss is None and self.max_loss_pct is None:
            raise ValueError("set max_loss or max_loss_pct, or leave the section out")
        return self


class DrawdownConfig(LossBreakerConfig):
    max_drawdown_pct: Percent  # from the peak equity, never from the start


class ConsecutiveLossesConfig(LossBreakerConfig):
    max_losses: Count


class BreakersConfig(_Strict):
    """A breaker whose section is left out is off."""

    currency: str = Field(default="USDT", min_length=1)  # of equity and PnL for the loss breakers
    consecutive_failures: ConsecutiveFailuresConfig | None = None
    error_rate: ErrorRateConfig | None = None
    latency: LatencyConfig | None = None
    stale_data: StaleDataConfig | None = None
    reconcile_drift: ReconcileDriftConfig | None = None
    daily_loss: DailyLossConfig | None = None
    drawdown: DrawdownConfig | None = None
    consecutive_losses: ConsecutiveLossesConfig | None = None


# --- capital rollout -----------------------------------------------------------------------


class RolloutStage(_Strict):
    """A capital cap, and what must hold at this stage before the next may begin."""

    cap: Amount  # gross exposure allowed, in RolloutConfig.currency
    min_time: Duration = timedelta(days=7)
    min_trades: int = Field(default=0, ge=0)
    min_pnl: Decimal = Decimal(0)  # the stage's realized PnL must be above this
    max_breaker_trips: int = Field(default=0, ge=0)


def _default_stages() -> tuple[RolloutStage, ...]:
    return tuple(RolloutStage(cap=Decimal(cap)) for cap in (100, 1_000, 10_000, 100_000))


class RolloutConfig(_Strict):
    enabled: bool = False
    currency: str = Field(default="USDT", min_length=1)
    stages: tuple[RolloutStage, ...] = Field(default_factory=_default_stages, min_length=1)

    @model_validator(mode="after")
    def _caps_rise(self) -> RolloutConfig:
        stages = self.stages
        for index in range(1, len(stages)):
            if stages[index].cap <= stages[index - 1].cap:
                raise ValueError(
                    f"stages.{index}.cap ({stages[index].cap}) must be above "
                    f"stages.{index - 1}.cap ({stages[index - 1].cap})"
                )
        return self


class RiskConfig(_Strict):
    """The `[risk]` section of the settings."""

    limits: RiskLimits = Field(default_factory=RiskLimits)
    breakers: BreakersConfig = Field(default_factory=BreakersConfig)
    rollout: RolloutConfig = Field(default_factory=RolloutConfig)
