"""Production checks against fakes: clock, status, limits, error table, budgets."""

from __future__ import annotations

import pytest

from lyrad.domain.errors import OrderRejected
from lyrad.validate.checks import production
from lyrad.validate.context import ErrorObservation
from lyrad.validate.model import Postponed, State
from lyrad.validate.venue_extras import PublishedLimit, PublishedRules, VenueStatus
from tests.unit.validate.fakes import FakeAdapter, context, market


class Skewed(FakeAdapter):
    skew_ms = 0

    async def fetch_time(self) -> int:
        return await super().fetch_time() + self.skew_ms


@pytest.mark.parametrize(
    ("skew", "state"),
    [(120, State.PASS), (-800, State.WARN), (3000, State.WARN), (6000, State.FAIL)],
)
async def test_prd_02_grades_the_clock_skew(skew: int, state: State) -> None:
    ctx, adapter, *_ = context()
    adapter.__class__ = Skewed
    adapter.skew_ms = skew  # type: ignore[attr-defined]
    outcome = await production.prd_02(ctx)
    assert outcome.state is state
    assert outcome.measured["skew_ms"] == skew
    assert outcome.measured["recv_window_ms"] == 10000  # FAIL beyond 5 s


async def test_prd_01_maintenance_postpones() -> None:
    ctx, _, extras, _ = context()
    assert (await production.prd_01(ctx)).state is State.PASS
    extras.status = VenueStatus("maintenance", message="system_maintenance")
    with pytest.raises(Postponed, match="system_maintenance"):
        await production.prd_01(ctx)


async def test_prd_07_headroom_from_the_usage_header() -> None:
    ctx, _, extras, _ = context()
    outcome = await production.prd_07(ctx)
    assert (outcome.state, outcome.measured["source"]) == (State.PASS, "venue header")
    extras.headers = {"x-mbx-used-weight-1m": "3500"}
    outcome = await production.prd_07(ctx)
    assert outcome.state is State.FAIL
    assert outcome.measured["share"] == pytest.approx(3500 / 6000, abs=1e-4)


async def test_prd_08_lyrad_must_not_allow_more_than_the_venue() -> None:
    ctx, _, extras, _ = context()
    assert (await production.prd_08(ctx)).state is State.PASS
    extras.rules = PublishedRules(
        (PublishedLimit("weight", 60, 1200), PublishedLimit("orders", 3600, 10))
    )
    ctx.facts.rules = None
    outcome = await production.prd_08(ctx)
    assert outcome.problems == (
        "lyrad allows 6000 weight per 60s, the venue 1200",
        "lyrad has no orders/3600s window",
    )


def _row(provoked: str, lyrad: str, lineage: tuple[str, ...]) -> ErrorObservation:
    return ErrorObservation(
        provoked, "T", lyrad, lineage[0] if lineage else None, lineage, True, True
    )


async def test_prd_09_the_error_table() -> None:
    ctx, *_ = context()
    ctx.facts.market = market()
    ctx.facts.errors = [
        _row("OrderNotFound", "OrderNotFound", ("OrderNotFound", "InvalidOrder")),
        _row("InvalidOrder", "OrderRejected", ("BadRequest", "ExchangeError")),
        _row("InsufficientFunds", "InsufficientFunds", ("InsufficientFunds",)),
        _row("AuthenticationError", "AuthenticationFailed", ("AuthenticationError",)),
        _row("NotSupported", "OrderRejected", ()),
    ]
    outcome = await production.prd_09(ctx)
    assert outcome.state is State.PASS, outcome.problems
    assert outcome.measured["table"]["BadSymbol"] == "local -> OrderRejected"  # type: ignore[index, call-overload]
    ctx.facts.errors = [_row("InsufficientFunds", "OrderRejected", ("InvalidOrder",))]
    outcome = await production.prd_09(ctx)
    assert outcome.summary.startswith("InsufficientFunds (T): lyrad raised OrderRejected")
    ctx.facts.errors = []
    assert (await production.prd_09(ctx)).state is State.WARN  # rows not provoked


async def test_prd_13_counts_unprovoked_failures_only() -> None:
    ctx, *_ = context()
    for _ in range(10):
        await ctx.adapter.fetch_time()
    with ctx.calls.provoking(), pytest.raises(OrderRejected):
        await ctx.adapter.fetch_ticker("NOPE/USDT")
    assert (await production.prd_13(ctx)).state is State.PASS
    with pytest.raises(OrderRejected):
        await ctx.adapter.fetch_ticker("NOPE/USDT")
    outcome = await production.prd_13(ctx)
    assert outcome.state is State.FAIL
    assert outcome.measured["unplanned"] == 1


async def test_prd_15_judges_the_desks_counts() -> None:
    ctx, *_ = context()
    ctx.desk.cancels_sent = 11
    ctx.desk.young_cancels = 3
    outcome = await production.prd_15(ctx)
    assert outcome.problems == ("11 cancels sent (at most 10)",)
