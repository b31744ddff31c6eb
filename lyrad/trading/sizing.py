"""Position sizing: fixed fractional, fractional Kelly, volatility targeting, risk parity.

Every sizer returns a `Decimal` base quantity rounded DOWN to the venue's step and never negative.
Degenerate inputs (no equity, zero volatility, no edge, a stop at the entry) size to zero rather
than raise; invalid parameters (a fraction outside (0, 1], a negative cap) raise `ValueError`
naming the parameter. Money is `Decimal`; estimated statistics (volatility, Kelly fraction) are
floats. Volatilities passed together must share one horizon (all daily or all annualized).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from decimal import ROUND_FLOOR, Decimal, localcontext

ZERO = Decimal(0)
ONE = Decimal(1)


def round_down(quantity: Decimal, step: Decimal) -> Decimal:
    """Round down to a multiple of `step` (a zero step leaves it as is); never below zero."""
    if not (step.is_finite() and step >= ZERO):
        raise ValueError(f"step must be finite and not negative, got {step}")
    if not quantity.is_finite() or quantity <= ZERO:
        return ZERO
    if step == ZERO:
        return quantity
    units = (quantity / step).to_integral_value(rounding=ROUND_FLOOR)
    return (units * step).quantize(step)


def fixed_fractional(
    equity: Decimal,
    *,
    risk_fraction: Decimal,
    entry_price: Decimal,
    stop_price: Decimal,
    step: Decimal,
    max_leverage: Decimal = ONE,
) -> Decimal:
    """The quantity that loses `risk_fraction` of equity if the stop is hit, capped so the
    notional stays within `max_leverage` times equity (a tight stop must not mean a huge order)."""
    _check_fraction("risk_fraction", risk_fraction)
    _check_cap("max_leverage", max_leverage)
    if not _all_positive(equity, entry_price, stop_price) or entry_price == stop_price:
        return ZERO
    with localcontext() as ctx:
        # Division rounds at 28 digits; rounding down keeps the loss at the stop within budget.
        ctx.rounding = ROUND_FLOOR
        at_risk = equity * risk_fraction / abs(entry_price - stop_price)
        capped = equity * max_leverage / entry_price
    return round_down(min(at_risk, capped), step)


def kelly_fraction(win_probability: float, payoff_ratio: float) -> float:
    """Full Kelly for a bet won with `win_probability` paying `payoff_ratio` times the stake lost:
    `p - (1 - p) / b`. Negative means no edge; zero when the payoff is not positive."""
    if not 0.0 <= win_probability <= 1.0:
        raise ValueError(f"win_probability must be in [0, 1], got {win_probability}")
    if not math.isfinite(payoff_ratio) or payoff_ratio <= 0.0:
        return 0.0
    return win_probability - (1.0 - win_probability) / payoff_ratio


def kelly_fraction_from_returns(returns: Sequence[float]) -> float:
    """Continuous Kelly `mean / variance` of periodic returns (sample variance); zero when fewer
    than two returns or no variance. An approximation that assumes small per-period returns."""
    if len(returns) < 2:
        return 0.0
    mean = math.fsum(returns) / len(returns)
    variance = math.fsum((r - mean) ** 2 for r in returns) / (len(returns) - 1)
    if variance == 0.0 or not math.isfinite(variance):
        return 0.0
    return mean / variance


def fractional_kelly(
    equity: Decimal,
    price: Decimal,
    *,
    kelly: float,
    fraction: Decimal,
    cap: Decimal,
    step: Decimal,
) -> Decimal:
    """Invest `fraction` of the full Kelly share of equity, at most `cap` of equity.

    Full Kelly maximizes growth only when the edge is known exactly; estimates are noisy, so a
    fraction (half, a quarter) gives up little growth for far smaller drawdowns.
    """
    _check_fraction("fraction", fraction)
    _check_cap("cap", cap)
    if not math.isfinite(kelly) or kelly <= 0.0 or not _all_positive(equity, price):
        return ZERO
    share = min(fraction * _decimal(kelly), cap)
    return round_down(equity * share / price, step)


def volatility_target(
    equity: Decimal,
    price: Decimal,
    *,
    target_volatility: Decimal,
    volatility: float,
    step: Decimal,
    max_leverage: Decimal = ONE,
) -> Decimal:
    """Hold `target / volatility` of equity so the position's volatility is the target, at most
    `max_leverage` times equity. Zero when the volatility is not positive and finite."""
    if not (target_volatility.is_finite() and target_volatility > ZERO):
        raise ValueError(f"target_volatility must be positive, got {target_volatility}")
    _check_cap("max_leverage", max_leverage)
    if not _is_positive_float(volatility) or not _all_positive(equity, price):
        return ZERO
    exposure = min(target_volatility / _decimal(volatility), max_leverage)
    return round_down(equity * exposure / price, step)


def inverse_volatility_weights(volatilities: Mapping[str, float]) -> dict[str, Decimal]:
    """Risk parity without correlations: weights proportional to 1 / volatility, summing to 1.

    A symbol whose volatility is not positive and finite gets weight 0 (its risk is unknown, not
    zero); if no symbol is usable every weight is 0.
    """
    inverses = {symbol: _inverse(vol) for symbol, vol in volatilities.items()}
    total = sum(inverses.values(), ZERO)
    if total == ZERO:
        return dict.fromkeys(volatilities, ZERO)
    return {symbol: inverse / total for symbol, inverse in inverses.items()}


def risk_parity(
    equity: Decimal,
    prices: Mapping[str, Decimal],
    volatilities: Mapping[str, float],
    *,
    steps: Mapping[str, Decimal],
    gross_leverage: Decimal = ONE,
) -> dict[str, Decimal]:
    """Quantities per symbol splitting `gross_leverage` times equity by inverse volatility.

    Symbols without a positive price are left out of the split (and sized to zero) so their share
    is not silently lost; every symbol needs a step.
    """
    _check_cap("gross_leverage", gross_leverage)
    missing = sorted(set(volatilities) - set(steps))
    if missing:
        raise ValueError(f"steps has no entry for {', '.join(missing)}")
    inverses = {
        symbol: _inverse(vol) if _all_positive(prices.get(symbol, ZERO)) else ZERO
        for symbol, vol in volatilities.items()
    }
    total = sum(inverses.values(), ZERO)
    if total == ZERO or not _all_positive(equity):
        return dict.fromkeys(volatilities, ZERO)
    budget = equity * gross_leverage
    # One division per symbol, not weight-then-size: round shares (2/3 of 30,000 at 50,000)
    # come out exact instead of a hair under a step and one step short.
    return {
        symbol: round_down(budget * inverse / (total * prices[symbol]), steps[symbol])
        if inverse
        else ZERO
        for symbol, inverse in inverses.items()
    }


def _inverse(volatility: float) -> Decimal:
    if not _is_positive_float(volatility):
        return ZERO
    inverse = 1.0 / volatility  # a subnormal volatility overflows to inf: unusable, not huge
    return _decimal(inverse) if math.isfinite(inverse) and inverse > 0.0 else ZERO


def _decimal(statistic: float) -> Decimal:
    # The float's shortest repr, not its binary expansion: Decimal(0.8) is 0.80000000000000004,
    # which would size 0.2 / 0.8 of equity a hair under 25% and one step short.
    return Decimal(repr(statistic))


# Decimal NaN raises InvalidOperation on comparison, so finiteness is checked first.
def _check_fraction(name: str, value: Decimal) -> None:
    if not (value.is_finite() and ZERO < value <= ONE):
        raise ValueError(f"{name} must be in (0, 1], got {value}")


def _check_cap(name: str, value: Decimal) -> None:
    if not (value.is_finite() and value >= ZERO):
        raise ValueError(f"{name} must be finite and not negative, got {value}")


def _all_positive(*values: Decimal) -> bool:
    return all(value.is_finite() and value > ZERO for value in values)


def _is_positive_float(value: float) -> bool:
    return math.isfinite(value) and value > 0.0
