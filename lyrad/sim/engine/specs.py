"""Sanity checks on the engine's configuration values (ValueError names the field)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from lyrad.sim.engine.accounts import HOUSE_ACCOUNT
from lyrad.sim.engine.types import AccountSpec, LiquidityProfile, SymbolSpec


def check_symbol(spec: SymbolSpec) -> None:
    """Reject a SymbolSpec the engine cannot trade (non-positive tick or step, bad bounds)."""
    where = f"symbol {spec.symbol}"
    _positive(f"{where}: tick_size", spec.tick_size)
    _positive(f"{where}: step_size", spec.step_size)
    for name in (
        "min_price",
        "max_price",
        "min_qty",
        "max_qty",
        "market_step_size",
        "market_min_qty",
        "market_max_qty",
        "min_notional",
        "max_notional",
    ):
        _not_negative(f"{where}: {name}", getattr(spec, name))
    if spec.max_qty < spec.min_qty:
        raise ValueError(f"{where}: max_qty is below min_qty")
    if not spec.base or not spec.quote or spec.base == spec.quote:
        raise ValueError(f"{where}: base and quote must be two different assets")


def check_account(
    spec: AccountSpec, known: Mapping[str, object], keys: Mapping[str, object]
) -> None:
    """Reject a reserved or repeated name or API key, negative balances or fees."""
    if spec.name == HOUSE_ACCOUNT or spec.name in known:
        raise ValueError(f"account {spec.name!r}: name is reserved or given twice")
    if not spec.api_key or spec.api_key in keys:
        raise ValueError(f"account {spec.name!r}: api_key is empty or given twice")
    for asset, amount in spec.balances.items():
        _not_negative(f"account {spec.name!r}: balances.{asset}", amount)
    _not_negative(f"account {spec.name!r}: maker_fee", spec.maker_fee)
    _not_negative(f"account {spec.name!r}: taker_fee", spec.taker_fee)


def check_profile(profile: LiquidityProfile) -> None:
    """Reject a liquidity profile that cannot describe a book."""
    if profile.levels < 0:
        raise ValueError("liquidity: levels must be >= 0")
    _not_negative("liquidity: spread_bps", profile.spread_bps)
    _not_negative("liquidity: level_step_bps", profile.level_step_bps)
    _positive("liquidity: level_qty_quote", profile.level_qty_quote)
    _positive("liquidity: depth_growth", profile.depth_growth)


def _positive(field: str, value: Decimal) -> None:
    if not isinstance(value, Decimal) or not value.is_finite() or value <= 0:
        raise ValueError(f"{field}: must be a positive Decimal, got {value!r}")


def _not_negative(field: str, value: Decimal) -> None:
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
        raise ValueError(f"{field}: must be a Decimal >= 0, got {value!r}")
