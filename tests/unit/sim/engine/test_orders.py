"""Order types and statuses: LIMIT GTC/IOC/FOK, MARKET by quantity and quote, LIMIT_MAKER."""

from __future__ import annotations

from lyrad.sim.engine import OrderStatus, RejectReason, Side, TimeInForce
from tests.unit.sim.engine.helpers import (
    D,
    free,
    limit,
    limit_maker,
    locked,
    make_engine,
    market,
    rejected,
)

BUY, SELL = Side.BUY, Side.SELL
IOC, FOK = TimeInForce.IOC, TimeInForce.FOK


def test_a_limit_order_that_does_not_cross_rests_as_new() -> None:
    engine = make_engine()
    order = engine.place_order(limit("alice", BUY, "0.5", "60000"), 1)
    assert order.status is OrderStatus.NEW
    assert order.fills == ()
    assert order.executed_qty == 0
    assert engine.book("BTCUSDT", 5).bids == ((D("60000"), D("0.5")),)
    assert [o.order_id for o in engine.open_orders("alice")] == [order.order_id]


def test_a_crossing_limit_order_executes_at_the_resting_price() -> None:
    engine = make_engine()
    engine.place_order(limit("alice", SELL, "1", "60000"), 1)
    taker = engine.place_order(limit("bob", BUY, "1", "60100"), 2)
    assert taker.status is OrderStatus.FILLED
    assert [(f.price, f.qty, f.is_maker) for f in taker.fills] == [(D("60000"), D("1"), False)]
    assert taker.cummulative_quote_qty == D("60000")
    assert engine.book("BTCUSDT", 5).asks == ()


def test_partial_fill_leaves_the_rest_resting_as_partially_filled() -> None:
    engine = make_engine()
    maker = engine.place_order(limit("alice", SELL, "0.3", "60000"), 1)
    taker = engine.place_order(limit("bob", BUY, "1", "60000"), 2)
    assert taker.status is OrderStatus.PARTIALLY_FILLED
    assert taker.executed_qty == D("0.3")
    assert engine.book("BTCUSDT", 5).bids == ((D("60000"), D("0.7")),)
    assert engine.get_order("alice", "BTCUSDT", order_id=maker.order_id).status is (
        OrderStatus.FILLED
    )


def test_a_partially_taken_maker_reports_partially_filled() -> None:
    engine = make_engine()
    maker = engine.place_order(limit("alice", SELL, "1", "60000"), 1)
    engine.place_order(limit("bob", BUY, "0.25", "60000"), 2)
    seen = engine.get_order("alice", "BTCUSDT", order_id=maker.order_id)
    assert seen.status is OrderStatus.PARTIALLY_FILLED
    assert seen.executed_qty == D("0.25")
    assert seen.update_time_ms == 2


def test_price_time_priority_better_price_first_then_earlier_order() -> None:
    engine = make_engine(accounts=None)
    first = engine.place_order(limit("alice", SELL, "0.1", "60010"), 1)
    second = engine.place_order(limit("alice", SELL, "0.1", "60010"), 2)
    better = engine.place_order(limit("alice", SELL, "0.1", "60005"), 3)
    taker = engine.place_order(limit("bob", BUY, "0.25", "60010"), 4)
    makers = [
        (f.price, f.qty)
        for f in engine.account_trades("alice", "BTCUSDT")
        if f.order_id in (first.order_id, second.order_id, better.order_id)
    ]
    assert makers == [(D("60005"), D("0.1")), (D("60010"), D("0.1")), (D("60010"), D("0.05"))]
    assert [f.order_id for f in engine.account_trades("alice", "BTCUSDT")] == [
        better.order_id,
        first.order_id,
        second.order_id,
    ]
    assert taker.status is OrderStatus.FILLED


def test_ioc_remainder_expires() -> None:
    engine = make_engine()
    engine.place_order(limit("alice", SELL, "0.4", "60000"), 1)
    taker = engine.place_order(limit("bob", BUY, "1", "60000", IOC), 2)
    assert taker.status is OrderStatus.EXPIRED
    assert taker.executed_qty == D("0.4")
    assert engine.book("BTCUSDT", 5).bids == ()
    assert locked(engine, "bob", "USDT") == 0


def test_ioc_that_fills_completely_is_filled() -> None:
    engine = make_engine()
    engine.place_order(limit("alice", SELL, "1", "60000"), 1)
    taker = engine.place_order(limit("bob", BUY, "1", "60000", IOC), 2)
    assert taker.status is OrderStatus.FILLED


def test_ioc_with_nothing_to_take_expires_without_fills() -> None:
    engine = make_engine()
    taker = engine.place_order(limit("bob", BUY, "1", "60000", IOC), 2)
    assert (taker.status, taker.fills) == (OrderStatus.EXPIRED, ())


def test_fok_that_cannot_fill_completely_expires_and_changes_nothing() -> None:
    engine = make_engine()
    maker = engine.place_order(limit("alice", SELL, "0.4", "60000"), 1)
    engine.place_order(limit("alice", SELL, "0.5", "60200"), 1)  # beyond the FOK's limit
    before = engine.balances("bob")
    taker = engine.place_order(limit("bob", BUY, "0.5", "60100", FOK), 2)
    assert taker.status is OrderStatus.EXPIRED
    assert taker.fills == ()
    assert taker.executed_qty == 0
    assert engine.balances("bob") == before
    assert engine.get_order("alice", "BTCUSDT", order_id=maker.order_id).status is OrderStatus.NEW
    assert engine.get_order("bob", "BTCUSDT", order_id=taker.order_id).status is (
        OrderStatus.EXPIRED
    )


def test_fok_that_can_fill_completely_fills_across_levels() -> None:
    engine = make_engine()
    engine.place_order(limit("alice", SELL, "0.4", "60000"), 1)
    engine.place_order(limit("alice", SELL, "0.5", "60100"), 1)
    taker = engine.place_order(limit("bob", BUY, "0.9", "60100", FOK), 2)
    assert taker.status is OrderStatus.FILLED
    assert [f.price for f in taker.fills] == [D("60000"), D("60100")]


def test_market_buy_by_quantity_walks_the_book() -> None:
    engine = make_engine()
    engine.place_order(limit("alice", SELL, "0.4", "60000"), 1)
    engine.place_order(limit("alice", SELL, "1", "60100"), 1)
    taker = engine.place_order(market("bob", BUY, qty="0.5"), 2)
    assert taker.status is OrderStatus.FILLED
    assert taker.price == 0
    assert taker.time_in_force is TimeInForce.GTC
    assert [(f.price, f.qty) for f in taker.fills] == [
        (D("60000"), D("0.4")),
        (D("60100"), D("0.1")),
    ]
    assert taker.cummulative_quote_qty == D("24000") + D("6010")


def test_market_sell_that_exhausts_the_book_expires_the_rest() -> None:
    engine = make_engine()
    engine.place_order(limit("alice", BUY, "0.2", "59000"), 1)
    taker = engine.place_order(market("bob", SELL, qty="0.5"), 2)
    assert taker.status is OrderStatus.EXPIRED
    assert taker.executed_qty == D("0.2")
    assert locked(engine, "bob", "BTC") == 0
    assert free(engine, "bob", "BTC") == D("10") - D("0.2")


def test_market_order_on_an_empty_book_expires_without_fills() -> None:
    engine = make_engine()
    taker = engine.place_order(market("bob", BUY, qty="0.5"), 2)
    assert (taker.status, taker.fills, taker.executed_qty) == (OrderStatus.EXPIRED, (), D(0))


def test_market_buy_by_quote_amount_spends_at_most_the_amount_in_whole_steps() -> None:
    engine = make_engine()
    engine.place_order(limit("alice", SELL, "0.01", "60000"), 1)
    engine.place_order(limit("alice", SELL, "1", "60100"), 1)
    taker = engine.place_order(market("bob", BUY, quote="1000"), 2)
    assert taker.status is OrderStatus.FILLED
    assert taker.orig_quote_order_qty == D("1000")
    # 600 USDT buys 0.01 at 60000; the remaining 400 buy floor(400/60100, 0.00001) = 0.00665.
    assert [(f.price, f.qty) for f in taker.fills] == [
        (D("60000"), D("0.01")),
        (D("60100"), D("0.00665")),
    ]
    assert taker.executed_qty == taker.orig_qty == D("0.01665")
    assert taker.cummulative_quote_qty == D("600") + D("60100") * D("0.00665")
    assert taker.cummulative_quote_qty <= D("1000")
    assert locked(engine, "bob", "USDT") == 0
    assert free(engine, "bob", "USDT") == D("1000000") - taker.cummulative_quote_qty


def test_market_sell_by_quote_amount_raises_at_most_the_amount() -> None:
    engine = make_engine()
    engine.place_order(limit("alice", BUY, "1", "50000"), 1)
    taker = engine.place_order(market("bob", SELL, quote="1000"), 2)
    assert taker.status is OrderStatus.FILLED
    assert taker.executed_qty == D("0.02")
    assert taker.cummulative_quote_qty == D("1000")
    assert free(engine, "bob", "BTC") == D("10") - D("0.02")


def test_market_by_quote_amount_that_exhausts_the_book_expires() -> None:
    engine = make_engine()
    engine.place_order(limit("alice", SELL, "0.01", "60000"), 1)
    taker = engine.place_order(market("bob", BUY, quote="1000"), 2)
    assert taker.status is OrderStatus.EXPIRED
    assert taker.executed_qty == D("0.01")
    assert locked(engine, "bob", "USDT") == 0


def test_limit_maker_rests_when_it_would_not_take() -> None:
    engine = make_engine()
    engine.place_order(limit("alice", SELL, "1", "60000"), 1)
    order = engine.place_order(limit_maker("bob", BUY, "1", "59999.99"), 2)
    assert order.status is OrderStatus.NEW
    assert order.time_in_force is TimeInForce.GTC


def test_limit_maker_that_would_take_is_rejected_and_changes_nothing() -> None:
    engine = make_engine()
    engine.place_order(limit("alice", SELL, "1", "60000"), 1)
    before = engine.balances("bob")
    with rejected(RejectReason.WOULD_MATCH):
        engine.place_order(limit_maker("bob", BUY, "1", "60000"), 2)
    assert engine.balances("bob") == before
    assert engine.open_orders("bob") == []


def test_order_ids_and_trade_ids_increase_per_symbol() -> None:
    engine = make_engine()
    a = engine.place_order(limit("alice", SELL, "1", "60000"), 1)
    b = engine.place_order(limit("alice", SELL, "1", "3000", symbol="ETHUSDT"), 1)
    c = engine.place_order(limit("bob", BUY, "2", "60000"), 2)
    assert (a.order_id, b.order_id, c.order_id) == (1, 1, 2)
    d = engine.place_order(market("bob", BUY, qty="0.1"), 3)
    assert d.order_id == 3
    assert [f.trade_id for f in engine.account_trades("bob", "BTCUSDT")] == [1]
