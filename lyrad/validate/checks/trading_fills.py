"""Trading compliance, the checks that may execute (behind --allow-trades) and the clean exit.

TRD-13 ... TRD-17 trade the minimum with a loss cap checked before anything is sent; TRD-18
judges the run's end: nothing of ours open, no far order filled, foreign orders untouched.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from decimal import Decimal

from lyrad.domain.errors import OrderRejected, VenueError
from lyrad.domain.values import ZERO, Fill, Market, Side, TimeInForce
from lyrad.domain.venue import VenueOrderStatus
from lyrad.validate.checks.common import bps, by_asset, free_of, top
from lyrad.validate.checks.orderplans import ASSUMED_TAKER_FEE, post_only_supported
from lyrad.validate.context import RunContext
from lyrad.validate.desk import CLIENT_ID_PREFIX
from lyrad.validate.ledger import LedgerEntry
from lyrad.validate.model import Json, NotApplicable, NotRun, Outcome, failed, judged, warned
from lyrad.validate.planning import minimum_amount, round_trip_loss, taker_price

FEE_TOLERANCE = Decimal("0.10")  # ±10 % of the schedule ...
FEE_FLOOR = Decimal("0.00005")  # ... or ±0.5 bp, whichever is wider
FILL_TOLERANCE = Decimal("0.001")  # an average fill within 0.1 % of the touch at send


async def trd_13(ctx: RunContext) -> Outcome:
    market = ctx.require_market()
    if not post_only_supported(ctx):
        raise NotApplicable("the venue offers no post-only time in force")
    _, ask = top(await ctx.adapter.fetch_order_book(ctx.symbol, 5))
    price = market.round_price(ask * Decimal("1.001"), Side.SELL)  # through the touch
    amount = minimum_amount(market, price)
    _within_caps(ctx, market, price * amount)
    error: VenueError | None = None
    try:
        with ctx.calls.provoking():
            order = await ctx.desk.place(
                Side.BUY,
                amount,
                price,
                symbol=ctx.symbol,
                purpose="TRD-13",
                far=False,
                time_in_force=TimeInForce.POST_ONLY,
            )
    except OrderRejected as e:
        error = e
    if error is not None:
        return judged(
            [],
            f"a post-only buy @ {price} over the ask {ask} was refused",
            refusal=type(error).__name__,
        )
    entry = ctx.desk.ledger[-1]
    if order.filled > ZERO:
        return failed(
            f"the post-only order filled {order.filled} through the touch", filled=str(order.filled)
        )
    if order.status is VenueOrderStatus.OPEN:
        await ctx.desk.cancel(entry)
        return warned("the post-only order rested instead of being refused (cancelled)")
    return judged([], f"the post-only order ended {order.status.value} with no fill")


def _within_caps(ctx: RunContext, market: Market, notional: Decimal) -> None:
    cap = ctx.options.max_notional
    if cap is not None and notional > cap:
        raise NotRun(f"the minimum order costs {notional} {market.quote}, above --max-notional")


def _taker_fee(ctx: RunContext) -> Decimal:
    return ctx.facts.fee.taker if ctx.facts.fee is not None else ASSUMED_TAKER_FEE


async def trd_14(ctx: RunContext) -> Outcome:
    market = ctx.require_market()
    bid, ask = top(await ctx.adapter.fetch_order_book(ctx.symbol, 5))
    price = taker_price(market, Side.BUY, bid, ask)
    amount = minimum_amount(market, price)
    _within_caps(ctx, market, price * amount)
    loss = round_trip_loss(amount, bid, ask, _taker_fee(ctx))
    if ctx.options.max_loss is not None and loss > ctx.options.max_loss:
        raise NotRun(f"estimated loss {loss:.8f} exceeds --max-loss {ctx.options.max_loss}")
    before = by_asset(await ctx.adapter.fetch_balances())
    ctx.facts.balances_before_trip = before
    ctx.facts.buy_touch = ask
    bought = await ctx.desk.place(
        Side.BUY,
        amount,
        price,
        symbol=ctx.symbol,
        purpose="TRD-14 buy",
        far=False,
        time_in_force=TimeInForce.IOC,
    )
    ctx.facts.round_trip.append(ctx.desk.ledger[-1])
    if bought.filled <= ZERO:
        return failed(f"the taker buy of {amount} @ {price} did not fill ({bought.status.value})")
    bid, ask = top(await ctx.adapter.fetch_order_book(ctx.symbol, 5))
    ctx.facts.sell_touch = bid
    back = market.round_amount(min(bought.filled, free_of(before, market.base) + bought.filled))
    sold = await ctx.desk.place(
        Side.SELL,
        back,
        taker_price(market, Side.SELL, bid, ask),
        symbol=ctx.symbol,
        purpose="TRD-14 sell",
        far=False,
        time_in_force=TimeInForce.IOC,
    )
    ctx.facts.round_trip.append(ctx.desk.ledger[-1])
    after = by_asset(await ctx.adapter.fetch_balances())
    ctx.facts.balances_after_trip = after
    drift = _total(after, market.base) - _total(before, market.base)
    fees = sum(
        (
            f.fee
            for e in ctx.facts.round_trip
            for f in e.fills.values()
            if f.fee_currency == market.base
        ),
        ZERO,
    )
    problems = []
    if sold.filled != back:
        problems.append(f"the sell-back filled {sold.filled} of {back}")
    if abs(drift + fees) > market.amount_step:
        problems.append(f"{market.base} moved by {drift} (fees {fees}), at most one step expected")
    return judged(
        problems,
        f"bought {bought.filled} and sold {sold.filled} back; {market.base} changed by {drift}",
        estimated_loss=f"{loss:.8f}",
        base_drift=str(drift),
    )


def _total(view: Mapping[str, object], asset: str) -> Decimal:
    balance = view.get(asset)
    return getattr(balance, "total", ZERO) if balance is not None else ZERO


def _trip(ctx: RunContext) -> list[LedgerEntry]:
    entries = [e for e in ctx.facts.round_trip if e.filled > ZERO]
    if not entries:
        raise NotRun("no fills from TRD-14")
    return entries


async def trd_15(ctx: RunContext) -> Outcome:
    market = ctx.require_market()
    entries = _trip(ctx)
    trades = await ctx.adapter.fetch_my_trades(ctx.symbol, since_ms=ctx.started_ms - 1000)
    problems: list[str] = []
    for entry in entries:
        mine = [t for t in trades if t.venue_order_id == entry.venue_order_id]
        problems += _fill_problems(entry, mine)
        for fill in mine:
            await ctx.journal.apply_fill(replace(fill, client_order_id=entry.client_order_id))
            entry.fills.setdefault(fill.trade_id, fill)
        journaled = await ctx.journal.fills(client_order_id=entry.client_order_id)
        if sum((f.amount for f in journaled), ZERO) != entry.filled:
            problems.append(f"{entry.client_order_id}: the journal's fills differ from the venue's")
    problems += _balance_problems(ctx, market, entries)
    return judged(
        problems,
        f"{sum(len(e.fills) for e in entries)} fills match orders, balances and journal",
        fills=sum(len(e.fills) for e in entries),
    )


def _fill_problems(entry: LedgerEntry, fills: list[Fill]) -> list[str]:
    problems = []
    if not fills:
        problems.append(f"{entry.client_order_id}: no trades listed for it")
    if any(not f.trade_id or f.fee_currency == "" for f in fills):
        problems.append(f"{entry.client_order_id}: a trade without id or fee")
    total = sum((f.amount for f in fills), ZERO)
    if fills and total != entry.filled:
        problems.append(
            f"{entry.client_order_id}: trades sum to {total}, order filled {entry.filled}"
        )
    return problems


def _balance_problems(ctx: RunContext, market: Market, entries: list[LedgerEntry]) -> list[str]:
    before, after = ctx.facts.balances_before_trip, ctx.facts.balances_after_trip
    if before is None or after is None:
        return ["no balances around the round trip"]
    base = quote = ZERO
    for entry in entries:
        sign = 1 if entry.side is Side.BUY else -1
        base += sign * entry.filled
        quote -= sign * entry.cost
        for fill in entry.fills.values():
            if fill.fee_currency == market.base:
                base -= fill.fee
            elif fill.fee_currency == market.quote:
                quote -= fill.fee
    problems = []
    base_seen = _total(after, market.base) - _total(before, market.base)
    quote_seen = _total(after, market.quote) - _total(before, market.quote)
    if abs(base_seen - base) > market.amount_step:
        problems.append(f"{market.base} changed by {base_seen}, fills say {base}")
    if abs(quote_seen - quote) > market.price_tick * market.amount_step * 10 + Decimal("1e-8"):
        problems.append(f"{market.quote} changed by {quote_seen}, fills say {quote}")
    return problems


def _fee_rate(fill: Fill, market: Market) -> Decimal | None:
    if fill.fee_currency == market.base and fill.amount:
        return fill.fee / fill.amount
    if fill.fee_currency == market.quote and fill.cost:
        return fill.fee / fill.cost
    return None


async def trd_16(ctx: RunContext) -> Outcome:
    market = ctx.require_market()
    entries = _trip(ctx)
    if ctx.facts.fee is None:
        raise NotRun("the fee schedule is unknown (TEC-12)")
    problems, rates = [], []
    for fill in (f for e in entries for f in e.fills.values()):
        expected = ctx.facts.fee.maker if fill.is_maker else ctx.facts.fee.taker
        rate = _fee_rate(fill, market)
        if rate is None:
            problems.append(f"trade {fill.trade_id}: fee in {fill.fee_currency}, not convertible")
            continue
        rates.append(str(rate))
        if abs(rate - expected) > max(expected * FEE_TOLERANCE, FEE_FLOOR):
            problems.append(f"trade {fill.trade_id}: fee rate {rate}, schedule {expected}")
    return judged(problems, f"fee rates {', '.join(rates)} match the schedule", rates=rates)


async def trd_17(ctx: RunContext) -> Outcome:
    entries = _trip(ctx)
    problems, slippage = [], {}
    for entry in entries:
        touch = ctx.facts.buy_touch if entry.side is Side.BUY else ctx.facts.sell_touch
        if touch is None or not entry.filled:
            continue
        average = entry.cost / entry.filled
        adverse = (average - touch) if entry.side is Side.BUY else (touch - average)
        slippage[entry.side.value] = round(bps(adverse, touch), 3)
        if adverse > touch * FILL_TOLERANCE:
            problems.append(f"{entry.side.value} filled at {average}, touch was {touch}")
    return judged(
        problems, f"fills within 0.1 % of the touch; slippage {slippage} bps", slippage_bps=slippage
    )


async def trd_18(ctx: RunContext) -> Outcome:
    cleanup = ctx.facts.cleanup
    if cleanup is None:
        raise NotRun("cleanup did not run")
    problems = [f"{cid} is still open on the venue" for cid in cleanup.still_open]
    problems += cleanup.problems
    tripwire = ctx.desk.tripwire
    if tripwire is not None:
        problems.append(f"tripwire: {tripwire.describe()}")
    if ctx.facts.foreign_open is not None:
        listed = await ctx.adapter.fetch_open_orders(ctx.symbol)
        present = {o.venue_order_id for o in listed}
        problems += [
            f"foreign order {vid} is gone" for vid in sorted(ctx.facts.foreign_open - present)
        ]
        problems += [
            f"{o.client_order_id} of this run is open"
            for o in listed
            if (o.client_order_id or "").startswith(ctx.desk.prefix)
        ]
    measured: dict[str, Json] = {
        "cancelled_in_cleanup": list(cleanup.cancelled),
        "foreign_orders": len(ctx.facts.foreign_open or ()),
        "older_suite_orders": list(cleanup.older_suite_orders),
    }
    if not problems and cleanup.older_suite_orders:
        return warned(
            f"clean; {len(cleanup.older_suite_orders)} {CLIENT_ID_PREFIX} orders of "
            "older runs are still open",
            **measured,
        )
    return judged(
        problems, "nothing of this run open, no far fill, foreign orders untouched", **measured
    )


CheckFn = Callable[[RunContext], Awaitable[Outcome]]
CHECKS: Mapping[str, CheckFn] = {
    "TRD-13": trd_13, "TRD-14": trd_14, "TRD-15": trd_15, "TRD-16": trd_16, "TRD-17": trd_17,
    "TRD-18": trd_18,
}  # fmt: skip
