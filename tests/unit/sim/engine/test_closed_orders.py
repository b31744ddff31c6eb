"""Closed orders, kept compact, read back exactly as they were; ids start at first_id."""

from __future__ import annotations

import pytest

from lyrad.sim.engine import (
    Engine,
    LiquidityProfile,
    OrderSnapshot,
    OrderStatus,
    RejectReason,
    Side,
    TimeInForce,
)
from lyrad.sim.engine.accounts import CLIENT_ID_MEMORY_MS
from lyrad.sim.engine.orders import FIRST_ROWS
from tests.unit.sim.engine.helpers import (
    BTCUSDT,
    ETHUSDT,
    NO_LIQUIDITY,
    D,
    account,
    limit,
    make_engine,
    market,
    rejected,
)

BUY, SELL = Side.BUY, Side.SELL


def _closed_every_way(engine: Engine) -> list[OrderSnapshot]:
    """One order closed by each route: cancel, filled maker, filled and expired takers."""
    canceled = engine.place_order(limit("alice", BUY, "0.1", "59000", cid="gone"), 1)
    engine.cancel_order("alice", "BTCUSDT", order_id=canceled.order_id, now_ms=2)
    maker = engine.place_order(limit("alice", SELL, "0.2", "60000"), 3)
    taker = engine.place_order(limit("bob", BUY, "0.2", "60000"), 4)
    ioc = engine.place_order(limit("bob", BUY, "0.1", "60000", TimeInForce.IOC), 5)
    fok = engine.place_order(limit("bob", BUY, "0.1", "60000", TimeInForce.FOK), 6)
    by_quote = engine.place_order(market("bob", BUY, quote="100"), 7)
    return [
        *(engine.get_order("alice", "BTCUSDT", order_id=o.order_id) for o in (canceled, maker)),
        *(engine.get_order("bob", "BTCUSDT", order_id=o.order_id) for o in (taker, ioc, fok)),
        engine.get_order("bob", "BTCUSDT", order_id=by_quote.order_id),
    ]


def test_closed_orders_read_back_field_for_field() -> None:
    engine = make_engine()
    closed = _closed_every_way(engine)
    assert [o.status for o in closed] == [
        OrderStatus.CANCELED,
        OrderStatus.FILLED,
        OrderStatus.FILLED,
        OrderStatus.EXPIRED,
        OrderStatus.EXPIRED,
        OrderStatus.EXPIRED,
    ]
    maker = closed[1]
    assert (maker.side, maker.type, maker.time_in_force) == (SELL, "LIMIT", TimeInForce.GTC)
    assert maker.executed_qty == maker.orig_qty == D("0.2")
    assert maker.cummulative_quote_qty == D("12000")
    assert maker.update_time_ms == 4
    assert maker.time_ms == maker.working_time_ms == 3
    assert closed[0] == engine.get_order("alice", "BTCUSDT", client_order_id="gone")
    assert engine.all_orders("alice", "BTCUSDT") == closed[:2]
    assert engine.all_orders("bob", "BTCUSDT") == closed[2:]
    assert engine.open_orders("alice") == engine.open_orders("bob") == []


def test_a_closed_order_cannot_be_cancelled_and_keeps_its_client_id_for_a_day() -> None:
    engine = make_engine()
    canceled = _closed_every_way(engine)[0]
    with rejected(RejectReason.ORDER_ALREADY_CLOSED):
        engine.cancel_order("alice", "BTCUSDT", order_id=canceled.order_id, now_ms=10)
    with rejected(RejectReason.ORDER_ALREADY_CLOSED):
        engine.cancel_order("alice", "BTCUSDT", client_order_id="gone", now_ms=10)
    with rejected(RejectReason.UNKNOWN_ORDER):
        engine.get_order("alice", "BTCUSDT", order_id=canceled.order_id, client_order_id="other")
    with rejected(RejectReason.DUPLICATE_CLIENT_ORDER_ID):
        engine.place_order(
            limit("alice", BUY, "0.1", "59000", cid="gone"), 1 + CLIENT_ID_MEMORY_MS - 1
        )
    again = engine.place_order(
        limit("alice", BUY, "0.1", "59000", cid="gone"), 1 + CLIENT_ID_MEMORY_MS
    )
    assert engine.get_order("alice", "BTCUSDT", client_order_id="gone") == again
    assert engine.get_order("alice", "BTCUSDT", order_id=canceled.order_id) == canceled


def test_order_and_trade_ids_start_at_first_id() -> None:
    engine = Engine(
        (BTCUSDT, ETHUSDT), [account("alice"), account("bob")], NO_LIQUIDITY, 0, first_id=10**15
    )
    maker = engine.place_order(limit("alice", SELL, "0.1", "60000"), 1)
    taker = engine.place_order(limit("bob", BUY, "0.1", "60000"), 2)
    assert (maker.order_id, taker.order_id) == (10**15, 10**15 + 1)
    assert [f.trade_id for f in taker.fills] == [10**15]
    assert engine.account_trades("alice", "BTCUSDT")[0].trade_id == 10**15


def test_first_id_must_be_positive() -> None:
    with pytest.raises(ValueError, match="first_id"):
        Engine((BTCUSDT,), [account("alice")], LiquidityProfile(D(1), 0, D(1), D(1)), 0, first_id=0)


def test_histories_past_several_column_growths_read_back_every_row() -> None:
    engine = make_engine()
    n = 2 * FIRST_ROWS + 3  # the columns double twice
    placed = []
    for i in range(n):
        maker = engine.place_order(limit("alice", SELL, "0.001", str(60000 + i)), 2 * i)
        taker = engine.place_order(
            limit("bob", BUY, "0.001", str(60000 + i), cid=f"t{i}"), 2 * i + 1
        )
        placed.append((maker, taker))
    alice, bob = (
        engine.all_orders("alice", "BTCUSDT", limit=1000),
        engine.all_orders("bob", "BTCUSDT", limit=1000),
    )
    assert [o.order_id for o in alice] == [m.order_id for m, _ in placed]
    assert [o.client_order_id for o in bob] == [f"t{i}" for i in range(n)]
    assert all(o.status is OrderStatus.FILLED for o in alice + bob)
    assert [o.price for o in bob] == [D(60000 + i) for i in range(n)]
    assert [o.update_time_ms for o in alice] == [2 * i + 1 for i in range(n)]
    trades = engine.account_trades("bob", "BTCUSDT", limit=1000)
    assert len(trades) == n
    assert [t.order_id for t in trades] == [t.order_id for _, t in placed]
    assert [t.price for t in trades] == [D(60000 + i) for i in range(n)]
    assert all(t.is_buyer and not t.is_maker for t in trades)
    assert engine.account_trades("bob", "BTCUSDT", order_id=placed[-1][1].order_id) == [
        placed[-1][1].fills[0]
    ]
