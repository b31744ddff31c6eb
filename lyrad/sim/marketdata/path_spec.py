"""What a synthetic price path is made of: noise, jumps, regimes and scripted shocks.

Rates are per hour of sim time and moves are log-returns, so the numbers read the same whatever
the grid step: `volatility = 0.01` is a one-hour standard deviation of about 1%.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

ShockShape = Literal["smooth", "linear"]


@dataclass(frozen=True, slots=True)
class Regime:
    """A named market state with its own drift and volatility, left after a random holding time."""

    name: str
    drift: float  # expected log-return per hour while in this regime
    volatility: float  # standard deviation of the log-return over one hour
    mean_duration_s: float  # mean holding time (exponential) before switching
    # Relative weights of the regimes to switch to; empty = uniform over the other regimes.
    transitions: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True, slots=True)
class Shock:
    """A scripted move laid over the noise, so its size does not depend on the seed."""

    at_s: float  # start, in sim seconds from the scenario start
    duration_s: float  # time to complete the move (0 = a step)
    move_pct: float  # e.g. -30.0: the price ends the move 30% lower than it would have been
    recovery: float = 0.0  # fraction of the move given back afterwards, in [0, 1]
    recovery_s: float = 0.0  # time the recovery takes, starting when the move ends
    shape: ShockShape = "smooth"  # "smooth" eases in and out; "linear" is a constant log-rate


@dataclass(frozen=True, slots=True)
class PathSpec:
    """One symbol's seeded path: log-price noise (GBM/OU) + Poisson jumps + regimes + shocks."""

    start_price: Decimal  # the price at the scenario start, exactly (before tick rounding)
    drift: float = 0.0  # expected log-return per hour (ignored when regimes are given)
    volatility: float = 0.0  # one-hour standard deviation of the log-return (idem)
    mean_reversion: float = 0.0  # per hour; > 0 pulls the noise back (Ornstein-Uhlenbeck)
    jump_intensity: float = 0.0  # expected jumps per hour
    jump_mean: float = 0.0  # mean log-size of a jump
    jump_std: float = 0.0  # standard deviation of the log-size of a jump
    regimes: tuple[Regime, ...] = ()
    initial_regime: str | None = None  # default: the first regime
    shocks: tuple[Shock, ...] = ()
    step_ms: int = 1000  # path grid; must divide 1000 so every kline holds whole steps
    trades_per_step: int = 4  # public trades per grid step are drawn in [1, trades_per_step]
    trade_notional: Decimal = Decimal("500")  # median quote value of a public trade
