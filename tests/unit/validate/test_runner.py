"""What the runner lets run, how it records failures, and that cleanup always happens."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from decimal import Decimal

import ccxt
import pytest

from lyrad.domain.errors import AuthenticationFailed, RetryableVenueError
from lyrad.domain.values import Side
from lyrad.validate.catalogue import CATALOGUE
from lyrad.validate.context import RunContext
from lyrad.validate.deviations import parse_deviations
from lyrad.validate.model import (
    CheckResult,
    NotApplicable,
    Outcome,
    Postponed,
    State,
    UnknownSymbol,
    passed,
)
from lyrad.validate.runner import Runner
from tests.unit.validate.fakes import context

CheckFn = Callable[[RunContext], Awaitable[Outcome]]


async def _pass(ctx: RunContext) -> Outcome:
    return passed("fine")


def _checks(**special: CheckFn) -> dict[str, CheckFn]:
    named = {key.replace("_", "-"): fn for key, fn in special.items()}
    return {check: named.get(check, _pass) for check in CATALOGUE}


def _states(results: Sequence[CheckResult]) -> dict[str, State]:
    return {r.spec.id: r.state for r in results}


async def test_a_harness_error_is_recorded_and_the_suite_goes_on() -> None:
    async def broken(ctx: RunContext) -> Outcome:
        raise KeyError("bug")

    ctx, *_ = context()
    results = await Runner(ctx, checks=_checks(TEC_04=broken)).run()
    states = _states(results)
    assert states["TEC-04"] is State.ERROR
    assert states["TEC-05"] is State.PASS
    assert len(results) == 58
    error = next(r for r in results if r.spec.id == "TEC-04")
    assert "harness error: KeyError" in error.summary


async def test_venue_errors_are_fail_and_transient_ones_warn() -> None:
    async def refused(ctx: RunContext) -> Outcome:
        raise AuthenticationFailed("fake", "-2015: Invalid API-key")

    async def flaky(ctx: RunContext) -> Outcome:
        raise RetryableVenueError("fake", "HTTP 503")

    ctx, *_ = context()
    states = _states(await Runner(ctx, checks=_checks(SEC_02=refused, TEC_09=flaky)).run())
    assert (states["SEC-02"], states["TEC-09"]) == (State.FAIL, State.WARN)


async def test_read_only_runs_no_order_check() -> None:
    ctx, _adapter, *_ = context()
    ctx.options = dataclasses.replace(ctx.options, read_only=True)
    results = await Runner(ctx, checks=_checks()).run()
    placing = [r for r in results if r.spec.orders.places]
    assert {r.state for r in placing} == {State.NOT_RUN}
    assert all("read-only" in r.summary for r in placing)
    assert _states(results)["TRD-18"] is State.PASS  # judges the exit, places nothing


async def test_without_allow_trades_the_executing_checks_do_not_run() -> None:
    ctx, *_ = context()
    results = await Runner(ctx, checks=_checks()).run()
    executing = {r.spec.id: r for r in results if r.spec.orders.value == "X"}
    assert {r.state for r in executing.values()} == {State.NOT_RUN}
    assert "micro-trade checks not run" in executing["TRD-14"].summary
    assert _states(results)["TRD-02"] is State.PASS


async def test_without_credentials_only_public_checks_run() -> None:
    ctx, adapter, *_ = context()
    ctx.options = dataclasses.replace(ctx.options, has_credentials=False)
    results = await Runner(ctx, checks=_checks()).run()
    for result in results:
        if result.spec.credentials.value == "yes":
            assert result.state is State.NOT_RUN
            assert "no credentials" in result.summary
    assert _states(results)["TEC-04"] is State.PASS
    assert adapter.sent == []


async def test_only_and_skip_select_checks() -> None:
    ctx, *_ = context()
    ctx.options = dataclasses.replace(
        ctx.options, only=frozenset({"TEC-04", "PRD-02"}), skip=frozenset({"PRD-02"})
    )
    states = _states(await Runner(ctx, checks=_checks()).run())
    assert [c for c, s in states.items() if s is State.PASS] == ["TEC-04"]


async def test_a_known_deviation_makes_a_check_not_applicable() -> None:
    deviations = parse_deviations(
        "fake",
        '[[skip]]\ncheck = "TEC-09"\nreason = "candles lag"\nuntil = 2099-01-01',
        where="fake.toml",
    )
    ctx, *_ = context(deviations=deviations)
    results = await Runner(ctx, checks=_checks(), today=dt.date(2026, 1, 1)).run()
    skipped = next(r for r in results if r.spec.id == "TEC-09")
    assert skipped.state is State.NOT_APPLICABLE
    assert skipped.deviation == "TEC-09: candles lag (until 2099-01-01)"


async def test_maintenance_postpones_everything_after_it() -> None:
    async def maintenance(ctx: RunContext) -> Outcome:
        raise Postponed("system maintenance")

    ctx, *_ = context()
    runner = Runner(ctx, checks=_checks(PRD_01=maintenance))
    states = _states(await runner.run())
    assert runner.postponed == "system maintenance"
    assert set(states.values()) == {State.NOT_RUN}


async def test_an_unknown_symbol_stops_the_run_but_cleanup_still_runs() -> None:
    async def unknown(ctx: RunContext) -> Outcome:
        raise UnknownSymbol("NOPE/USDT", ["BTC/USDT"])

    ctx, adapter, *_ = context()
    foreign = adapter.add_foreign("manual-1")
    with pytest.raises(UnknownSymbol, match="no spot symbol NOPE/USDT"):
        await Runner(ctx, checks=_checks(TEC_01=unknown)).run()
    assert ctx.facts.cleanup is not None
    assert foreign in await adapter.fetch_open_orders()


async def test_a_tripwire_stops_later_order_checks_and_cleanup_comes_before_trd_18() -> None:
    async def trips(ctx: RunContext) -> Outcome:
        ctx.adapter.inner.fill_far = True  # type: ignore[attr-defined]
        await ctx.desk.place(
            Side.BUY,
            Decimal("0.0001"),
            Decimal("57000"),
            symbol=ctx.symbol,
            purpose="TRD-02",
            far=True,
        )
        order = await ctx.adapter.fetch_order(ctx.symbol, client_order_id="lyrav-t1-01")
        await ctx.desk.observe(order)
        return passed("placed")

    seen: list[bool] = []

    async def trd_18(ctx: RunContext) -> Outcome:
        seen.append(ctx.facts.cleanup is not None)
        return passed("judged")

    async def market(ctx: RunContext) -> Outcome:
        ctx.facts.market = ctx.adapter.market(ctx.symbol)
        return passed("loaded")

    ctx, *_ = context()
    checks = _checks(TEC_01=market, TRD_02=trips, TRD_18=trd_18)
    states = _states(await Runner(ctx, checks=checks).run())
    assert states["TRD-04"] is State.NOT_RUN
    assert states["PRD-12"] is State.NOT_RUN
    assert seen == [True]


async def test_not_applicable_from_inside_a_check() -> None:
    async def lacks(ctx: RunContext) -> Outcome:
        raise NotApplicable("the venue lacks watchOrderBook")

    ctx, *_ = context()
    results = await Runner(ctx, checks=_checks(TEC_11=lacks)).run()
    assert _states(results)["TEC-11"] is State.NOT_APPLICABLE


async def test_the_library_class_behind_a_transient_error_decides() -> None:
    async def unavailable(ctx: RunContext) -> Outcome:
        raise RetryableVenueError("fake", "HTTP 503") from ccxt.ExchangeNotAvailable("503")

    async def maintenance(ctx: RunContext) -> Outcome:
        raise RetryableVenueError("fake", "HTTP 503") from ccxt.OnMaintenance("upgrading")

    ctx, *_ = context()
    states = _states(await Runner(ctx, checks=_checks(TEC_09=unavailable)).run())
    assert states["TEC-09"] is State.FAIL
    ctx, *_ = context()
    runner = Runner(ctx, checks=_checks(TEC_09=maintenance))
    states = _states(await runner.run())
    assert runner.postponed == "HTTP 503"
    assert states["TEC-10"] is State.NOT_RUN
