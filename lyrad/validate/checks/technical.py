"""Technical compliance: markets, market data, account structures (TEC-01 ... TEC-15)."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable, Mapping
from decimal import Decimal

from lyrad.domain.errors import AuthenticationFailed
from lyrad.domain.values import ZERO, Market
from lyrad.domain.venue import OrderBook
from lyrad.validate.checks.common import audit_note, bps, by_asset, ccxt_audit, top
from lyrad.validate.context import RunContext
from lyrad.validate.model import (
    NotApplicable,
    NotRun,
    Outcome,
    State,
    UnknownSymbol,
    failed,
    judged,
    passed,
    warned,
)
from lyrad.validate.planning import minimum_amount
from lyrad.validate.venue_extras import StructureKind, TradingFee

MAX_AGE_MS = 10_000
MAX_AHEAD_MS = 60_000
MAX_SPREAD_BPS = 20.0
DEPTH_MULTIPLE = 20
BOOK_LIMITS = (5, 20, 100)
MINUTE_MS = 60_000
OHLCV_LIMIT = 50
SEVEN_DAYS_MS = 7 * 86_400_000


async def tec_01(ctx: RunContext) -> Outcome:
    markets = await ctx.adapter.load_markets()
    ctx.facts.markets_loaded = True
    market = markets.get(ctx.symbol)
    if market is None:
        raise UnknownSymbol(ctx.symbol, sorted(markets))
    if not market.active:
        return failed(f"{ctx.symbol} is listed but not active")
    ctx.facts.market = market
    return passed(
        f"{len(markets)} spot markets loaded; {ctx.symbol} ({market.venue_symbol}) is active",
        markets=len(markets),
        venue_symbol=market.venue_symbol,
    )


def _market_problems(market: Market) -> list[str]:
    problems = []
    if market.price_tick <= ZERO or market.amount_step <= ZERO:
        problems.append(f"precision: tick {market.price_tick}, step {market.amount_step}")
    if market.min_amount <= ZERO:
        problems.append("limits.amount.min is missing")
    if market.min_cost <= ZERO:
        problems.append("limits.cost.min is missing")
    for name, low, high in (
        ("amount", market.min_amount, market.max_amount),
        ("price", market.min_price, market.max_price),
        ("cost", market.min_cost, market.max_cost),
    ):
        if high is not None and high < low:
            problems.append(f"limits.{name}: max {high} < min {low}")
    return problems


async def tec_02(ctx: RunContext) -> Outcome:
    market = ctx.require_market()
    problems = _market_problems(market)
    measured = {
        "tick": str(market.price_tick),
        "step": str(market.amount_step),
        "min_amount": str(market.min_amount),
        "min_cost": str(market.min_cost),
    }
    if ctx.extras is None:
        if problems:
            return failed(problems[0], *problems, **measured)
        return warned("limits sane; fees and ccxt test_market not checkable", **measured)
    fee = await _fee(ctx)
    if fee is not None:
        for name, rate in (("maker", fee.maker), ("taker", fee.taker)):
            if not Decimal("-0.01") < rate < Decimal("0.01"):
                problems.append(f"{name} fee {rate} is outside (-1%, 1%)")
        measured |= {"maker": str(fee.maker), "taker": str(fee.taker)}
    problems += await ccxt_audit(ctx, "market", ctx.symbol)
    if fee is None and not problems:
        return warned("precision and limits sane; fees unknown without credentials", **measured)
    return judged(
        problems, "precision, limits and fees are sane; ccxt test_market passes", **measured
    )


async def _fee(ctx: RunContext) -> TradingFee | None:
    """The account's fee schedule, once per run; None when it cannot be read."""
    if ctx.facts.fee is None and ctx.extras is not None and ctx.options.has_credentials:
        try:
            ctx.facts.fee = await ctx.extras.fetch_trading_fee(ctx.symbol)
        except AuthenticationFailed:
            return None  # SEC-02 judges the credentials
    return ctx.facts.fee


_REQUIRED: tuple[tuple[str, ...], ...] = (
    ("createOrder",),
    ("cancelOrder",),
    ("fetchBalance",),
    ("fetchOpenOrders",),
    ("fetchOrder", "fetchOpenOrder+fetchClosedOrder"),
    ("fetchOrderBook", "fetchTicker"),
    ("fetchOHLCV",),
)
_OPTIONAL = (
    "fetchMyTrades",
    "editOrder",
    "watchOrders",
    "watchOrderBook",
    "createOrders",
    "cancelOrders",
)


def _offers(has: Mapping[str, bool | None], alternative: str) -> bool:
    return all(has.get(name) for name in alternative.split("+"))


async def tec_03(ctx: RunContext) -> Outcome:
    description = ctx.require_description()
    has = description.has
    missing = [
        " or ".join(alternatives)
        for alternatives in _REQUIRED
        if not any(_offers(has, a) for a in alternatives)
    ]
    absent = [name for name in _OPTIONAL if not has.get(name)]
    problems = [f"missing required capability: {m}" for m in missing]
    if not description.features:
        problems.append("features: nothing parsed for spot")
    return judged(
        problems,
        f"every required capability present; optional ones absent: {', '.join(absent) or 'none'}",
        missing_optional=list(absent),
        post_only=description.post_only,
    )


async def tec_04(ctx: RunContext) -> Outcome:
    ticker = await ctx.adapter.fetch_ticker(ctx.symbol)
    ctx.facts.ticker = ticker
    problems = []
    for name, value in (("bid", ticker.bid), ("ask", ticker.ask), ("last", ticker.last)):
        if value is None or value <= ZERO:
            problems.append(f"{name} is {value}")
    if ticker.bid is not None and ticker.ask is not None and ticker.bid >= ticker.ask:
        problems.append(f"bid {ticker.bid} >= ask {ticker.ask}")
    problems += await ccxt_audit(ctx, "ticker", ctx.symbol)
    return judged(
        problems,
        f"bid {ticker.bid} < ask {ticker.ask}, last {ticker.last}; {audit_note(ctx)}",
        bid=str(ticker.bid),
        ask=str(ticker.ask),
        last=str(ticker.last),
    )


async def _server_now(ctx: RunContext) -> int:
    return await ctx.adapter.fetch_time()


def _age_problem(what: str, age_ms: int) -> str | None:
    if age_ms > MAX_AGE_MS:
        return f"{what} is {age_ms / 1000:.1f} s old (at most {MAX_AGE_MS // 1000} s)"
    if -age_ms > MAX_AHEAD_MS:
        return f"{what} is {-age_ms / 1000:.1f} s ahead of the venue's clock"
    return None


async def tec_05(ctx: RunContext) -> Outcome:
    ticker = await ctx.adapter.fetch_ticker(ctx.symbol)
    server = await _server_now(ctx)
    ticker_age = server - ticker.timestamp_ms
    problems = [p for p in (_age_problem("the ticker", ticker_age),) if p]
    measured: dict[str, int | str | None] = {"ticker_age_ms": ticker_age}
    if ctx.extras is None:
        return Outcome(
            _state_of(problems, warn=True),
            problems[0] if problems else "ticker fresh; book order not checkable without nonce",
            measured,
            tuple(problems),
        )
    first = await ctx.extras.fetch_book_sequence(ctx.symbol, 5)
    second = await ctx.extras.fetch_book_sequence(ctx.symbol, 5)
    server = await _server_now(ctx)
    measured |= {"nonce_1": first.nonce, "nonce_2": second.nonce}
    if second.timestamp_ms is not None and "orderbook.timestamp" not in ctx.deviations.tolerances:
        age = server - second.timestamp_ms
        measured["book_age_ms"] = age
        problem = _age_problem("the book", age)
        problems += [problem] if problem else []
    if first.nonce is not None and second.nonce is not None:
        if second.nonce < first.nonce:
            problems.append(f"book nonce went back: {first.nonce} then {second.nonce}")
    elif first.timestamp_ms is not None and second.timestamp_ms is not None:
        if second.timestamp_ms < first.timestamp_ms:
            problems.append("book timestamp went back")
    else:
        problems.append("successive books carry neither nonce nor timestamp")
    return judged(problems, f"ticker {ticker_age} ms old; books in order", **measured)


def _state_of(problems: list[str], *, warn: bool) -> State:
    if problems:
        return State.FAIL
    return State.WARN if warn else State.PASS


def _book_problems(book: OrderBook, limit: int) -> list[str]:
    problems = []
    for side, levels in (("bids", book.bids), ("asks", book.asks)):
        if len(levels) < 5:
            problems.append(f"limit {limit}: {len(levels)} {side} (at least 5)")
        if len(levels) > limit:
            problems.append(f"limit {limit}: {len(levels)} {side} returned, more than asked")
        if any(size <= ZERO for _, size in levels):
            problems.append(f"limit {limit}: a {side} level has no size")
    if book.bids and book.asks and book.bids[0][0] >= book.asks[0][0]:
        problems.append(f"crossed book: best bid {book.bids[0][0]} >= best ask {book.asks[0][0]}")
    return problems


async def tec_06(ctx: RunContext) -> Outcome:
    problems: list[str] = []
    counts = {}
    for limit in BOOK_LIMITS:
        book = await ctx.adapter.fetch_order_book(ctx.symbol, limit)
        counts[f"levels_{limit}"] = min(len(book.bids), len(book.asks))
        problems += _book_problems(book, limit)
        if limit == 20:
            ctx.facts.book = book
    problems += await ccxt_audit(ctx, "order_book", ctx.symbol)
    return judged(problems, f"books at limits 5/20/100 valid; {audit_note(ctx)}", **counts)


async def tec_07(ctx: RunContext) -> Outcome:
    market = ctx.require_market()
    ticker = await ctx.adapter.fetch_ticker(ctx.symbol)
    book = await ctx.adapter.fetch_order_book(ctx.symbol, 5)
    bid, ask = top(book)
    if ticker.bid is None or ticker.ask is None:
        raise NotApplicable("the venue's ticker carries no bid and ask")
    tolerance = max(2 * market.price_tick, (bid + ask) / 2 * Decimal("0.0005"))
    problems = [
        f"ticker {name} {quoted} is {abs(quoted - booked)} from the book's {booked}"
        for name, quoted, booked in (("bid", ticker.bid, bid), ("ask", ticker.ask, ask))
        if abs(quoted - booked) > tolerance
    ]
    return judged(
        problems,
        f"ticker bid/ask within {tolerance} of the book top",
        tolerance=str(tolerance),
        bid_gap=str(abs(ticker.bid - bid)),
        ask_gap=str(abs(ticker.ask - ask)),
    )


async def tec_08(ctx: RunContext) -> Outcome:
    market = ctx.require_market()
    book = ctx.facts.book or await ctx.adapter.fetch_order_book(ctx.symbol, 20)
    bid, ask = top(book)
    mid = (bid + ask) / 2
    spread = bps(ask - bid, mid)
    minimum = minimum_amount(market, mid) * mid
    depth_bid = sum((p * q for p, q in book.bids[:5]), ZERO)
    depth_ask = sum((p * q for p, q in book.asks[:5]), ZERO)
    problems = []
    if spread > MAX_SPREAD_BPS:
        problems.append(f"spread {spread:.1f} bps above {MAX_SPREAD_BPS:.0f} bps")
    for side, depth in (("bid", depth_bid), ("ask", depth_ask)):
        if depth < DEPTH_MULTIPLE * minimum:
            problems.append(
                f"top-5 {side} depth {depth:.2f} below {DEPTH_MULTIPLE} x {minimum:.2f}"
            )
    return judged(
        problems,
        f"spread {spread:.2f} bps; top-5 depth {depth_bid:.0f} / {depth_ask:.0f} {market.quote}",
        spread_bps=round(spread, 3),
        depth_bid=f"{depth_bid:.2f}",
        depth_ask=f"{depth_ask:.2f}",
    )


def _candle_problems(opens: list[int], now_ms: int, since_ms: int | None, limit: int) -> list[str]:
    problems = []
    if len(opens) < 0.9 * limit:
        problems.append(f"{len(opens)} candles for a limit of {limit}")
    steps = {b - a for a, b in itertools.pairwise(opens)}
    if any(step <= 0 for step in steps):
        problems.append("candles are not in ascending order")
    if any(step > MINUTE_MS for step in steps):
        problems.append("gaps between candles")
    if since_ms is None and opens and now_ms - opens[-1] > 2 * MINUTE_MS:
        problems.append(f"last candle is {(now_ms - opens[-1]) / 1000:.0f} s old")
    if since_ms is not None and opens and opens[0] not in (since_ms, since_ms + MINUTE_MS):
        problems.append(f"since {since_ms} not honoured: first candle opens at {opens[0]}")
    return problems


async def tec_09(ctx: RunContext) -> Outcome:
    if not ctx.adapter.serves_candles:
        raise NotRun("the adapter serves no candles")
    if ctx.extras is not None:
        ctx.require_capability("fetchOHLCV")
    latest = await ctx.adapter.fetch_ohlcv(ctx.symbol, "1m", limit=OHLCV_LIMIT)
    now = await _server_now(ctx)
    since = (now // MINUTE_MS - 60) * MINUTE_MS
    window = await ctx.adapter.fetch_ohlcv(ctx.symbol, "1m", since_ms=since, limit=30)
    problems = _candle_problems([c.open_time_ms for c in latest], now, None, OHLCV_LIMIT)
    problems += _candle_problems([c.open_time_ms for c in window], now, since, 30)
    problems += [f"candle {c.open_time_ms}: low above high" for c in latest if c.low > c.high]
    problems += await ccxt_audit(ctx, "ohlcv", ctx.symbol)
    return judged(
        problems,
        f"{len(latest)} ascending 1m candles, no gaps; since honoured",
        candles=len(latest),
    )


async def tec_10(ctx: RunContext) -> Outcome:
    extras = ctx.require_extras()
    ctx.require_capability("fetchTrades")
    trades = await extras.fetch_public_trades(ctx.symbol, limit=100)
    now = await _server_now(ctx)
    if not trades:
        return warned("the venue returned no public trades")
    problems = [f"trade {t.trade_id}: no side" for t in trades if t.side is None]
    stamps = [t.timestamp_ms for t in trades]
    if stamps != sorted(stamps):
        problems.append("trades are not in ascending time order")
    if stamps[-1] > now + MAX_AHEAD_MS:
        problems.append(f"newest trade is {(stamps[-1] - now) / 1000:.0f} s in the future")
    problems += await ccxt_audit(ctx, "trades", ctx.symbol)
    return judged(
        problems, f"{len(trades)} public trades, ascending, with sides", trades=len(trades)
    )


async def tec_11(ctx: RunContext) -> Outcome:
    ctx.require_capability("watchOrderBook", "watchTicker")
    raise NotRun("lyrad's adapter has no stream client yet (REST polling only)")


async def tec_12(ctx: RunContext) -> Outcome:
    ctx.require_extras()
    fee = await _fee(ctx)
    if fee is None:
        raise NotRun("the fee schedule needs credentials on this venue")
    measured = {"maker": str(fee.maker), "taker": str(fee.taker), "source": fee.source}
    if not fee.maker <= fee.taker < Decimal("0.01") or fee.taker < ZERO:
        return failed(
            f"maker {fee.maker}, taker {fee.taker}: not 0 <= maker <= taker < 1%", **measured
        )
    if fee.maker < ZERO:
        return passed(f"maker rebate {fee.maker} (flagged), taker {fee.taker}", **measured)
    return passed(f"maker {fee.maker}, taker {fee.taker} ({fee.source})", **measured)


async def tec_13(ctx: RunContext) -> Outcome:
    ctx.require_auth()
    market = ctx.require_market()
    balances = ctx.facts.balances or await ctx.adapter.fetch_balances()
    ctx.facts.balances = balances
    problems = [f"{b.asset}: negative balance" for b in balances if b.free < 0 or b.used < 0]
    if market.quote not in by_asset(balances):
        problems.append(f"no {market.quote} balance: the quote currency is missing")
    problems += await ccxt_audit(ctx, "balance", None)
    return judged(
        problems,
        f"{len(balances)} assets, total = free + used, {market.quote} present",
        assets=len(balances),
    )


async def tec_14(ctx: RunContext) -> Outcome:
    ctx.require_auth()
    first = by_asset(await ctx.adapter.fetch_balances())
    await ctx.clock.sleep(ctx.deviations.balance_idle_gap_s)
    second = by_asset(await ctx.adapter.fetch_balances())
    changed = sorted(a for a in set(first) | set(second) if first.get(a) != second.get(a))
    gap = ctx.deviations.balance_idle_gap_s
    if changed:
        return failed(f"balances changed while idle: {', '.join(changed)}", changed=changed)
    return passed(f"two balances {gap:g} s apart are equal ({len(first)} assets)", gap_s=gap)


async def tec_15(ctx: RunContext) -> Outcome:
    ctx.require_auth()
    extras = ctx.require_extras()
    since = ctx.wall_ms() - SEVEN_DAYS_MS
    open_orders = await ctx.adapter.fetch_open_orders(ctx.symbol)
    closed = await extras.fetch_closed_orders(ctx.symbol, since_ms=since, limit=50)
    trades = await ctx.adapter.fetch_my_trades(ctx.symbol, limit=50)
    problems: list[str] = []
    kinds: tuple[StructureKind, ...] = ("open_orders", "closed_orders", "my_trades")
    for kind in kinds:
        problems += await ccxt_audit(ctx, kind, ctx.symbol)
    return judged(
        problems,
        f"{len(open_orders)} open, {len(closed)} closed orders and {len(trades)} trades parse",
        open=len(open_orders),
        closed=len(closed),
        trades=len(trades),
    )


CheckFn = Callable[[RunContext], Awaitable[Outcome]]
CHECKS: Mapping[str, CheckFn] = {
    "TEC-01": tec_01, "TEC-02": tec_02, "TEC-03": tec_03, "TEC-04": tec_04, "TEC-05": tec_05,
    "TEC-06": tec_06, "TEC-07": tec_07, "TEC-08": tec_08, "TEC-09": tec_09, "TEC-10": tec_10,
    "TEC-11": tec_11, "TEC-12": tec_12, "TEC-13": tec_13, "TEC-14": tec_14, "TEC-15": tec_15,
}  # fmt: skip
