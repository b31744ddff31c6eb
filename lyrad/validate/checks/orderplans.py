"""Planning the trading checks' orders from live data, under the safety rules (§6.3)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from lyrad.domain.values import Market, Side, TimeInForce
from lyrad.domain.venue import VenueOrder, VenueOrderStatus
from lyrad.validate.checks.common import by_asset, free_of, top
from lyrad.validate.context import RunContext
from lyrad.validate.model import Json, NotApplicable, NotRun
from lyrad.validate.planning import (
    DEFAULT_DISTANCE,
    PlannedOrder,
    PlanRefused,
    far_price,
    minimum_amount,
    sized,
    taker_price,
)
from lyrad.validate.venue_extras import PriceBand

ASSUMED_TAKER_FEE = Decimal("0.0025")  # when the schedule is unknown: above most venues' top tier


@dataclass(frozen=True, slots=True)
class FarOrder:
    plan: PlannedOrder
    time_in_force: TimeInForce
    post_only: bool
    best_bid: Decimal
    best_ask: Decimal


async def price_band(ctx: RunContext) -> PriceBand | None:
    if ctx.extras is None:
        return None
    if ctx.facts.rules is None:
        ctx.facts.rules = await ctx.extras.fetch_published_rules(ctx.symbol)
    return ctx.facts.rules.price_band


def post_only_supported(ctx: RunContext) -> bool:
    """Post-only only where `features` says so; unknown counts as no (twice the distance)."""
    return ctx.extras is not None and ctx.extras.describe().post_only


def notional_cap(ctx: RunContext, market: Market, price: Decimal) -> Decimal:
    """--max-notional, or twice the market's minimum order when none was given."""
    if ctx.options.max_notional is not None:
        return ctx.options.max_notional
    return 2 * minimum_amount(market, price) * price


async def plan_far(ctx: RunContext, side: Side) -> FarOrder:
    """The smallest far resting order on `side`; NotRun (or N/A) when none is allowed."""
    market = ctx.require_market()
    bid, ask = top(await ctx.adapter.fetch_order_book(ctx.symbol, 20))
    post_only = post_only_supported(ctx)
    distance = DEFAULT_DISTANCE if post_only else 2 * DEFAULT_DISTANCE
    balances = by_asset(await ctx.adapter.fetch_balances())
    try:
        price = far_price(market, side, bid, ask, distance=distance, band=await price_band(ctx))
        plan = sized(
            market,
            side,
            price,
            max_notional=notional_cap(ctx, market, price),
            free_quote=free_of(balances, market.quote),
            free_base=free_of(balances, market.base),
        )
    except PlanRefused as e:
        if side is Side.SELL and free_of(balances, market.base) == 0:
            raise NotApplicable(f"no {market.base} to sell on this spot account") from e
        raise NotRun(str(e)) from e
    tif = TimeInForce.POST_ONLY if post_only else TimeInForce.GTC
    return FarOrder(plan, tif, post_only, bid, ask)


def echo_problems(order: VenueOrder, plan: PlannedOrder, cid: str, symbol: str) -> list[str]:
    """What the venue's answer to a new resting order gets wrong."""
    problems = []
    if not order.venue_order_id:
        problems.append("no venue order id")
    if order.status is not VenueOrderStatus.OPEN:
        problems.append(f"status {order.status.value}, open expected")
    if order.filled != 0:
        problems.append(f"filled {order.filled} on a far order")
    expected = (
        ("price", order.price, plan.price),
        ("amount", order.amount, plan.amount),
        ("side", order.side, plan.side),
        ("symbol", order.symbol, symbol),
        ("client id", order.client_order_id, cid),
    )
    problems += [f"{name} {got} echoed for {want}" for name, got, want in expected if got != want]
    return problems


def describe_plan(far: FarOrder) -> dict[str, Json]:
    return {
        "side": far.plan.side.value,
        "price": str(far.plan.price),
        "amount": str(far.plan.amount),
        "notional": str(far.plan.notional),
        "time_in_force": far.time_in_force.value,
        "touch": str(far.best_bid if far.plan.side is Side.BUY else far.best_ask),
    }


async def dry_run_plan(ctx: RunContext) -> list[dict[str, Json]]:
    """What the order checks would send, without sending anything (--dry-run)."""
    plan: list[dict[str, Json]] = []
    for side, purpose in ((Side.BUY, "TRD-02 far buy"), (Side.SELL, "TRD-03 far sell")):
        try:
            plan.append({"purpose": purpose} | describe_plan(await plan_far(ctx, side)))
        except (NotRun, NotApplicable) as e:
            plan.append({"purpose": purpose, "refused": e.reason})
    if ctx.options.allow_trades:
        market = ctx.require_market()
        bid, ask = top(await ctx.adapter.fetch_order_book(ctx.symbol, 20))
        price = taker_price(market, Side.BUY, bid, ask)
        amount = minimum_amount(market, price)
        plan.append(
            {
                "purpose": "TRD-14 micro round-trip",
                "side": "buy then sell",
                "price": str(price),
                "amount": str(amount),
                "notional": str(price * amount),
                "time_in_force": TimeInForce.IOC.value,
            }
        )
    return plan
