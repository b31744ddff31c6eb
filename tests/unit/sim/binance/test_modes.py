"""Venue modes: parsing and validation, the storm counter, and what each mode does to the venue."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lyrad.sim.binance import wire_account
from lyrad.sim.engine import AccountSpec, OrderRequest, OrderStatus, OrderType, Side, TimeInForce
from lyrad.sim.faults import (
    NO_MODES,
    FaultRuleError,
    RateLimitStorm,
    StormCounter,
    VenueModes,
    modes_from_json,
    modes_to_json,
)
from tests.unit.sim.binance.test_venue import WALL_MS, Monotonic, _venue

D = Decimal


def test_modes_round_trip_through_json() -> None:
    modes = VenueModes(
        withdrawals_enabled=True,
        clock_skew_ms=7000,
        stale_market_data_s=30,
        rate_limit_storm=RateLimitStorm(every=4, count=2),
    )
    assert modes_from_json(modes_to_json(modes)) == modes
    assert modes_from_json({}) == NO_MODES


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ([], "expected a JSON object"),
        ({"explode": True}, "modes.explode: unknown field"),
        ({"crossed_book": 1}, "modes.crossed_book: wrong type"),
        ({"clock_skew_ms": True}, "modes.clock_skew_ms: wrong type"),
        ({"clock_skew_ms": 7_200_000}, "at most one hour"),
        ({"stale_market_data_s": -1}, "between 0 and 86400"),
        ({"rate_limit_storm": {"every": 0}}, "every >= 1"),
        ({"rate_limit_storm": {"route": 5}}, "rate_limit_storm.route: wrong type"),
    ],
)
def test_bad_modes_name_the_field(body: object, where: str) -> None:
    with pytest.raises(FaultRuleError, match=where):
        modes_from_json(body)


def test_a_storm_refuses_every_nth_matching_request_up_to_its_count() -> None:
    counter = StormCounter(RateLimitStorm(every=3, count=2, route="GET /api/v3/*"))
    refused = [counter.refuses("GET", "/api/v3/time") for _ in range(12)]
    assert refused == [False, False, True, False, False, True] + [False] * 6
    assert not StormCounter(RateLimitStorm(every=1)).refuses("POST", "/api/v3/order")
    assert not StormCounter(None).refuses("GET", "/api/v3/time")


def test_clock_skew_mode_moves_the_gateway_clock_only() -> None:
    venue = _venue(Monotonic())
    sim_before = venue.now_ms()
    venue.set_modes(VenueModes(clock_skew_ms=-4000))
    assert venue.server_ms() == WALL_MS + 1500 - 4000
    assert venue.now_ms() == sim_before


def test_crossed_book_raises_every_bid_above_the_best_ask() -> None:
    venue = _venue(Monotonic())
    live = venue.served_book("BTCUSDT", 5)
    venue.set_modes(VenueModes(crossed_book=True))
    crossed = venue.served_book("BTCUSDT", 5)
    assert crossed.asks == live.asks
    assert crossed.bids[0][0] == live.asks[0][0] + D("0.01")
    assert [p for p, _ in crossed.bids] == sorted((p for p, _ in crossed.bids), reverse=True)


def test_a_stale_feed_freezes_the_book_and_lags_tickers() -> None:
    clock = Monotonic()
    venue = _venue(clock)
    venue.set_modes(VenueModes(stale_market_data_s=30))
    frozen = venue.served_book("BTCUSDT", 3)
    now = venue.sync()
    inside = frozen.bids[0][0] - D("0.01")  # a new second level in the live book
    venue.engine.place_order(_far_buy(now, inside), now)
    clock.now += 60
    venue.sync()
    assert venue.served_book("BTCUSDT", 3) == frozen
    assert venue.engine.book("BTCUSDT", 3) != frozen
    assert venue.market_data_ms(venue.now_ms()) == venue.now_ms() - 30_000
    venue.set_modes(NO_MODES)
    assert venue.served_book("BTCUSDT", 3) == venue.engine.book("BTCUSDT", 3)


def _far_buy(venue_now: int, price: Decimal) -> OrderRequest:
    return OrderRequest("alice", "BTCUSDT", Side.BUY, OrderType.LIMIT, TimeInForce.GTC,
                        D("0.001"), None, price)  # fmt: skip


def test_fill_far_orders_fills_a_resting_order_at_its_price_then_the_quotes_return() -> None:
    venue = _venue(Monotonic())
    now = venue.sync()
    best_bid = venue.engine.book("BTCUSDT", 1).bids[0][0]
    price = (best_bid * D("0.95")).quantize(D("0.01"))
    untouched = venue.engine.place_order(_far_buy(now, price), now)
    venue.order_placed(untouched, now)
    assert venue.engine.get_order("alice", "BTCUSDT", order_id=untouched.order_id).status is (
        OrderStatus.NEW
    )
    venue.set_modes(VenueModes(fill_far_orders=True))
    order = venue.engine.place_order(_far_buy(now, price), now)
    venue.order_placed(order, now)
    filled = venue.engine.get_order("alice", "BTCUSDT", order_id=order.order_id)
    assert filled.status is OrderStatus.FILLED
    assert filled.cummulative_quote_qty == price * D("0.001")
    venue.sync()
    assert venue.engine.book("BTCUSDT", 1).bids[0][0] == best_bid


def test_api_restrictions_report_the_overrides() -> None:
    account = AccountSpec("a", "k", "s", {}, can_withdraw=False)
    plain = wire_account.api_restrictions(account, 5)
    assert (plain["enableWithdrawals"], plain["ipRestrict"]) == (False, False)
    moded = wire_account.api_restrictions(account, 5, withdrawals=True, ip_restricted=True)
    assert (moded["enableWithdrawals"], moded["ipRestrict"]) == (True, True)
    assert wire_account.account(account, [], 1, can_withdraw=True)["canWithdraw"] is True
