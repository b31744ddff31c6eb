"""Synthetic liquidity: the ladder's shape and the house quotes following the reference price."""

from __future__ import annotations

import itertools
import random
from decimal import Decimal

from lyrad.sim.engine import HOUSE_ACCOUNT, LiquidityProfile, OrderStatus, RejectReason, Side
from lyrad.sim.engine.liquidity import _randbelow, ladder
from tests.unit.sim.engine.helpers import (
    BTCUSDT,
    MAKER_FEE,
    SOME_LIQUIDITY,
    D,
    free,
    limit,
    locked,
    make_engine,
    market,
    rejected,
)

BUY, SELL = Side.BUY, Side.SELL
PROFILE = LiquidityProfile(
    spread_bps=D("10"), levels=8, level_step_bps=D("5"), level_qty_quote=D("60000")
)


def test_ladder_brackets_the_reference_with_the_configured_spread() -> None:
    bids, asks = ladder(BTCUSDT, D("60000"), PROFILE, random.Random(1))
    assert len(bids) == len(asks) == 8
    # half of 10 bps either side of 60000 is 30
    assert bids[0][0] == D("59970")
    assert asks[0][0] == D("60030")
    # then one level every 5 bps (30)
    assert [p for p, _ in bids[:3]] == [D("59970"), D("59940"), D("59910")]
    assert [p for p, _ in asks[:3]] == [D("60030"), D("60060"), D("60090")]


def test_ladder_is_on_the_grids_strictly_monotone_and_deepens() -> None:
    bids, asks = ladder(BTCUSDT, D("61234.567"), PROFILE, random.Random(2))
    for price, qty in bids + asks:
        assert (price - BTCUSDT.min_price) % BTCUSDT.tick_size == 0
        assert qty % BTCUSDT.step_size == 0
        assert qty >= BTCUSDT.min_qty
    assert all(a[0] > b[0] for a, b in itertools.pairwise(bids))
    assert all(a[0] < b[0] for a, b in itertools.pairwise(asks))
    # depth_growth 1.2 per level outweighs the +-10% jitter over three levels
    assert bids[3][1] > bids[0][1]
    assert asks[3][1] > asks[0][1]
    # about 60000 quote at the best level
    assert abs(bids[0][0] * bids[0][1] - 60000) <= 6000 + bids[0][0] * BTCUSDT.step_size


def test_ladder_keeps_a_spread_of_at_least_one_tick_when_the_profile_has_none() -> None:
    flat = LiquidityProfile(D(0), 3, D(0), D("1000"))
    bids, asks = ladder(BTCUSDT, D("60000"), flat, random.Random(0))
    assert bids[0][0] < asks[0][0]
    assert len({p for p, _ in bids}) == 3
    assert len({p for p, _ in asks}) == 3


def test_ladder_stops_at_the_price_filter() -> None:
    bids, _ = ladder(BTCUSDT, D("0.05"), PROFILE, random.Random(0))
    assert [p for p, _ in bids] == [D("0.04"), D("0.03"), D("0.02"), D("0.01")]


def test_ladder_depends_only_on_the_seed() -> None:
    def build(seed: int) -> tuple[list[tuple[Decimal, Decimal]], list[tuple[Decimal, Decimal]]]:
        return ladder(BTCUSDT, D("60000"), PROFILE, random.Random(seed))

    assert build(7) == build(7)
    assert build(7) != build(8)


def test_set_reference_price_puts_house_quotes_in_the_book() -> None:
    engine = make_engine(liquidity=SOME_LIQUIDITY)
    assert engine.book("BTCUSDT", 10).bids == ()
    engine.set_reference_price("BTCUSDT", D("60000"), 1)
    book = engine.book("BTCUSDT", 10)
    assert len(book.bids) == len(book.asks) == 5
    assert book.bids[0][0] < D("60000") < book.asks[0][0]
    assert engine.reference_price("BTCUSDT") == D("60000")
    assert len(engine.open_orders(HOUSE_ACCOUNT, "BTCUSDT")) == 10


def test_moving_the_reference_replaces_the_house_quotes() -> None:
    engine = make_engine(liquidity=SOME_LIQUIDITY)
    engine.set_reference_price("BTCUSDT", D("60000"), 1)
    engine.set_reference_price("BTCUSDT", D("61000"), 2)
    book = engine.book("BTCUSDT", 10)
    assert book.bids[0][0] < D("61000") < book.asks[0][0]
    assert book.bids[-1][0] > D("60900")
    assert len(engine.open_orders(HOUSE_ACCOUNT, "BTCUSDT")) == 10
    house_locked = {b.asset: b.locked for b in engine.balances(HOUSE_ACCOUNT)}
    expected_quote = sum((p * q for p, q in book.bids), Decimal(0))
    assert house_locked["USDT"] == expected_quote
    assert house_locked["BTC"] == sum((q for _, q in book.asks), Decimal(0))


def test_user_orders_crossed_by_the_new_quotes_fill_at_the_users_price_as_maker() -> None:
    engine = make_engine(liquidity=SOME_LIQUIDITY)
    engine.set_reference_price("BTCUSDT", D("60000"), 1)
    ask = engine.place_order(limit("alice", SELL, "0.1", "60100"), 2)
    bid = engine.place_order(limit("bob", BUY, "0.1", "59900"), 2)
    engine.set_reference_price("BTCUSDT", D("60500"), 3)
    filled = engine.get_order("alice", "BTCUSDT", order_id=ask.order_id)
    assert filled.status is OrderStatus.FILLED
    (fill,) = engine.account_trades("alice", "BTCUSDT")
    assert (fill.price, fill.qty, fill.is_maker, fill.time_ms) == (D("60100"), D("0.1"), True, 3)
    assert fill.commission == D("6010") * MAKER_FEE
    assert free(engine, "alice", "USDT") == D("1000000") + D("6010") - D("6.01")
    assert locked(engine, "alice", "BTC") == 0
    # bob's bid is now further from the market, untouched
    assert engine.get_order("bob", "BTCUSDT", order_id=bid.order_id).status is OrderStatus.NEW


def test_a_falling_reference_fills_resting_bids() -> None:
    engine = make_engine(liquidity=SOME_LIQUIDITY)
    engine.set_reference_price("BTCUSDT", D("60000"), 1)
    bid = engine.place_order(limit("bob", BUY, "0.1", "59900"), 2)
    engine.set_reference_price("BTCUSDT", D("59000"), 3)
    seen = engine.get_order("bob", "BTCUSDT", order_id=bid.order_id)
    assert (seen.status, seen.cummulative_quote_qty) == (OrderStatus.FILLED, D("5990"))
    assert engine.book("BTCUSDT", 1).bids[0][0] < D("59000")


def test_house_liquidity_taken_stays_taken_until_the_next_rebuild() -> None:
    engine = make_engine(liquidity=SOME_LIQUIDITY)
    engine.set_reference_price("BTCUSDT", D("60000"), 1)
    best_ask = engine.book("BTCUSDT", 1).asks[0]
    engine.place_order(market("bob", BUY, qty=str(best_ask[1])), 2)
    assert engine.book("BTCUSDT", 1).asks[0][0] > best_ask[0]
    engine.set_reference_price("BTCUSDT", D("60000"), 3)  # same price: refilled
    assert engine.book("BTCUSDT", 1).asks[0][0] == best_ask[0]


def test_an_unchanged_reference_with_intact_quotes_is_a_no_op() -> None:
    engine = make_engine(liquidity=SOME_LIQUIDITY)
    engine.set_reference_price("BTCUSDT", D("60000"), 1)
    before = engine.book("BTCUSDT", 10)
    engine.set_reference_price("BTCUSDT", D("60000.00"), 2)
    assert engine.book("BTCUSDT", 10) == before


def test_set_liquidity_rebuilds_every_priced_symbol() -> None:
    engine = make_engine(liquidity=SOME_LIQUIDITY)
    engine.set_reference_price("BTCUSDT", D("60000"), 1)
    wide = LiquidityProfile(D("100"), 2, D("10"), D("1000"))
    engine.set_liquidity(wide, 2)
    book = engine.book("BTCUSDT", 10)
    assert (book.bids[0][0], book.asks[0][0]) == (D("59700"), D("60300"))
    assert len(book.bids) == 2
    assert engine.book("ETHUSDT", 10).bids == ()  # no reference yet: nothing to quote


def test_bad_reference_prices_and_profiles_are_rejected() -> None:
    engine = make_engine(liquidity=SOME_LIQUIDITY)
    with rejected(RejectReason.INVALID_PARAMETER):
        engine.reference_price("BTCUSDT")
    with rejected(RejectReason.INVALID_PARAMETER):
        engine.set_reference_price("BTCUSDT", D("0"), 1)
    with rejected(RejectReason.INVALID_PARAMETER):
        engine.set_reference_price("BTCUSDT", D("NaN"), 1)
    with rejected(RejectReason.UNKNOWN_SYMBOL):
        engine.set_reference_price("DOGEUSDT", D("1"), 1)
    with rejected(RejectReason.INVALID_PARAMETER):
        engine.set_liquidity(LiquidityProfile(D("1"), -1, D("1"), D("1")), 1)


def test_house_balances_are_large_and_conserved() -> None:
    engine = make_engine(liquidity=SOME_LIQUIDITY)
    engine.set_reference_price("BTCUSDT", D("60000"), 1)
    engine.place_order(market("bob", BUY, qty="0.5"), 2)
    house = {b.asset: b.free + b.locked for b in engine.balances(HOUSE_ACCOUNT)}
    bob = {b.asset: b.free + b.locked for b in engine.balances("bob")}
    fees = engine.fees_collected()
    start_house = Decimal(10) ** 15
    assert house["BTC"] + bob["BTC"] + fees["BTC"] == start_house + D("10")
    assert house["USDT"] + bob["USDT"] + fees["USDT"] == start_house + D("1000000")


def test_the_compiled_draw_is_randrange_draw_for_draw() -> None:
    # The ladder's jitter must not depend on which build draws it, nor change the sequence
    # random.Random.randrange gave before it was spelled out.
    for n in (1, 2, 3, 21, 64, 100, 1000):
        ours, theirs = random.Random(n), random.Random(n)
        assert [_randbelow(ours, n) for _ in range(200)] == [
            theirs.randrange(n) for _ in range(200)
        ]


def test_a_house_quote_reports_what_it_took_and_what_it_was_filled_as_maker() -> None:
    engine = make_engine(liquidity=SOME_LIQUIDITY)
    engine.set_reference_price("BTCUSDT", D("60000"), 1)
    engine.place_order(limit("alice", SELL, "0.01", "60010"), 2)
    engine.set_reference_price("BTCUSDT", D("60500"), 3)  # the new best bid takes alice's ask
    engine.place_order(market("bob", SELL, qty="0.05"), 4)  # and is then hit as maker
    bids = [o for o in engine.open_orders(HOUSE_ACCOUNT, "BTCUSDT") if o.side is BUY]
    best = max(bids, key=lambda o: o.price)
    assert best.status is OrderStatus.PARTIALLY_FILLED
    assert best.executed_qty == D("0.06")
    assert best.cummulative_quote_qty == D("0.01") * D("60010") + D("0.05") * best.price
    assert best.orig_qty - best.executed_qty == engine.book("BTCUSDT", 1).bids[0][1]
