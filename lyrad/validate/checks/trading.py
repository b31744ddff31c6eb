"""Trading compliance: the resting-order lifecycle and the rejection probes (TRD-01 ... TRD-12).

The executing checks (TRD-13 ... TRD-18) are in `trading_fills`. Every order goes through the
desk, which journals it first and enforces the budget and the tripwire.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from decimal import Decimal

from lyrad.domain.errors import InsufficientFunds, OrderNotFound, OrderRejected, VenueError
from lyrad.domain.orders import OrderState
from lyrad.domain.values import Balance, OrderType, Side, TimeInForce
from lyrad.domain.venue import OrderRequest, VenueOrder, VenueOrderStatus
from lyrad.exchanges.order_rules import conform
from lyrad.exchanges.quirks import Endpoint
from lyrad.validate.calls import ccxt_lineage, library_class
from lyrad.validate.checks.common import by_asset, poll, top
from lyrad.validate.checks.orderplans import FarOrder, echo_problems, plan_far, price_band
from lyrad.validate.context import ErrorObservation, RunContext
from lyrad.validate.ledger import LedgerEntry
from lyrad.validate.model import NotApplicable, NotRun, Outcome, failed, judged
from lyrad.validate.planning import (
    PlanRefused,
    below_minimum_notional,
    far_price,
    minimum_amount,
    oversized_for_funds,
)

REPLACE_STEP = Decimal("0.01")  # TRD-09 moves the resting price 1 % further away


def observe(ctx: RunContext, provoked: str, check: str, error: VenueError | None) -> None:
    """File a provoked error (or its absence) for PRD-09's mapping table."""
    ctx.facts.errors.append(
        ErrorObservation(
            provoked=provoked,
            check=check,
            lyrad_class=type(error).__name__ if error else None,
            ccxt_class=library_class(error) if error else None,
            ccxt_lineage=ccxt_lineage(error) if error else (),
            definitive=isinstance(error, OrderRejected) if error else None,
            sent=error is not None and error.__cause__ is not None,
        )
    )


def _created_requests(ctx: RunContext) -> int:
    counts = ctx.requests(Endpoint.CREATE_ORDER)
    return sum(n for outcome, n in counts.items() if outcome != "refused_locally")


async def trd_01(ctx: RunContext) -> Outcome:
    market = ctx.require_market()
    bid, ask = top(ctx.facts.book or await ctx.adapter.fetch_order_book(ctx.symbol, 20))
    try:
        price = far_price(market, Side.BUY, bid, ask, band=await price_band(ctx))
    except PlanRefused as e:
        raise NotRun(str(e)) from e
    amount = minimum_amount(market, price)
    request = OrderRequest(
        ctx.adapter.venue, ctx.symbol, "plan", Side.BUY, OrderType.LIMIT, amount, price
    )
    try:
        conformed = conform(market, request)
    except OrderRejected as e:
        return failed(f"the order plan fails lyrad's own checks: {e.reason}")
    problems = []
    if conform(market, conformed) != conformed:
        problems.append("rounding is not idempotent")
    if (conformed.price, conformed.amount) != (price, amount):
        problems.append(f"the plan {amount} @ {price} was rounded to a different order")
    tiny = market.amount_step / 2  # rounds to nothing: can never be a valid order
    sent_before = _created_requests(ctx)
    try:
        with ctx.calls.provoking():
            await ctx.desk.place(
                Side.BUY, tiny, price, symbol=ctx.symbol, purpose="TRD-01", far=True
            )
        problems.append(f"a sub-minimum order of {tiny} was not refused")
    except OrderRejected:
        pass
    problems += await _not_supported(ctx, amount)
    if _created_requests(ctx) != sent_before:
        problems.append("an order lyrad must refuse was sent to the venue")
    return judged(
        problems,
        f"plan {amount} @ {price} passes; a {tiny} order is refused without a request",
        plan_amount=str(amount),
        plan_price=str(price),
    )


async def _not_supported(ctx: RunContext, amount: Decimal) -> list[str]:
    """A post-only market order: a time in force lyrad must deny locally (PRD-09's row)."""
    error: VenueError | None = None
    try:
        with ctx.calls.provoking():
            await ctx.desk.place(
                Side.BUY,
                amount,
                None,
                symbol=ctx.symbol,
                purpose="TRD-01",
                far=False,
                order_type=OrderType.MARKET,
                time_in_force=TimeInForce.POST_ONLY,
            )
    except OrderRejected as e:
        error = e
    observe(ctx, "NotSupported", "TRD-01", error)
    return [] if error is not None else ["a post-only market order was not refused"]


async def _place_far(ctx: RunContext, far: FarOrder, purpose: str) -> tuple[VenueOrder, str]:
    plan = far.plan
    order = await ctx.desk.place(
        plan.side,
        plan.amount,
        plan.price,
        symbol=ctx.symbol,
        purpose=purpose,
        far=True,
        time_in_force=far.time_in_force,
    )
    return order, ctx.desk.ledger[-1].client_order_id


async def trd_02(ctx: RunContext) -> Outcome:
    far = await plan_far(ctx, Side.BUY)
    before = by_asset(await ctx.adapter.fetch_balances())
    order, cid = await _place_far(ctx, far, "TRD-02")
    ctx.facts.lifecycle = ctx.desk.entry(cid)
    ctx.facts.balance_before = before
    ctx.facts.reserved_notional = far.plan.notional
    ctx.facts.lifecycle_step = far.plan.price * ctx.require_market().amount_step
    ctx.facts.balance_during = by_asset(await ctx.adapter.fetch_balances())
    problems = echo_problems(order, far.plan, cid, ctx.symbol)
    return judged(
        problems,
        f"far buy {cid} open: {far.plan.amount} @ {far.plan.price} "
        f"({'post-only' if far.post_only else 'GTC, post-only N/A'})",
        client_order_id=cid,
        venue_order_id=order.venue_order_id,
        post_only=far.post_only,
    )


def _lifecycle(ctx: RunContext, *, live: bool = True) -> LedgerEntry:
    entry = ctx.facts.lifecycle
    if entry is None:
        raise NotRun("no resting order from TRD-02")
    if live and not entry.is_live:
        raise NotRun(f"the resting order {entry.client_order_id} is {entry.state}")
    return entry


def _same_order(order: VenueOrder, entry: LedgerEntry) -> list[str]:
    fields = (
        ("price", order.price, entry.price),
        ("amount", order.amount, entry.amount),
        ("side", order.side, entry.side),
        ("symbol", order.symbol, entry.symbol),
    )
    problems = [f"{name} {got} differs from {want}" for name, got, want in fields if got != want]
    if order.status is not VenueOrderStatus.OPEN or order.filled:
        problems.append(f"status {order.status.value}, filled {order.filled}")
    return problems


async def trd_04(ctx: RunContext) -> Outcome:
    entry = _lifecycle(ctx)
    vid = entry.venue_order_id
    by_id, waited_id = await poll(
        ctx,
        lambda: ctx.adapter.fetch_order(ctx.symbol, venue_order_id=vid),
        lambda o: o.status is VenueOrderStatus.OPEN,
    )
    await ctx.desk.observe(by_id)
    listed, waited_list = await poll(
        ctx,
        lambda: ctx.adapter.fetch_open_orders(ctx.symbol),
        lambda orders: any(o.client_order_id == entry.client_order_id for o in orders),
    )
    mine = [o for o in listed if o.client_order_id == entry.client_order_id]
    problems = [f"by id: {p}" for p in _same_order(by_id, entry)]
    if not mine:
        problems.append(f"not among open orders after {waited_list:.1f} s")
    else:
        problems += [f"in open orders: {p}" for p in _same_order(mine[0], entry)]
    return judged(
        problems,
        f"found by id in {waited_id:.2f} s and by client id in {waited_list:.2f} s; fields equal",
        by_id_s=round(waited_id, 3),
        by_client_id_s=round(waited_list, 3),
    )


async def trd_08(ctx: RunContext) -> Outcome:
    entry = _lifecycle(ctx)
    seen = await ctx.adapter.fetch_order(ctx.symbol, client_order_id=entry.client_order_id)
    problems = []
    if seen.venue_order_id != entry.venue_order_id:
        problems.append("the client id does not find the same order")
    error: VenueError | None = None
    duplicate: VenueOrder | None = None
    try:
        with ctx.calls.provoking():
            duplicate = await ctx.desk.place(
                entry.side,
                entry.amount,
                entry.price,
                symbol=ctx.symbol,
                purpose="TRD-08",
                far=True,
                time_in_force=entry.time_in_force,
                client_order_id=entry.client_order_id,
            )
    except OrderRejected as e:
        error = e
    if duplicate is not None:
        problems.append(f"a second order {duplicate.venue_order_id} was accepted")
        await ctx.desk.cancel_duplicate(ctx.symbol, duplicate)
    elif isinstance(error, InsufficientFunds | OrderNotFound):
        problems.append(f"the resubmission was refused as {type(error).__name__}")
    listed = await ctx.adapter.fetch_open_orders(ctx.symbol)
    copies = sum(1 for o in listed if o.client_order_id == entry.client_order_id)
    if copies != 1:
        problems.append(f"{copies} open orders carry {entry.client_order_id}")
    return judged(
        problems,
        f"{entry.client_order_id} round-trips; its resubmission was refused "
        f"({library_class(error) if error else '-'}), one order remains",
        refusal=type(error).__name__ if error else None,
        ccxt_class=library_class(error) if error else None,
    )


async def trd_12(ctx: RunContext) -> Outcome:
    ctx.require_capability("watchOrders")
    raise NotRun("lyrad's adapter has no user stream yet (REST polling only)")


async def trd_03(ctx: RunContext) -> Outcome:
    far = await plan_far(ctx, Side.SELL)
    order, cid = await _place_far(ctx, far, "TRD-03")
    problems = echo_problems(order, far.plan, cid, ctx.symbol)
    cancelled = await ctx.desk.cancel(ctx.desk.entry(cid))
    if cancelled.status is not VenueOrderStatus.CANCELLED:
        problems.append(f"the far sell ended {cancelled.status.value} after its cancel")
    return judged(
        problems, f"far sell {cid} open: {far.plan.amount} @ {far.plan.price}", client_order_id=cid
    )


async def trd_09(ctx: RunContext) -> Outcome:
    entry = _lifecycle(ctx)
    market = ctx.require_market()
    if entry.price is None:  # pragma: no cover - the lifecycle order is a limit order
        raise NotRun("the resting order has no price")
    price = market.round_price(entry.price * (1 - REPLACE_STEP), entry.side)
    old = await ctx.desk.cancel(entry)
    order = await ctx.desk.place(
        entry.side,
        entry.amount,
        price,
        symbol=ctx.symbol,
        purpose="TRD-09",
        far=True,
        time_in_force=entry.time_in_force,
    )
    fresh = ctx.desk.ledger[-1]
    ctx.facts.lifecycle = fresh
    closed = await ctx.adapter.fetch_order(ctx.symbol, client_order_id=entry.client_order_id)
    problems = []
    if old.status is not VenueOrderStatus.CANCELLED or closed.status is VenueOrderStatus.OPEN:
        problems.append(f"the old order {entry.client_order_id} is {closed.status.value}")
    if order.status is not VenueOrderStatus.OPEN or order.price != price:
        problems.append(f"the replacement is {order.status.value} at {order.price}")
    return judged(
        problems,
        f"cancel-replace moved {entry.client_order_id} to {fresh.client_order_id} @ {price}",
        method="cancel then new order",
        replacement=fresh.client_order_id,
    )


async def trd_06(ctx: RunContext) -> Outcome:
    entry = _lifecycle(ctx)
    order = await ctx.desk.cancel(entry)
    problems = []
    if order.status is not VenueOrderStatus.CANCELLED or order.filled:
        problems.append(f"cancel answered {order.status.value}, filled {order.filled}")
    listed, waited = await poll(
        ctx,
        lambda: ctx.adapter.fetch_open_orders(ctx.symbol),
        lambda orders: all(o.client_order_id != entry.client_order_id for o in orders),
    )
    if any(o.client_order_id == entry.client_order_id for o in listed):
        problems.append(f"still among open orders after {waited:.1f} s")
    journaled = await ctx.journal.get_order(entry.client_order_id)
    if journaled is None or journaled.state is not OrderState.CANCELLED:
        state = journaled.state.value if journaled else "missing"
        problems.append(f"the journal shows {state}, cancelled expected")
    return judged(
        problems,
        f"{entry.client_order_id} cancelled, gone from open orders in {waited:.2f} s, journaled",
        gone_after_s=round(waited, 3),
    )


async def trd_07(ctx: RunContext) -> Outcome:
    entry = _lifecycle(ctx, live=False)
    if entry.state != VenueOrderStatus.CANCELLED.value:
        raise NotRun("TRD-06 did not cancel the resting order")
    error: VenueError | None = None
    try:
        with ctx.calls.provoking():
            await ctx.desk.cancel(entry)
    except VenueError as e:
        error = e
    observe(ctx, "OrderNotFound", "TRD-07", error)
    after = await ctx.adapter.fetch_order(ctx.symbol, client_order_id=entry.client_order_id)
    problems = []
    if not isinstance(error, OrderNotFound):
        problems.append(f"a second cancel gave {type(error).__name__ if error else 'success'}")
    if after.status is not VenueOrderStatus.CANCELLED or after.filled:
        problems.append(f"the order changed to {after.status.value}, filled {after.filled}")
    return judged(
        problems,
        "a second cancel is refused as OrderNotFound; nothing changed",
        refusal=type(error).__name__ if error else None,
        ccxt_class=library_class(error) if error else None,
    )


async def trd_05(ctx: RunContext) -> Outcome:
    market = ctx.require_market()
    before, during = ctx.facts.balance_before, ctx.facts.balance_during
    expected = ctx.facts.reserved_notional
    if before is None or during is None or expected is None:
        raise NotRun("no balances around TRD-02's order")
    _lifecycle(ctx, live=False)
    quote = market.quote
    free_0, used_0 = _amounts(before, quote)
    free_1, used_1 = _amounts(during, quote)
    free_2, used_2 = _amounts(by_asset(await ctx.adapter.fetch_balances()), quote)
    locked, released = used_1 - used_0, free_0 - free_1
    # a fee reserve (up to 0.2 %) and one step of rounding are allowed
    tolerance = expected * Decimal("0.002") + (ctx.facts.lifecycle_step or Decimal(0))
    problems = []
    if abs(locked - expected) > tolerance:
        problems.append(f"{quote} used rose by {locked}, {expected} expected")
    if abs(released - expected) > tolerance:
        problems.append(f"{quote} free fell by {released}, {expected} expected")
    if (free_2, used_2) != (free_0, used_0):
        problems.append(f"{quote} not restored after the cancels: free {free_2}, used {used_2}")
    return judged(
        problems,
        f"{locked} {quote} reserved while open, all released after cancel",
        reserved=str(locked),
        expected=str(expected),
    )


def _amounts(view: Mapping[str, Balance], asset: str) -> tuple[Decimal, Decimal]:
    balance = view.get(asset)
    return (balance.free, balance.used) if balance is not None else (Decimal(0), Decimal(0))


async def _rejection_probe(
    ctx: RunContext, amount: Decimal, price: Decimal, purpose: str, *, unchecked: bool
) -> tuple[VenueError | None, list[str]]:
    """Send an order that must be refused; if the venue takes it, cancel it at once."""
    error: VenueError | None = None
    problems = []
    try:
        with ctx.calls.provoking():
            order = await ctx.desk.place(
                Side.BUY,
                amount,
                price,
                symbol=ctx.symbol,
                purpose=purpose,
                far=True,
                unchecked=unchecked,
            )
        problems.append(f"the venue accepted it ({order.status.value}); cancelled at once")
        await ctx.desk.cancel(ctx.desk.ledger[-1])
    except VenueError as e:
        error = e
    listed = await ctx.adapter.fetch_open_orders(ctx.symbol)
    if any(o.client_order_id == ctx.desk.ledger[-1].client_order_id for o in listed):
        problems.append("an order was created anyway")
    return error, problems


async def trd_10(ctx: RunContext) -> Outcome:
    ctx.require_extras()
    market = ctx.require_market()
    far = await plan_far(ctx, Side.BUY)
    amount = below_minimum_notional(market, far.plan.price)
    if amount is None:
        raise NotApplicable("no amount on the step grid falls below the minimum notional")
    error, problems = await _rejection_probe(ctx, amount, far.plan.price, "TRD-10", unchecked=True)
    observe(ctx, "InvalidOrder", "TRD-10", error)
    if error is not None and (
        not isinstance(error, OrderRejected) or isinstance(error, InsufficientFunds | OrderNotFound)
    ):
        problems.append(f"refused as {type(error).__name__}, InvalidOrder expected")
    return judged(
        problems,
        f"{amount} @ {far.plan.price} refused by the venue "
        f"as {library_class(error) if error else '-'}",
        refusal=type(error).__name__ if error else None,
        reason=error.reason if error else None,
    )


async def trd_11(ctx: RunContext) -> Outcome:
    market = ctx.require_market()
    far = await plan_far(ctx, Side.BUY)
    free = by_asset(await ctx.adapter.fetch_balances()).get(market.quote)
    amount = oversized_for_funds(market, far.plan.price, free.free if free else Decimal(0))
    if amount is None:
        raise NotApplicable("the free balance is above the largest order the market accepts")
    error, problems = await _rejection_probe(ctx, amount, far.plan.price, "TRD-11", unchecked=False)
    observe(ctx, "InsufficientFunds", "TRD-11", error)
    if error is not None and not isinstance(error, InsufficientFunds):
        problems.append(f"refused as {type(error).__name__}, InsufficientFunds expected")
    return judged(
        problems,
        f"{amount} @ {far.plan.price} refused as InsufficientFunds",
        refusal=type(error).__name__ if error else None,
        reason=error.reason if error else None,
    )


CheckFn = Callable[[RunContext], Awaitable[Outcome]]
CHECKS: Mapping[str, CheckFn] = {
    "TRD-01": trd_01,
    "TRD-02": trd_02,
    "TRD-03": trd_03,
    "TRD-04": trd_04,
    "TRD-05": trd_05,
    "TRD-06": trd_06,
    "TRD-07": trd_07,
    "TRD-08": trd_08,
    "TRD-09": trd_09,
    "TRD-10": trd_10,
    "TRD-11": trd_11,
    "TRD-12": trd_12,
}
