"""BookSide: FIFO levels, sorted prices, best price and depth."""

from __future__ import annotations

from decimal import Decimal

from lyrad.sim.engine import AccountSpec, OrderType, Side, TimeInForce
from lyrad.sim.engine.accounts import AccountState
from lyrad.sim.engine.book import BookSide
from lyrad.sim.engine.orders import LiveOrder
from tests.unit.sim.engine.helpers import D

OWNER = AccountState(AccountSpec("a", "k", "s", {}), ["BTCUSDT"], ["BTC"], is_house=False)


def _order(order_id: int, price: str, qty: str, side: Side = Side.BUY) -> LiveOrder:
    return LiveOrder(
        order_id=order_id,
        client_order_id=str(order_id),
        owner=OWNER,
        symbol="BTCUSDT",
        side=side,
        type=OrderType.LIMIT,
        time_in_force=TimeInForce.GTC,
        price=D(price),
        qty=D(qty),
        quote_qty=D(0),
        now_ms=0,
    )


def test_bids_are_best_highest_and_asks_best_lowest() -> None:
    bids, asks = BookSide(is_bid=True), BookSide(is_bid=False)
    assert bids.best() is None
    for i, price in enumerate(["100", "102", "101"]):
        bids.add(_order(i, price, "1"))
        asks.add(_order(10 + i, price, "1", Side.SELL))
    assert bids.best() == D("102")
    assert asks.best() == D("100")
    assert [p for p, _ in bids.depth(2)] == [D("102"), D("101")]
    assert [p for p, _ in asks.depth(5)] == [D("100"), D("101"), D("102")]


def test_a_level_is_fifo_and_aggregates_in_depth() -> None:
    side = BookSide(is_bid=True)
    first, second = _order(1, "100", "1"), _order(2, "100.0", "2.5")
    side.add(first)
    side.add(second)
    assert list(side.orders()) == [first, second]
    assert side.depth(5) == ((D("100"), D("3.5")),)


def test_removing_the_last_order_of_a_level_drops_the_level_wherever_it_is() -> None:
    side = BookSide(is_bid=False)
    orders = [_order(i, p, "1", Side.SELL) for i, p in enumerate(["1", "2", "3", "4"])]
    for o in orders:
        side.add(o)
    side.remove(orders[2])
    side.remove(orders[0])
    side.remove(orders[3])
    assert side.prices == [D("2")]
    assert list(side.levels) == [D("2")]
    side.remove(orders[1])
    assert side.best() is None
    assert side.depth(5) == ()


def test_removing_a_middle_order_keeps_the_level() -> None:
    side = BookSide(is_bid=True)
    a, b, c = _order(1, "5", "1"), _order(2, "5", "1"), _order(3, "5", "1")
    for o in (a, b, c):
        side.add(o)
    side.remove(b)
    assert list(side.orders()) == [a, c]
    assert side.depth(1) == ((Decimal(5), Decimal(2)),)
