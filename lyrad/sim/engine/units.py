"""Integer amounts inside the engine: Decimal at its boundary, exact integers within.

Every amount the engine keeps or computes is an int counting a fixed power of ten:
- an order's quantities count *lots*, 10**-lot_places of the base asset, where lot_places
  is the most decimals any of the symbol's quantity filters has;
- a trade's or an order's quote total counts 10**-(price_places + lot_places) of the quote
  asset: price units (10**-price_places, enough for min_price and tick_size) times lots;
- a balance counts 10**-places of its asset, where `places` is large enough for every amount
  that reaches it: base quantities and commission units of every symbol trading the asset as
  base, quote totals and commission units of every symbol quoting in it, and every starting
  balance.
The scales only ever multiply (a coarser count into a finer one), so nothing is rounded
except where Binance rounds (commission, the quantity a quote amount buys), and those
roundings are integer floor divisions of the exact rational value. Decimal arithmetic, with
its object per result and its context lookups, was about half of the engine's instructions.
The boundary converts each way: a request's price becomes its tick index, its quantity a
count of lots; an answer's amounts become Decimals at their scale.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Final, final

from lyrad.sim.engine.arith import EXACT
from lyrad.sim.engine.types import SymbolSpec


def places(value: Decimal) -> int:
    """How many decimals `value` needs (0 for a whole number, whatever its exponent)."""
    if not value:
        return 0
    exponent = value.normalize(EXACT).as_tuple().exponent
    assert isinstance(exponent, int)  # finite: the specs are checked before
    return max(0, -exponent)


def to_units(value: Decimal, scale: int) -> int:
    """`value` as a count of 10**-scale (ValueError if it has more decimals than `scale`)."""
    scaled = value.scaleb(scale, EXACT)
    units = int(scaled)
    if units != scaled:
        raise ValueError(f"{value} has more than {scale} decimals")
    return units


def from_units(units: int, scale: int) -> Decimal:
    """The Decimal that `units` counts of 10**-scale make, with exponent -scale.

    EXACT, passed explicitly: this runs outside the engine's context too (queries), and a
    value too long for its precision must raise, never round.
    """
    return Decimal(units).scaleb(-scale, EXACT)


def asset_places(
    specs: Iterable[SymbolSpec], balances: Iterable[Mapping[str, Decimal]]
) -> dict[str, int]:
    """Each asset's balance scale: fine enough for everything that can reach it (see above)."""
    out: dict[str, int] = {}

    def need(asset: str, scale: int) -> None:
        out[asset] = max(out.get(asset, 0), scale)

    for spec in specs:
        price, lot = price_places(spec), lot_places(spec)
        need(spec.base, max(lot, spec.base_precision))
        need(spec.quote, max(price + lot, spec.quote_precision))
    for amounts in balances:
        for asset, amount in amounts.items():
            need(asset, places(amount))
    return out


def price_places(spec: SymbolSpec) -> int:
    """Decimals of every price on the symbol's grid: min_price + n * tick_size."""
    return max(places(spec.min_price), places(spec.tick_size))


def lot_places(spec: SymbolSpec) -> int:
    """Decimals of every quantity the symbol's filters accept or a quote amount can buy."""
    return max(
        places(spec.min_qty),
        places(spec.step_size),
        places(spec.max_qty),
        places(spec.market_min_qty),
        places(spec.market_step_size),
    )


@final
class Scale:
    """One symbol's integer scales, and the factors between them (all exact powers of ten).

    `base_mult` turns lots into base balance units, `quote_mult` quote totals into quote
    balance units; commission is counted in units of the asset's precision (fee scale
    10**precision, as Binance rounds it), then `*_fee_mult` turns it into balance units.
    """

    __slots__ = (
        "base_fee_mult",
        "base_fee_scale",
        "base_mult",
        "base_precision",
        "lot_places",
        "lot_scale",
        "market_step",
        "min_price_units",
        "price_places",
        "quote_fee_mult",
        "quote_fee_scale",
        "quote_mult",
        "quote_places",
        "quote_precision",
        "quote_scale",
        "tick_units",
    )

    def __init__(self, spec: SymbolSpec, balance_places: Mapping[str, int]) -> None:
        self.price_places: Final[int] = price_places(spec)
        self.lot_places: Final[int] = lot_places(spec)
        self.quote_places: Final[int] = self.price_places + self.lot_places
        self.lot_scale: Final[int] = 10**self.lot_places
        self.quote_scale: Final[int] = 10**self.quote_places
        self.min_price_units: Final[int] = to_units(spec.min_price, self.price_places)
        self.tick_units: Final[int] = to_units(spec.tick_size, self.price_places)
        # Quantities bought with a quote amount follow MARKET_LOT_SIZE, or LOT_SIZE when unset.
        self.market_step: Final[int] = to_units(
            spec.market_step_size or spec.step_size, self.lot_places
        )
        base_places, quote_places = balance_places[spec.base], balance_places[spec.quote]
        self.base_mult: Final[int] = 10 ** (base_places - self.lot_places)
        self.quote_mult: Final[int] = 10 ** (quote_places - self.quote_places)
        self.base_precision: Final[int] = spec.base_precision
        self.quote_precision: Final[int] = spec.quote_precision
        self.base_fee_scale: Final[int] = 10**spec.base_precision
        self.quote_fee_scale: Final[int] = 10**spec.quote_precision
        self.base_fee_mult: Final[int] = 10 ** (base_places - spec.base_precision)
        self.quote_fee_mult: Final[int] = 10 ** (quote_places - spec.quote_precision)

    def price_units(self, tick: int) -> int:
        """The price at index `tick` of the grid, in 10**-price_places."""
        return self.min_price_units + tick * self.tick_units

    def lots(self, qty: Decimal) -> int:
        """An on-grid quantity in lots (the filters have checked it has no more decimals)."""
        return int(qty.scaleb(self.lot_places, EXACT))

    def qty(self, lots: int) -> Decimal:
        return Decimal(lots).scaleb(-self.lot_places, EXACT)

    def quote(self, units: int) -> Decimal:
        return Decimal(units).scaleb(-self.quote_places, EXACT)


FEE_FREE: Final = (0, 1)
"""A fee rate of zero as (numerator, denominator)."""


def fee_ratio(rate: Decimal) -> tuple[int, int]:
    """A fee rate as an exact fraction (numerator, denominator)."""
    return rate.as_integer_ratio()
