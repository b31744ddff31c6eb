"""The engine's integer scales: exact conversions at the boundary, scales fine enough for every
amount, and Binance's commission rounding when a scale is finer than the asset's precision."""

from __future__ import annotations

import pytest

from lyrad.sim.engine import Engine, OrderRequest, OrderType, Side, TimeInForce
from lyrad.sim.engine.units import Scale, asset_places, from_units, places, to_units
from tests.unit.sim.engine.helpers import BTCUSDT, NO_LIQUIDITY, D, account

# min_price and min_qty off their grids, a coarse market step, ETH commission to 2 decimals
ETHBTC = BTCUSDT._replace(
    symbol="ETHBTC",
    base="ETH",
    quote="BTC",
    tick_size=D("0.0001"),
    min_price=D("0.00013"),
    step_size=D("0.01"),
    min_qty=D("0.015"),
    market_step_size=D("0.05"),
    market_min_qty=D("0.02"),
    min_notional=D("0.0001"),
    base_precision=2,
    quote_precision=6,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0", 0), ("5", 0), ("1E+3", 0), ("0.010", 2), ("0.00000001", 8), ("12.3400", 2)],
)
def test_places_counts_the_decimals_a_value_needs(value: str, expected: int) -> None:
    assert places(D(value)) == expected


def test_to_units_is_exact_or_refuses() -> None:
    assert to_units(D("1.23"), 2) == 123
    assert to_units(D("1E+3"), 2) == 100_000
    with pytest.raises(ValueError, match=r"1\.234 has more than 2 decimals"):
        to_units(D("1.234"), 2)


def test_from_units_gives_the_value_at_its_scale_without_rounding() -> None:
    value = from_units(123, 2)
    assert value == D("1.23")
    assert value.as_tuple().exponent == -2
    huge = 10**45 + 1  # longer than the default context's 28 digits
    assert str(from_units(huge, 8)) == f"{10**37}.00000001"


def test_asset_places_fit_quantities_quote_totals_precisions_and_balances() -> None:
    scales = asset_places([BTCUSDT, ETHBTC], [{"USDT": D("0.123456789123")}])
    # BTC: base of BTCUSDT (5 lot places, precision 8), quote of ETHBTC (5 + 3 places)
    assert scales == {"BTC": 8, "USDT": 12, "ETH": 3}


def test_a_scale_counts_prices_from_min_price_and_quantities_in_lots() -> None:
    balance_places = asset_places([ETHBTC], [])
    scale = Scale(ETHBTC, balance_places)
    assert (scale.price_places, scale.lot_places, scale.quote_places) == (5, 3, 8)
    assert [scale.price_units(tick) for tick in (0, 2)] == [13, 33]  # 0.00013, 0.00033
    assert scale.market_step == 50
    assert scale.lots(D("1.015")) == 1015
    assert scale.qty(1015) == D("1.015")
    assert scale.quote(33 * 1015) == D("0.00033") * D("1.015")
    # ETH balances count 10**-3, commission 10**-2: one commission unit is 10 balance units
    assert (scale.base_mult, scale.base_fee_mult, scale.quote_fee_mult) == (1, 10, 100)


def test_commission_rounds_down_to_the_received_assets_precision() -> None:
    maker, taker = account("maker", ETH="100", BTC="0"), account("taker", ETH="0", BTC="10")
    engine = Engine([ETHBTC], [maker, taker], NO_LIQUIDITY, seed=1)
    sell = OrderRequest("maker", "ETHBTC", Side.SELL, OrderType.LIMIT, TimeInForce.GTC)
    engine.place_order(sell._replace(quantity=D("12.345"), price=D("0.05003")), 1)
    buy = sell._replace(account="taker", side=Side.BUY, time_in_force=TimeInForce.IOC)
    fill = engine.place_order(buy._replace(quantity=D("12.345"), price=D("0.05003")), 2).fills[0]
    # taker fee 0.002 x 12.345 ETH = 0.02469, rounded down to ETH's 2 decimals
    assert (fill.qty, fill.commission, fill.commission_asset) == (D("12.345"), D("0.02"), "ETH")
    # maker fee 0.001 x 0.61762035 BTC = 0.00061762035, rounded down to BTC's 6 decimals
    maker_fill = engine.account_trades("maker", "ETHBTC")[0]
    assert maker_fill.quote_qty == D("0.61762035")
    assert maker_fill.commission == D("0.000617")
    taker_has = {b.asset: b.free for b in engine.balances("taker")}
    assert taker_has == {"ETH": D("12.325"), "BTC": D("10") - D("0.61762035")}
    maker_has = {b.asset: b.free for b in engine.balances("maker")}
    assert maker_has == {"ETH": D("100") - D("12.345"), "BTC": D("0.61762035") - D("0.000617")}
    assert engine.fees_collected() == {"ETH": D("0.02"), "BTC": D("0.000617")}
