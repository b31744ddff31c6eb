"""Self-trade prevention: Binance's spot default EXPIRE_MAKER."""

from __future__ import annotations

from lyrad.sim.engine import OrderStatus, Side, TimeInForce
from tests.unit.sim.engine.helpers import D, free, limit, locked, make_engine, market

BUY, SELL = Side.BUY, Side.SELL


def test_a_taker_reaching_its_own_resting_order_expires_that_order_and_continues() -> None:
    engine = make_engine()
    own = engine.place_order(limit("alice", SELL, "0.5", "60000"), 1)
    other = engine.place_order(limit("bob", SELL, "0.5", "60000"), 2)
    taker = engine.place_order(limit("alice", BUY, "0.5", "60000"), 3)
    assert taker.status is OrderStatus.FILLED
    assert [(f.order_id, f.qty) for f in taker.fills] == [(taker.order_id, D("0.5"))]
    assert [f.order_id for f in engine.account_trades("bob", "BTCUSDT")] == [other.order_id]
    expired = engine.get_order("alice", "BTCUSDT", order_id=own.order_id)
    assert (expired.status, expired.executed_qty, expired.update_time_ms) == (
        OrderStatus.EXPIRED,
        D(0),
        3,
    )
    assert locked(engine, "alice", "BTC") == 0
    assert free(engine, "alice", "BTC") == D("10") + D("0.5") * (1 - D("0.002"))


def test_a_market_order_only_against_itself_expires_its_maker_and_fills_nothing() -> None:
    engine = make_engine()
    own = engine.place_order(limit("alice", BUY, "0.5", "60000"), 1)
    taker = engine.place_order(market("alice", SELL, qty="0.1"), 2)
    assert (taker.status, taker.fills) == (OrderStatus.EXPIRED, ())
    assert engine.get_order("alice", "BTCUSDT", order_id=own.order_id).status is (
        OrderStatus.EXPIRED
    )
    assert locked(engine, "alice", "USDT") == 0
    assert engine.book("BTCUSDT", 5).bids == ()


def test_fok_counts_only_other_accounts_liquidity() -> None:
    engine = make_engine()
    own = engine.place_order(limit("alice", SELL, "0.5", "60000"), 1)
    engine.place_order(limit("bob", SELL, "0.2", "60000"), 2)
    taker = engine.place_order(limit("alice", BUY, "0.5", "60000", TimeInForce.FOK), 3)
    assert taker.status is OrderStatus.EXPIRED
    # an FOK that does not trade changes nothing, not even its own resting orders
    assert engine.get_order("alice", "BTCUSDT", order_id=own.order_id).status is OrderStatus.NEW
