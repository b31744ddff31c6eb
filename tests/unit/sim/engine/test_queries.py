"""Lookups, cancels, client order ids, history windows and access rules."""

from __future__ import annotations

import re

import pytest

from lyrad.sim.engine import (
    AccountSpec,
    OrderStatus,
    RejectReason,
    Side,
    TimeInForce,
)
from tests.unit.sim.engine.helpers import (
    BTCUSDT,
    D,
    account,
    limit,
    make_engine,
    market,
    rejected,
)

BUY, SELL = Side.BUY, Side.SELL
DAY_MS = 86_400_000


def test_orders_are_found_by_id_and_by_client_order_id() -> None:
    engine = make_engine()
    placed = engine.place_order(limit("alice", BUY, "0.1", "60000", cid="my-1"), 1)
    by_id = engine.get_order("alice", "BTCUSDT", order_id=placed.order_id)
    by_cid = engine.get_order("alice", "BTCUSDT", client_order_id="my-1")
    assert by_id == by_cid
    assert by_id.client_order_id == "my-1"


def test_lookup_with_id_and_a_different_client_id_is_unknown() -> None:
    engine = make_engine()
    placed = engine.place_order(limit("alice", BUY, "0.1", "60000", cid="my-1"), 1)
    with rejected(RejectReason.UNKNOWN_ORDER):
        engine.get_order("alice", "BTCUSDT", order_id=placed.order_id, client_order_id="other")


def test_unknown_orders_and_other_accounts_orders_are_unknown() -> None:
    engine = make_engine()
    placed = engine.place_order(limit("alice", BUY, "0.1", "60000", cid="my-1"), 1)
    with rejected(RejectReason.UNKNOWN_ORDER):
        engine.get_order("bob", "BTCUSDT", order_id=placed.order_id)
    with rejected(RejectReason.UNKNOWN_ORDER):
        engine.cancel_order("alice", "BTCUSDT", order_id=999, now_ms=2)
    with rejected(RejectReason.UNKNOWN_ORDER):
        engine.get_order("alice", "ETHUSDT", order_id=placed.order_id)


def test_lookup_needs_an_id() -> None:
    engine = make_engine()
    with rejected(RejectReason.INVALID_PARAMETER):
        engine.get_order("alice", "BTCUSDT")


def test_cancel_by_client_id_returns_the_cancelled_order() -> None:
    engine = make_engine()
    engine.place_order(limit("alice", BUY, "0.1", "60000", cid="c1"), 1)
    cancelled = engine.cancel_order("alice", "BTCUSDT", client_order_id="c1", now_ms=5)
    assert cancelled.status is OrderStatus.CANCELED
    assert cancelled.update_time_ms == 5
    assert engine.book("BTCUSDT", 5).bids == ()
    assert engine.open_orders("alice") == []


def test_cancel_of_a_filled_or_cancelled_order_is_already_closed() -> None:
    engine = make_engine()
    maker = engine.place_order(limit("alice", SELL, "0.1", "60000"), 1)
    engine.place_order(market("bob", BUY, qty="0.1"), 2)
    with rejected(RejectReason.ORDER_ALREADY_CLOSED):
        engine.cancel_order("alice", "BTCUSDT", order_id=maker.order_id, now_ms=3)
    other = engine.place_order(limit("alice", SELL, "0.1", "61000"), 4)
    engine.cancel_order("alice", "BTCUSDT", order_id=other.order_id, now_ms=5)
    with rejected(RejectReason.ORDER_ALREADY_CLOSED):
        engine.cancel_order("alice", "BTCUSDT", order_id=other.order_id, now_ms=6)


def test_cancel_open_orders_cancels_one_symbol_of_one_account() -> None:
    engine = make_engine()
    a = engine.place_order(limit("alice", BUY, "0.1", "60000"), 1)
    b = engine.place_order(limit("alice", BUY, "0.1", "59000"), 1)
    eth = engine.place_order(limit("alice", BUY, "1", "3000", symbol="ETHUSDT"), 1)
    bob = engine.place_order(limit("bob", BUY, "0.1", "58000"), 1)
    cancelled = engine.cancel_open_orders("alice", "BTCUSDT", 2)
    assert [(o.order_id, o.status) for o in cancelled] == [
        (a.order_id, OrderStatus.CANCELED),
        (b.order_id, OrderStatus.CANCELED),
    ]
    assert [o.order_id for o in engine.open_orders("alice")] == [eth.order_id]
    assert [o.order_id for o in engine.open_orders("bob", "BTCUSDT")] == [bob.order_id]


def test_a_client_id_of_an_open_order_is_a_duplicate() -> None:
    engine = make_engine()
    engine.place_order(limit("alice", BUY, "0.1", "60000", cid="dup"), 1)
    with rejected(RejectReason.DUPLICATE_CLIENT_ORDER_ID):
        engine.place_order(limit("alice", BUY, "0.1", "59000", cid="dup"), 2)
    # Another account or another symbol may use it.
    engine.place_order(limit("bob", BUY, "0.1", "60000", cid="dup"), 2)
    engine.place_order(limit("alice", BUY, "1", "3000", symbol="ETHUSDT", cid="dup"), 2)


def test_a_client_id_stays_taken_for_a_day_after_its_order_closed() -> None:
    engine = make_engine()
    first = engine.place_order(limit("alice", BUY, "0.1", "60000", cid="again"), 1)
    engine.cancel_order("alice", "BTCUSDT", order_id=first.order_id, now_ms=2)
    with rejected(RejectReason.DUPLICATE_CLIENT_ORDER_ID):
        engine.place_order(limit("alice", BUY, "0.1", "60000", cid="again"), DAY_MS)
    second = engine.place_order(limit("alice", BUY, "0.1", "60000", cid="again"), DAY_MS + 1)
    assert engine.get_order("alice", "BTCUSDT", client_order_id="again") == second
    assert engine.get_order("alice", "BTCUSDT", order_id=first.order_id).client_order_id == "again"


def test_generated_client_ids_are_unique_and_valid() -> None:
    engine = make_engine()
    ids = {
        engine.place_order(limit("alice", BUY, "0.001", "50000"), 1).client_order_id
        for _ in range(50)
    }
    assert len(ids) == 50
    assert all(re.fullmatch(r"[.A-Z:/a-z0-9_-]{1,36}", i) for i in ids)


def test_generated_client_ids_find_their_orders_and_are_taken_like_chosen_ones() -> None:
    engine = make_engine()
    resting = engine.place_order(limit("alice", BUY, "0.1", "59000"), 1)
    filled = engine.place_order(market("alice", BUY, qty="0.1"), 2)  # an empty book: expired
    generated = resting.client_order_id
    prefix = generated[: -len(str(resting.order_id))]
    assert filled.client_order_id == f"{prefix}{filled.order_id}"
    for snap in (resting, filled):
        found = engine.get_order("alice", "BTCUSDT", client_order_id=snap.client_order_id)
        assert found.order_id == snap.order_id
    # only the exact spelling names an order: no leading zero, no other account
    with rejected(RejectReason.UNKNOWN_ORDER):
        engine.get_order("alice", "BTCUSDT", client_order_id=f"{prefix}0{resting.order_id}")
    with rejected(RejectReason.UNKNOWN_ORDER):
        engine.get_order("bob", "BTCUSDT", client_order_id=generated)
    with rejected(RejectReason.UNKNOWN_ORDER):
        engine.get_order("alice", "BTCUSDT", client_order_id=f"{prefix}{10**6}")
    # a client may not choose an id the engine gave an open order, or one placed within a day
    with rejected(RejectReason.DUPLICATE_CLIENT_ORDER_ID):
        engine.place_order(limit("alice", BUY, "0.1", "59000", cid=generated), 3)
    with rejected(RejectReason.DUPLICATE_CLIENT_ORDER_ID):
        engine.place_order(limit("alice", BUY, "0.1", "59000", cid=filled.client_order_id), 3)
    engine.place_order(limit("bob", BUY, "0.1", "59000", cid=generated), 3)  # another account
    cancelled = engine.cancel_order("alice", "BTCUSDT", client_order_id=generated, now_ms=4)
    assert cancelled.status is OrderStatus.CANCELED
    again = engine.place_order(limit("alice", BUY, "0.1", "59000", cid=generated), DAY_MS + 1)
    assert engine.get_order("alice", "BTCUSDT", client_order_id=generated) == again


def test_all_orders_windows_like_binance() -> None:
    engine = make_engine()
    ids = [
        engine.place_order(limit("alice", BUY, "0.001", "50000"), t).order_id
        for t in (10, 20, 30, 40)
    ]
    assert [o.order_id for o in engine.all_orders("alice", "BTCUSDT")] == ids
    assert [o.order_id for o in engine.all_orders("alice", "BTCUSDT", limit=2)] == ids[2:]
    assert [
        o.order_id for o in engine.all_orders("alice", "BTCUSDT", order_id=ids[1], limit=2)
    ] == (ids[1:3])
    assert [
        o.order_id for o in engine.all_orders("alice", "BTCUSDT", start_ms=20, end_ms=30)
    ] == ids[1:3]
    assert [o.order_id for o in engine.all_orders("alice", "BTCUSDT", end_ms=20)] == ids[:2]


def test_account_trades_filter_by_order_and_from_id() -> None:
    engine = make_engine()
    m1 = engine.place_order(limit("alice", SELL, "0.1", "60000"), 1)
    m2 = engine.place_order(limit("alice", SELL, "0.1", "60001"), 1)
    engine.place_order(market("bob", BUY, qty="0.2"), 2)
    engine.place_order(limit("alice", SELL, "0.1", "60002"), 3)
    engine.place_order(market("bob", BUY, qty="0.1"), 4)
    trades = engine.account_trades("alice", "BTCUSDT")
    assert [f.trade_id for f in trades] == [1, 2, 3]
    assert [
        f.order_id for f in engine.account_trades("alice", "BTCUSDT", order_id=m2.order_id)
    ] == [m2.order_id]
    assert [f.trade_id for f in engine.account_trades("alice", "BTCUSDT", from_id=2)] == [2, 3]
    assert [f.trade_id for f in engine.account_trades("alice", "BTCUSDT", limit=1)] == [3]
    assert [f.trade_id for f in engine.account_trades("alice", "BTCUSDT", start_ms=3)] == [3]
    assert trades[0].order_id == m1.order_id


def test_unknown_symbols_are_rejected_everywhere() -> None:
    engine = make_engine()
    with rejected(RejectReason.UNKNOWN_SYMBOL):
        engine.place_order(limit("alice", BUY, "1", "1", symbol="DOGEUSDT"), 1)
    with rejected(RejectReason.UNKNOWN_SYMBOL):
        engine.book("DOGEUSDT", 5)
    with rejected(RejectReason.UNKNOWN_SYMBOL):
        engine.cancel_open_orders("alice", "DOGEUSDT", 1)
    with rejected(RejectReason.UNKNOWN_SYMBOL):
        engine.open_orders("alice", "DOGEUSDT")


def test_unknown_accounts_are_a_key_error() -> None:
    engine = make_engine()
    with pytest.raises(KeyError):
        engine.account("mallory")
    with pytest.raises(KeyError):
        engine.place_order(limit("mallory", BUY, "1", "60000"), 1)


def test_accounts_are_found_by_api_key() -> None:
    engine = make_engine()
    spec = engine.account_by_api_key("key-alice")
    assert spec is not None
    assert spec.name == "alice"
    assert engine.account_by_api_key("nope") is None
    assert engine.account_by_api_key("") is None
    assert engine.account("bob").api_key == "key-bob"


def test_trading_disabled_for_a_halted_symbol_or_an_account_that_cannot_trade() -> None:
    halted = BTCUSDT._replace(status="HALT")
    viewer = AccountSpec("viewer", "key-viewer", "s", {"USDT": D(1000)}, can_trade=False)
    engine = make_engine(symbols=[halted], accounts=[account("alice"), viewer])
    with rejected(RejectReason.TRADING_DISABLED):
        engine.place_order(limit("alice", BUY, "0.01", "60000"), 1)
    engine2 = make_engine(accounts=[account("alice"), viewer])
    with rejected(RejectReason.TRADING_DISABLED):
        engine2.place_order(limit("viewer", BUY, "0.01", "60000"), 1)


def test_ioc_and_fok_orders_are_kept_in_history() -> None:
    engine = make_engine()
    o = engine.place_order(limit("alice", BUY, "0.01", "60000", TimeInForce.IOC), 1)
    assert engine.all_orders("alice", "BTCUSDT") == [o]
    assert o.status is OrderStatus.EXPIRED
