"""Production readiness: status, clock, latency, rate limits, errors, recovery (PRD-01 ... 15)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from lyrad.domain.errors import OrderRejected, RateLimited, RetryableVenueError, VenueError
from lyrad.domain.values import Side
from lyrad.exchanges.quirks import Endpoint
from lyrad.validate.calls import CallKind
from lyrad.validate.checks.orderplans import plan_far
from lyrad.validate.checks.trading import observe
from lyrad.validate.context import ErrorObservation, RunContext
from lyrad.validate.model import (
    Json,
    NotApplicable,
    NotRun,
    Outcome,
    Postponed,
    State,
    failed,
    judged,
    passed,
    warned,
)
from lyrad.validate.stats import grade_latency, percentile

DEFAULT_RECV_WINDOW_MS = 5000  # Binance's, when the client does not say
SKEW_PASS_MS, SKEW_WARN_MS = 500, 1000
HEADROOM = 0.5
MAX_UNPLANNED = 0.01


async def prd_01(ctx: RunContext) -> Outcome:
    extras = ctx.require_extras()
    ctx.require_capability("fetchStatus")
    status = await extras.fetch_status()
    if status.status != "ok":  # maintenance, shutdown, error: no score today
        raise Postponed(status.message or f"the venue reports status {status.status}")
    return passed("venue status ok", status=status.status)


async def _skew_sample(ctx: RunContext) -> tuple[int, int]:
    before = ctx.wall_ms()
    server = await ctx.adapter.fetch_time()
    after = ctx.wall_ms()
    return server - (before + after) // 2, after - before


async def prd_02(ctx: RunContext) -> Outcome:
    samples = [await _skew_sample(ctx) for _ in range(3)]
    skew, rtt = min(samples, key=lambda s: s[1])  # the tightest round trip says most
    ctx.facts.server_offset_ms = skew
    recv = DEFAULT_RECV_WINDOW_MS
    if ctx.extras is not None and ctx.extras.describe().recv_window_ms:
        recv = ctx.extras.describe().recv_window_ms or recv
    ctx.facts.clock_skew = {"skew_ms": skew, "rtt_ms": rtt, "recv_window_ms": recv}
    measured = dict(ctx.facts.clock_skew)
    size = abs(skew)
    if size <= SKEW_PASS_MS:
        return passed(f"clock skew {skew} ms (round trip {rtt} ms)", **measured)
    if size > recv / 2:
        return failed(f"clock skew {skew} ms exceeds recvWindow/2 = {recv // 2} ms", **measured)
    return warned(f"clock skew {skew} ms is above {SKEW_PASS_MS} ms", **measured)


def _latency_outcome(
    name: str, values: list[float], minimum: int, p50_max: float, tail_max: float
) -> Outcome:
    if len(values) < minimum:
        return failed(f"only {len(values)} of {minimum} {name} calls succeeded")
    p50, p99 = percentile(values, 50), percentile(values, 99)
    state = grade_latency(p50, p99, p50_max, tail_max)
    measured = {"samples": len(values), "p50_ms": round(p50, 2), "p99_ms": round(p99, 2)}
    summary = f"{name} p50 {p50:.1f} ms, p99 {p99:.1f} ms (limits {p50_max:.0f}/{tail_max:.0f})"
    return Outcome(state, summary, measured)


def _ok_latencies(ctx: RunContext, check: str) -> list[float]:
    return [r.duration_ms for r in ctx.calls.records(check) if r.outcome == "ok"]


async def prd_03(ctx: RunContext) -> Outcome:
    for _ in range(ctx.timing.public_samples):
        await ctx.adapter.fetch_time()
    return _latency_outcome(
        "public", _ok_latencies(ctx, "PRD-03"), ctx.timing.public_samples, 150, 500
    )


async def prd_04(ctx: RunContext) -> Outcome:
    ctx.require_auth()
    for i in range(ctx.timing.private_samples):
        if i % 2:
            await ctx.adapter.fetch_open_orders(ctx.symbol)
        else:
            await ctx.adapter.fetch_balances()
    return _latency_outcome(
        "private", _ok_latencies(ctx, "PRD-04"), ctx.timing.private_samples, 250, 800
    )


async def prd_05(ctx: RunContext) -> Outcome:
    acks = ctx.calls.latencies_ms(CallKind.ORDER_ACK)
    cancels = ctx.calls.latencies_ms(CallKind.CANCEL_ACK)
    if not acks or not cancels:
        raise NotRun("no order was created and cancelled")
    problems = []
    for name, values in (("create", acks), ("cancel", cancels)):
        p50, worst = percentile(values, 50), max(values)
        if p50 > 300 or worst > 1000:
            problems.append(f"{name} ack p50 {p50:.0f} ms, max {worst:.0f} ms (300/1000)")
    return judged(
        problems,
        f"create ack p50 {percentile(acks, 50):.1f} ms, cancel ack p50 "
        f"{percentile(cancels, 50):.1f} ms",
        create_p50_ms=round(percentile(acks, 50), 2),
        create_max_ms=round(max(acks), 2),
        cancel_p50_ms=round(percentile(cancels, 50), 2),
        cancel_max_ms=round(max(cancels), 2),
    )


def _rate_limited(ctx: RunContext) -> int:
    return sum(ctx.requests(endpoint).get("rate_limited", 0) for endpoint in Endpoint)


async def prd_06(ctx: RunContext) -> Outcome:
    hits = _rate_limited(ctx)
    refused = sum(1 for r in ctx.calls.outcomes() if r.outcome == RateLimited.__name__)
    budget = ctx.quirks.windows[0]
    measured = {"http_429_418": hits, "calls_refused": refused, "limiter_budget": budget.limit}
    if hits or refused:
        return failed(f"{hits} answers were rate-limit refusals (429/418)", **measured)
    return passed("no rate-limit refusal; every request passed lyrad's limiter", **measured)


def _weight_limit(ctx: RunContext) -> tuple[str, int] | None:
    for window in ctx.quirks.windows:
        if window.counts == "weight" and window.header is not None:
            limit = window.limit
            if ctx.facts.rules is not None:
                limit = next(
                    (
                        p.limit
                        for p in ctx.facts.rules.rate_limits
                        if p.counts == "weight" and p.interval_s == window.interval_s
                    ),
                    limit,
                )
            return window.header, limit
    return None


async def prd_07(ctx: RunContext) -> Outcome:
    found = _weight_limit(ctx)
    if found is None:
        raise NotApplicable("the venue reports no usage headers")
    header, limit = found
    for _ in range(ctx.timing.burst_calls):
        await ctx.adapter.fetch_ticker(ctx.symbol)
    used = None
    if ctx.extras is not None:
        headers = {k.lower(): v for k, v in ctx.extras.last_response().headers.items()}
        text = headers.get(header.lower())
        used = int(text) if text is not None and text.isdigit() else None
    source = "venue header"
    if used is None:
        used, source = ctx.limiter.used(ctx.quirks.windows[0].name), "lyrad's limiter"
    share = used / limit
    measured: dict[str, Json] = {
        "used": used,
        "limit": limit,
        "share": round(share, 4),
        "source": source,
    }
    if share > HEADROOM:
        return failed(f"{used} of {limit} weight used after a burst ({share:.0%})", **measured)
    return passed(
        f"{used} of {limit} weight used after a burst ({share:.1%}, {source})", **measured
    )


async def prd_08(ctx: RunContext) -> Outcome:
    extras = ctx.require_extras()
    rules = ctx.facts.rules or await extras.fetch_published_rules(ctx.symbol)
    ctx.facts.rules = rules
    implied = 60_000 / extras.describe().rate_limit_ms
    problems = []
    for published in rules.rate_limits:
        if published.counts == "requests":
            continue
        mine = [
            w
            for w in ctx.quirks.windows
            if w.counts == published.counts and w.interval_s == published.interval_s
        ]
        if not mine:
            problems.append(f"lyrad has no {published.counts}/{published.interval_s}s window")
        elif mine[0].limit > published.limit:
            problems.append(
                f"lyrad allows {mine[0].limit} {published.counts} per "
                f"{published.interval_s}s, the venue {published.limit}"
            )
    if not rules.rate_limits and ctx.quirks.windows[0].limit > implied:
        problems.append(
            f"lyrad allows {ctx.quirks.windows[0].limit}/min, ccxt implies {implied:.0f}"
        )
    return judged(
        problems,
        f"lyrad's {len(ctx.quirks.windows)} windows are within the venue's published limits",
        published=[f"{p.counts}/{p.interval_s}s={p.limit}" for p in rules.rate_limits],
        ccxt_implied_per_minute=round(implied),
        safety=ctx.quirks.safety,
    )


_EXPECTED: Mapping[str, tuple[str, tuple[str, ...]]] = {
    # provoked -> (lyrad class, ccxt classes one of which is in the lineage; (): refused by
    # lyrad before ccxt). Binance's filter failures (-1013) come as BadRequest.
    "BadSymbol": ("OrderRejected", ()),
    "OrderNotFound": ("OrderNotFound", ("OrderNotFound",)),
    "InvalidOrder": ("OrderRejected", ("InvalidOrder", "BadRequest")),
    "InsufficientFunds": ("InsufficientFunds", ("InsufficientFunds",)),
    "AuthenticationError": ("AuthenticationFailed", ("AuthenticationError",)),
    "NotSupported": ("OrderRejected", ()),
}


async def _bad_symbol(ctx: RunContext) -> None:
    """BadSymbol: refused by lyrad before any request (NotSupported is TRD-01's probe)."""
    error: VenueError | None = None
    try:
        with ctx.calls.provoking():
            await ctx.adapter.fetch_ticker("LYRAV/NOSUCHSYMBOL")
    except VenueError as e:
        error = e
    observe(ctx, "BadSymbol", "PRD-09", error)


def _row_problem(row: ErrorObservation) -> str | None:
    lyrad, ccxt = _EXPECTED[row.provoked]
    if row.lyrad_class != lyrad:
        return f"{row.provoked} ({row.check}): lyrad raised {row.lyrad_class}, {lyrad} expected"
    if ccxt and not set(ccxt) & set(row.ccxt_lineage):
        wanted = " or ".join(ccxt)
        return f"{row.provoked} ({row.check}): ccxt raised {row.ccxt_class}, {wanted} expected"
    if not row.definitive:
        return f"{row.provoked} ({row.check}): classified ambiguous, definitive expected"
    return None


async def prd_09(ctx: RunContext) -> Outcome:
    await _bad_symbol(ctx)
    rows = {row.provoked: row for row in ctx.facts.errors}
    problems = [p for row in rows.values() if (p := _row_problem(row))]
    missing = sorted(set(_EXPECTED) - set(rows))
    table = {
        name: f"{row.ccxt_class or 'local'} -> {row.lyrad_class}" for name, row in rows.items()
    }
    if problems:
        return failed(problems[0], *problems, table=table)
    if missing:
        return warned(
            f"{len(rows)} errors map as expected; not provoked: {', '.join(missing)}", table=table
        )
    return passed(f"all {len(rows)} provoked errors map as expected", table=table)


async def prd_10(ctx: RunContext) -> Outcome:
    error: VenueError | None = None
    # The markets call: the heaviest public read, so even a venue next door cannot answer in 1 ms.
    async with ctx.factory.open(timeout_s=ctx.timing.timeout_probe_s) as copy:
        try:
            with ctx.calls.provoking():
                await copy.adapter.load_markets()
        except VenueError as e:
            error = e
    if error is None:
        return warned("the venue answered within 1 ms: the timeout path was not exercised")
    measured = {"outcome": type(error).__name__, "reason": error.reason}
    if isinstance(error, OrderRejected) or not isinstance(error, RetryableVenueError):
        return failed(f"a timeout was classified {type(error).__name__}", **measured)
    return passed("a 1 ms timeout is retryable, never a rejection", **measured)


async def prd_11(ctx: RunContext) -> Outcome:
    ctx.require_capability("watchOrderBook", "watchTicker", "watchOrders")
    raise NotRun("lyrad's adapter has no stream client yet (REST polling only)")


async def prd_12(ctx: RunContext) -> Outcome:
    far = await plan_far(ctx, Side.BUY)
    plan = far.plan
    async with ctx.factory.open() as first:
        await first.adapter.load_markets()
        await ctx.desk.place(
            plan.side,
            plan.amount,
            plan.price,
            symbol=ctx.symbol,
            purpose="PRD-12",
            far=True,
            time_in_force=far.time_in_force,
            via=first.adapter,
        )
    entry = ctx.desk.ledger[-1]
    async with ctx.factory.open() as second:
        await second.adapter.load_markets()
        listed = await second.adapter.fetch_open_orders(ctx.symbol)
        found = [o for o in listed if o.client_order_id == entry.client_order_id]
        problems = []
        if not found:
            problems.append(f"a fresh instance does not find {entry.client_order_id}")
        else:
            order = found[0]
            if (order.price, order.amount, order.side) != (plan.price, plan.amount, plan.side):
                problems.append(f"found {order.amount} @ {order.price} {order.side.value}")
        cancelled = await ctx.desk.cancel(entry, via=second.adapter)
    if cancelled.status.value != "cancelled":
        problems.append(f"the fresh instance's cancel ended {cancelled.status.value}")
    return judged(
        problems,
        f"{entry.client_order_id} placed by one instance, found and cancelled by a fresh one",
        client_order_id=entry.client_order_id,
    )


async def prd_13(ctx: RunContext) -> Outcome:
    records = ctx.calls.outcomes()
    unplanned = [
        r for r in records if r.outcome not in ("ok", RateLimited.__name__) and not r.provoked
    ]
    errors = [r.spec.id for r in ctx.results if r.state is State.ERROR]
    share = len(unplanned) / len(records) if records else 0.0
    measured = {
        "calls": len(records),
        "unplanned": len(unplanned),
        "unhandled": ctx.calls.unhandled,
    }
    problems = [f"{r.method} {r.target}: {r.outcome} {r.reason or ''}".strip() for r in unplanned]
    if share > MAX_UNPLANNED:
        return failed(
            f"{len(unplanned)} of {len(records)} calls failed unprovoked", *problems, **measured
        )
    if ctx.calls.unhandled or errors:
        return failed(
            f"{ctx.calls.unhandled} unhandled exceptions; checks in ERROR: {errors}", **measured
        )
    return passed(f"{len(unplanned)} unprovoked errors in {len(records)} calls", **measured)


async def prd_14(ctx: RunContext) -> Outcome:
    elapsed = ctx.clock.monotonic() - ctx.started_monotonic
    exhausted = [
        r
        for r in ctx.calls.outcomes()
        if r.outcome == RetryableVenueError.__name__ and not r.provoked
    ]
    measured = {"elapsed_s": round(elapsed, 2), "budget_s": ctx.options.wall_budget_s}
    if elapsed > ctx.options.wall_budget_s:
        return failed(
            f"the run took {elapsed:.0f} s, over {ctx.options.wall_budget_s:.0f} s", **measured
        )
    if exhausted:
        return failed(f"{len(exhausted)} reads exhausted their retries", **measured)
    return passed(f"finished in {elapsed:.1f} s of {ctx.options.wall_budget_s:.0f} s", **measured)


async def prd_15(ctx: RunContext) -> Outcome:
    desk = ctx.desk
    allowance = ctx.deviations.max_young_cancels
    measured = {
        "orders": desk.orders_sent,
        "cancels": desk.cancels_sent,
        "young_cancels": desk.young_cancels,
        "young_cancel_allowance": allowance,
    }
    problems = []
    if desk.orders_sent > desk.max_orders:
        problems.append(f"{desk.orders_sent} orders sent (at most {desk.max_orders})")
    if desk.cancels_sent > desk.max_cancels:
        problems.append(f"{desk.cancels_sent} cancels sent (at most {desk.max_cancels})")
    if desk.young_cancels > allowance:
        problems.append(f"{desk.young_cancels} young cancels (at most {allowance})")
    return judged(
        problems,
        f"{desk.orders_sent} orders, {desk.cancels_sent} cancels, {desk.young_cancels} young",
        **measured,
    )


CheckFn = Callable[[RunContext], Awaitable[Outcome]]
CHECKS: Mapping[str, CheckFn] = {
    "PRD-01": prd_01, "PRD-02": prd_02, "PRD-03": prd_03, "PRD-04": prd_04, "PRD-05": prd_05,
    "PRD-06": prd_06, "PRD-07": prd_07, "PRD-08": prd_08, "PRD-09": prd_09, "PRD-10": prd_10,
    "PRD-11": prd_11, "PRD-12": prd_12, "PRD-13": prd_13, "PRD-14": prd_14, "PRD-15": prd_15,
}  # fmt: skip
