from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from lyrad.domain.values import ZERO, Balance, OrderType, Side
from lyrad.journal.accounting import balances_after_fill, fill_assets
from tests.unit.journal.factories import make_fill, make_order

D = Decimal


def bal(asset: str, free: str, used: str = "0") -> Balance:
    return Balance(venue="sim", asset=asset, free=D(free), used=D(used))


def test_a_limit_buy_spends_its_reservation_and_frees_the_price_improvement() -> None:
    order = make_order(side=Side.BUY, amount="2", price="100")
    fill = make_fill(order, amount="1", price="99", fee="0.001", fee_currency="BTC")
    after = balances_after_fill({"USDT": bal("USDT", "800", "200")}, order, fill)
    assert after["USDT"] == bal("USDT", "801", "100")  # 100 released, 99 spent, 1 back to free
    assert after["BTC"] == bal("BTC", "0.999")


def test_a_limit_sell_takes_base_from_used_then_free() -> None:
    order = make_order(side=Side.SELL, amount="2", price="100")
    fill = make_fill(order, amount="1.5", fee="0.15", fee_currency="USDT")
    held = {"BTC": bal("BTC", "3", "1"), "USDT": bal("USDT", "10")}
    after = balances_after_fill(held, order, fill)
    assert after["BTC"] == bal("BTC", "2.5", "0")
    assert after["USDT"] == bal("USDT", "159.85")


def test_a_market_order_spends_from_free_and_a_third_asset_pays_the_fee() -> None:
    order = make_order(type=OrderType.MARKET, price=None)
    fill = make_fill(order, amount="1", price="100", fee="0.01", fee_currency="BNB")
    held = {"USDT": bal("USDT", "500", "50"), "BNB": bal("BNB", "1")}
    after = balances_after_fill(held, order, fill)
    assert after["USDT"] == bal("USDT", "400", "50")
    assert after["BTC"] == bal("BTC", "1")
    assert after["BNB"] == bal("BNB", "0.99")
    assert fill_assets(fill) == ("BTC", "USDT", "BNB")


amounts = st.integers(min_value=1, max_value=10**6).map(lambda n: D(n).scaleb(-4))
prices = st.integers(min_value=1, max_value=10**7).map(lambda n: D(n).scaleb(-2))
money = st.integers(min_value=0, max_value=10**9).map(lambda n: D(n).scaleb(-3))


@given(
    st.sampled_from(Side),
    st.sampled_from(OrderType),
    amounts,
    prices,
    prices,
    st.sampled_from(["BTC", "USDT", "BNB"]),
    money,
    money,
    money,
)
def test_each_total_moves_by_exactly_the_fill_cash_flow(
    side: Side,
    type_: OrderType,
    amount: Decimal,
    limit: Decimal,
    price: Decimal,
    fee_currency: str,
    free: Decimal,
    used: Decimal,
    fee: Decimal,
) -> None:
    order = make_order(side=side, type=type_, amount=str(amount), price=str(limit))
    fill = make_fill(
        order, amount=str(amount), price=str(price), fee=str(fee), fee_currency=fee_currency
    )
    held = {a: bal(a, str(free), str(used)) for a in ("BTC", "USDT", "BNB")}
    after = balances_after_fill(held, order, fill)
    flow = {"BTC": amount * side.sign, "USDT": -fill.cost * side.sign}
    flow[fee_currency] = flow.get(fee_currency, ZERO) - fee
    for asset, change in flow.items():
        assert after[asset].total - held[asset].total == change
        assert ZERO <= after[asset].used <= held[asset].used
