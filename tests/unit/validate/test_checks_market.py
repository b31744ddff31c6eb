"""Technical checks against a fake venue: each criterion can fail for the reason it names."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from lyrad.domain.venue import Ticker
from lyrad.validate.checks import technical
from lyrad.validate.model import NotApplicable, NotRun, State, UnknownSymbol
from lyrad.validate.venue_extras import BookSequence
from tests.unit.validate.fakes import NOW_MS, SYMBOL, VENUE, book, context, market

D = Decimal


async def test_tec_01_loads_the_market_or_names_the_symbols() -> None:
    ctx, adapter, *_ = context()
    assert (await technical.tec_01(ctx)).state is State.PASS
    assert ctx.facts.market is not None
    adapter.market_value = market(active=False)
    ctx.facts.market = None
    outcome = await technical.tec_01(ctx)
    assert outcome.state is State.FAIL
    assert ctx.facts.market is None  # no order may be planned on an inactive market
    ctx.options = dataclasses.replace(ctx.options, symbol="DOGE/EUR")
    with pytest.raises(UnknownSymbol, match="DOGE/EUR"):
        await technical.tec_01(ctx)


async def test_tec_02_fails_missing_limits_and_ccxt_findings() -> None:
    ctx, _, extras, _ = context()
    ctx.facts.market = market(min_cost=D(0))
    outcome = await technical.tec_02(ctx)
    assert outcome.state is State.FAIL
    assert "limits.cost.min is missing" in outcome.problems
    ctx.facts.market = market()
    extras.problems["market"] = ("precision.price is not a tick",)
    outcome = await technical.tec_02(ctx)
    assert outcome.problems == ("ccxt test_market: precision.price is not a tick",)


async def test_tec_03_requires_the_capabilities_lyrad_trades_with() -> None:
    ctx, _, extras, _ = context()
    assert (await technical.tec_03(ctx)).state is State.PASS
    extras.has["fetchOrder"] = False
    extras.has["fetchOpenOrder"] = True
    extras.has["fetchClosedOrder"] = True
    assert (await technical.tec_03(ctx)).state is State.PASS  # the alternative counts
    extras.has["cancelOrder"] = False
    outcome = await technical.tec_03(ctx)
    assert outcome.summary == "missing required capability: cancelOrder"


async def test_tec_04_crossed_ticker_fails() -> None:
    ctx, adapter, *_ = context()
    adapter.ticker_value = Ticker(VENUE, SYMBOL, D(60010), D(60000), D(60005), NOW_MS)
    outcome = await technical.tec_04(ctx)
    assert outcome.state is State.FAIL
    assert outcome.summary == "bid 60010 >= ask 60000"


async def test_tec_05_judges_ticker_age_and_book_order() -> None:
    ctx, adapter, extras, _ = context()
    clock_now = await adapter.fetch_time()
    adapter.ticker_value = dataclasses.replace(adapter.ticker_value, timestamp_ms=clock_now - 500)
    assert (await technical.tec_05(ctx)).state is State.PASS
    adapter.ticker_value = dataclasses.replace(
        adapter.ticker_value, timestamp_ms=clock_now - 30_000
    )
    extras.sequence = [BookSequence(1, None), BookSequence(2, None)]
    outcome = await technical.tec_05(ctx)
    assert outcome.summary == "the ticker is 30.0 s old (at most 10 s)"
    adapter.ticker_value = dataclasses.replace(adapter.ticker_value, timestamp_ms=clock_now)
    extras.sequence = [BookSequence(9, None), BookSequence(4, None)]
    outcome = await technical.tec_05(ctx)
    assert outcome.summary == "book nonce went back: 9 then 4"


async def test_tec_06_flags_a_crossed_or_thin_book() -> None:
    ctx, adapter, *_ = context()
    assert (await technical.tec_06(ctx)).state is State.PASS
    adapter.book_value = book(bid="60020", ask="60010")
    outcome = await technical.tec_06(ctx)
    assert any("crossed book" in p for p in outcome.problems)
    adapter.book_value = book(levels=3)
    outcome = await technical.tec_06(ctx)
    assert "limit 5: 3 bids (at least 5)" in outcome.problems


async def test_tec_07_and_08_compare_book_ticker_spread_and_depth() -> None:
    ctx, adapter, *_ = context()
    ctx.facts.market = market()
    assert (await technical.tec_07(ctx)).state is State.PASS
    adapter.ticker_value = Ticker(VENUE, SYMBOL, D(59900), D(60010), D(60005), NOW_MS)
    assert (await technical.tec_07(ctx)).state is State.FAIL
    adapter.book_value = book(bid="60000", ask="60300")  # 50 bps
    outcome = await technical.tec_08(ctx)
    assert outcome.summary.startswith("spread 49.9 bps above 20 bps")


async def test_tec_09_candles_without_gaps() -> None:
    ctx, *_ = context()
    outcome = await technical.tec_09(ctx)
    assert outcome.state is State.PASS
    assert outcome.measured["candles"] == 50


async def test_streams_are_not_applicable_without_watch_capabilities() -> None:
    ctx, _, extras, _ = context()
    with pytest.raises(NotApplicable):
        await technical.tec_11(ctx)
    extras.has["watchOrderBook"] = True
    with pytest.raises(NotRun, match="no stream client"):
        await technical.tec_11(ctx)


async def test_tec_12_fee_schedule_rules() -> None:
    ctx, *_ = context()
    outcome = await technical.tec_12(ctx)
    assert outcome.state is State.PASS
    assert outcome.measured["maker"] == "0.001"


async def test_tec_13_needs_the_quote_currency() -> None:
    ctx, adapter, *_ = context()
    ctx.facts.authenticated = True
    ctx.facts.market = market()
    del adapter.balances["USDT"]
    outcome = await technical.tec_13(ctx)
    assert outcome.summary == "no USDT balance: the quote currency is missing"


async def test_tec_14_sees_balances_move_while_idle() -> None:
    ctx, adapter, *_ = context()
    ctx.facts.authenticated = True
    assert (await technical.tec_14(ctx)).state is State.PASS
    moved = dict(adapter.balances)
    moved["BTC"] = dataclasses.replace(moved["BTC"], free=D("0.5"))
    adapter.later_balances = [dict(adapter.balances), moved]
    outcome = await technical.tec_14(ctx)
    assert outcome.summary == "balances changed while idle: BTC"
