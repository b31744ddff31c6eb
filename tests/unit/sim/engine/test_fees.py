"""Commission exactness: where rounding down to the asset's precision is the identity, the
engine takes the product as it is; elsewhere it rounds down, as Binance does."""

from __future__ import annotations

import pytest

from lyrad.sim.engine import AccountSpec, Engine, OrderRequest, OrderType, Side, TimeInForce
from lyrad.sim.engine.accounts import fee_is_exact
from lyrad.sim.engine.arith import places
from tests.unit.sim.engine.helpers import BTCUSDT, NO_LIQUIDITY, D


@pytest.mark.parametrize(
    ("value", "expected"), [("0", 0), ("5", 0), ("1E+3", 0), ("0.010", 2), ("12.3400", 2)]
)
def test_places_counts_the_decimals_of_the_value(value: str, expected: int) -> None:
    assert places(D(value)) == expected


def test_a_fee_is_exact_when_amount_and_rate_decimals_fit_the_precision() -> None:
    # BTCUSDT: quantities to 5 decimals, prices to 2, both assets to 8
    assert fee_is_exact(BTCUSDT, D("0.001")) == (True, False)  # 5 + 3 <= 8; 2 + 5 + 3 > 8
    assert fee_is_exact(BTCUSDT, D("0.00075")) == (False, False)
    assert fee_is_exact(BTCUSDT, D("0.1")) == (True, True)
    coarse = BTCUSDT._replace(max_qty=D("9000.0000001"))  # a bound with 7 decimals counts
    assert fee_is_exact(coarse, D("0.001")) == (False, False)


@pytest.mark.parametrize("rate", ["0.001", "0.00075", "0.1"])
def test_commission_is_the_rounded_down_product_on_either_path(rate: str) -> None:
    maker = AccountSpec("maker", "km", "sm", {"BTC": D("10")}, D(rate), D(rate))
    taker = AccountSpec("taker", "kt", "st", {"USDT": D("1000000")}, D(rate), D(rate))
    engine = Engine([BTCUSDT], [maker, taker], NO_LIQUIDITY, seed=1)
    price, qty = D("60001.37"), D("0.01237")
    sell = OrderRequest("maker", "BTCUSDT", Side.SELL, OrderType.LIMIT, TimeInForce.GTC)
    engine.place_order(sell._replace(quantity=qty, price=price), 1)
    buy = OrderRequest("taker", "BTCUSDT", Side.BUY, OrderType.MARKET, quantity=qty)
    bought = engine.place_order(buy, 2).fills[0]
    sold = engine.account_trades("maker", "BTCUSDT")[0]
    unit = D("0.00000001")
    assert bought.commission == (qty * D(rate) // unit) * unit
    assert sold.commission == (price * qty * D(rate) // unit) * unit
    assert engine.fees_collected() == {"BTC": bought.commission, "USDT": sold.commission}
