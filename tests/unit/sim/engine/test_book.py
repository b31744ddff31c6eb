"""BookSide: FIFO levels keyed by tick, sorted keys, best price, depth and previews."""

from __future__ import annotations

import bisect
import random
from decimal import Decimal

from lyrad.sim.engine import AccountSpec, OrderType, Side, TimeInForce
from lyrad.sim.engine.accounts import AccountState
from lyrad.sim.engine.book import BookSide, insert_key, key_index
from lyrad.sim.engine.orders import LiveOrder
from tests.unit.sim.engine.helpers import BTCUSDT, D


def _owner(name: str) -> AccountState:
    return AccountState(
        AccountSpec(name, name, "s", {}),
        {"BTCUSDT": BTCUSDT},
        ["BTC", "USDT"],
        "sim00000000-",
        is_house=False,
    )


OWNER, OTHER = _owner("a"), _owner("b")


def _order(
    order_id: int, price: str, qty: str, side: Side = Side.BUY, owner: AccountState = OWNER
) -> LiveOrder:
    spends, receives = ("USDT", "BTC") if side is Side.BUY else ("BTC", "USDT")
    tick = int(D(price) * 100)  # a 0.01 grid from zero
    return LiveOrder(
        order_id,
        str(order_id),
        owner,
        "BTCUSDT",
        side,
        OrderType.LIMIT,
        TimeInForce.GTC,
        D(price),
        tick,
        D(qty),
        D(0),
        0,
        owner.holdings[spends],
        owner.holdings[receives],
        owner.ledgers["BTCUSDT"],
    )


def test_bids_are_best_highest_and_asks_best_lowest() -> None:
    bids, asks = BookSide(is_bid=True), BookSide(is_bid=False)
    assert bids.best() is None
    for i, price in enumerate(["100", "102", "101"]):
        bids.add(_order(i, price, "1"))
        asks.add(_order(10 + i, price, "1", Side.SELL))
    assert bids.best() == 10200
    assert asks.best() == 10000
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
    assert side.keys == [-200]  # an ask's key is minus its tick
    assert list(side.levels) == [-200]
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


def test_previews_walk_best_first_and_skip_the_takers_own_orders() -> None:
    asks = BookSide(is_bid=False)
    asks.add(_order(1, "10", "1", Side.SELL, OTHER))
    asks.add(_order(2, "11", "5", Side.SELL, OWNER))  # the taker's own: not counted
    asks.add(_order(3, "11", "1", Side.SELL, OTHER))
    asks.add(_order(4, "12", "1", Side.SELL, OTHER))
    assert asks.preview_qty(OWNER, None, D("1.5")) == (D("1.5"), D("10") + D("5.5"))
    assert asks.preview_qty(OWNER, 1100, D("5")) == (D("2"), D("21"))
    assert asks.preview_qty(OTHER, None, D("1")) == (D("1"), D("11"))
    # 25 quote buys 1 at 10 then 1 at 11, then 4 / 12 = 0.3 (whole steps of 0.1)
    assert asks.preview_quote(OWNER, D("25"), D("0.1")) == (D("2.3"), D("24.6"))


def test_level_keys_are_searched_and_inserted_as_bisect_does() -> None:
    rng = random.Random(5)
    for size in (0, 1, 2, 3, 50, 513):
        keys = sorted(rng.sample(range(-(10**12), 10**12), size))
        probes = [*keys, *(rng.randrange(-(10**12), 10**12) for _ in range(50)), -(10**13)]
        for key in probes:
            assert key_index(keys, key) == bisect.bisect_left(keys, key)
        grown = list(keys)
        for key in probes[size:]:
            if key not in grown:
                insert_key(grown, key)
        assert grown == sorted(set(probes))
