from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lyrad.domain.positions import apply_fill, fee_in_quote, split_symbol
from lyrad.domain.values import ZERO, Fill, Position, Side

D = Decimal


def fill(
    side: Side,
    amount: str | Decimal,
    price: str | Decimal,
    fee: str | Decimal = "0",
    fee_currency: str = "USDT",
    symbol: str = "BTC/USDT",
    trade_id: str = "t",
) -> Fill:
    amount, price = D(amount), D(price)
    return Fill(
        venue="sim",
        trade_id=trade_id,
        client_order_id="c",
        venue_order_id="v",
        symbol=symbol,
        side=side,
        price=price,
        amount=amount,
        cost=amount * price,
        fee=D(fee),
        fee_currency=fee_currency,
        is_maker=False,
        timestamp_ms=0,
    )


FLAT = Position(venue="sim", symbol="BTC/USDT")


def test_buys_average_their_cost() -> None:
    pos = apply_fill(FLAT, fill(Side.BUY, "1", "100"))
    pos = apply_fill(pos, fill(Side.BUY, "3", "200"))
    assert pos.quantity == D(4)
    assert pos.average_cost == D(175)
    assert pos.realized_pnl == ZERO


def test_a_reduction_realizes_against_the_average_and_keeps_it() -> None:
    pos = apply_fill(FLAT, fill(Side.BUY, "2", "100"))
    pos = apply_fill(pos, fill(Side.SELL, "0.5", "120"))
    assert pos.quantity == D("1.5")
    assert pos.average_cost == D(100)
    assert pos.realized_pnl == D(10)


def test_closing_flat_resets_the_average() -> None:
    pos = apply_fill(FLAT, fill(Side.BUY, "2", "100"))
    pos = apply_fill(pos, fill(Side.SELL, "2", "90"))
    assert pos.quantity == ZERO
    assert pos.average_cost == ZERO
    assert pos.realized_pnl == D(-20)


def test_a_flip_realizes_the_old_side_and_opens_the_new_at_the_fill_price() -> None:
    pos = apply_fill(FLAT, fill(Side.BUY, "1", "100"))
    pos = apply_fill(pos, fill(Side.SELL, "3", "110"))
    assert pos.quantity == D(-2)
    assert pos.average_cost == D(110)
    assert pos.realized_pnl == D(10)


def test_a_short_gains_when_the_price_falls() -> None:
    pos = apply_fill(FLAT, fill(Side.SELL, "2", "100"))
    pos = apply_fill(pos, fill(Side.BUY, "1", "80"))
    assert pos.quantity == D(-1)
    assert pos.realized_pnl == D(20)
    assert pos.unrealized_pnl(D(90)) == D(10)


def test_fees_are_valued_in_quote() -> None:
    quote_fee = fill(Side.BUY, "1", "100", fee="0.1", fee_currency="USDT")
    base_fee = fill(Side.BUY, "1", "100", fee="0.001", fee_currency="BTC")
    bnb_fee = fill(Side.BUY, "1", "100", fee="0.02", fee_currency="BNB")
    assert fee_in_quote(quote_fee) == D("0.1")
    assert fee_in_quote(base_fee) == D("0.100")
    assert fee_in_quote(bnb_fee) is None
    assert fee_in_quote(bnb_fee, fee_currency_price=D(600)) == D("12.00")
    pos = apply_fill(FLAT, base_fee)
    assert pos.quantity == D(1)  # the base fee moves the balance, not the traded quantity
    assert pos.fees_paid == D("0.1")
    assert apply_fill(FLAT, bnb_fee).fees_paid == ZERO
    assert apply_fill(FLAT, bnb_fee, fee_currency_price=D(600)).fees_paid == D(12)


def test_a_fill_of_another_symbol_or_of_nothing_is_refused() -> None:
    with pytest.raises(ValueError, match="ETH/USDT"):
        apply_fill(FLAT, fill(Side.BUY, "1", "100", symbol="ETH/USDT"))
    with pytest.raises(ValueError, match="amount"):
        apply_fill(FLAT, fill(Side.BUY, "0", "100"))


def test_split_symbol() -> None:
    assert split_symbol("BTC/USDT") == ("BTC", "USDT")
    assert split_symbol("BTC/USDT:USDT") == ("BTC", "USDT")
    with pytest.raises(ValueError, match="BTCUSDT"):
        split_symbol("BTCUSDT")


amounts = st.integers(min_value=1, max_value=10**6).map(lambda n: D(n).scaleb(-4))
prices = st.integers(min_value=1, max_value=10**7).map(lambda n: D(n).scaleb(-2))
fees = st.integers(min_value=-(10**3), max_value=10**5).map(lambda n: D(n).scaleb(-4))
fills = st.lists(
    st.builds(
        lambda side, amount, price, fee: fill(side, amount, price, fee=fee),
        st.sampled_from(Side),
        amounts,
        prices,
        fees,
    ),
    min_size=1,
    max_size=40,
)


@given(fills, prices)
def test_pnl_equals_cash_flow_accounting(sequence: list[Fill], mark: Decimal) -> None:
    pos = FLAT
    for f in sequence:
        pos = apply_fill(pos, f)
    signed = sum((f.amount * f.side.sign for f in sequence), ZERO)
    cash = sum((-f.side.sign * f.amount * f.price for f in sequence), ZERO)
    assert pos.quantity == signed
    assert pos.fees_paid == sum((f.fee for f in sequence), ZERO)
    # Exact but for the average cost's division, which rounds at 28 significant digits.
    error = pos.realized_pnl + pos.unrealized_pnl(mark) - (cash + signed * mark)
    assert abs(error) < D("1e-12")
    if pos.quantity == ZERO:
        assert pos.average_cost == ZERO
    else:
        assert pos.average_cost > ZERO
