"""Runs the catalogue in RUN_ORDER: decides what may run, runs it, records what came out.

A check that raises anything unexpected is ERROR and the suite goes on; the venue's
maintenance postpones the run; cleanup runs before TRD-18 and again in `finally`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Mapping

import structlog

from lyrad.domain.errors import RetryableVenueError, VenueError
from lyrad.validate.calls import ccxt_lineage
from lyrad.validate.catalogue import CATALOGUE, RUN_ORDER
from lyrad.validate.checks import production, security, technical, trading, trading_fills
from lyrad.validate.context import RunContext
from lyrad.validate.model import (
    CheckResult,
    CheckSkipped,
    CheckSpec,
    Credentials,
    Orders,
    Outcome,
    Postponed,
    State,
    UnknownSymbol,
)

log = structlog.get_logger("lyrad.validate", component="validate")

CheckFn = Callable[[RunContext], Awaitable[Outcome]]
CHECKS: Mapping[str, CheckFn] = {
    **technical.CHECKS,
    **security.CHECKS,
    **trading.CHECKS,
    **trading_fills.CHECKS,
    **production.CHECKS,
}
Progress = Callable[[CheckResult], None]


class Runner:
    """One run of the suite over a prepared context."""

    def __init__(
        self,
        ctx: RunContext,
        *,
        checks: Mapping[str, CheckFn] = CHECKS,
        progress: Progress | None = None,
        today: dt.date | None = None,
    ) -> None:
        self.ctx = ctx
        self._checks = checks
        self._progress = progress
        self._today = today or dt.datetime.now(dt.UTC).date()
        self.postponed: str | None = None

    async def run(self) -> list[CheckResult]:
        ctx = self.ctx
        try:
            for check_id in RUN_ORDER:
                await self._before(check_id)
                result = await self._one(CATALOGUE[check_id])
                ctx.results.append(result)
                if self._progress is not None:
                    self._progress(result)
        finally:
            if ctx.options.has_credentials and (
                ctx.facts.cleanup is None or any(e.is_live for e in ctx.desk.ledger)
            ):
                ctx.calls.begin("cleanup")
                ctx.facts.cleanup = await ctx.desk.cleanup(ctx.symbol)
        return ctx.results

    async def _before(self, check_id: str) -> None:
        """Phase hooks: the foreign-order snapshot before trading, cleanup before TRD-18."""
        ctx = self.ctx
        if check_id == "TRD-01" and ctx.facts.authenticated and ctx.facts.foreign_open is None:
            try:
                listed = await ctx.adapter.fetch_open_orders(ctx.symbol)
            except VenueError as error:
                log.warning("validate_foreign_snapshot_failed", reason=error.reason)
                return
            ctx.facts.foreign_open = frozenset(
                o.venue_order_id
                for o in listed
                if not (o.client_order_id or "").startswith(ctx.desk.prefix)
            )
        if check_id == "TRD-18" and self.postponed is None and ctx.options.has_credentials:
            ctx.calls.begin("cleanup")
            ctx.facts.cleanup = await ctx.desk.cleanup(ctx.symbol)
            if ctx.options.allow_trades and ctx.facts.market is not None:
                try:
                    await ctx.desk.flatten(ctx.facts.market)
                except VenueError as error:
                    log.error("validation_flatten_failed", reason=error.reason)

    def _gate(self, spec: CheckSpec) -> tuple[State, str, str | None] | None:
        """Why `spec` does not run, if it does not: (state, reason, deviation)."""
        options = self.ctx.options
        if self.postponed is not None:
            return State.NOT_RUN, f"run postponed: {self.postponed}", None
        if (options.only is not None and spec.id not in options.only) or spec.id in options.skip:
            return State.NOT_RUN, "not selected (--only/--skip)", None
        skip = self.ctx.deviations.skip_for(spec.id, self._today)
        if skip is not None:
            return State.NOT_APPLICABLE, f"known deviation: {skip.reason}", skip.describe()
        if spec.credentials is Credentials.REQUIRED and not options.has_credentials:
            return State.NOT_RUN, "no credentials: public checks only", None
        return self._order_gate(spec)

    def _order_gate(self, spec: CheckSpec) -> tuple[State, str, str | None] | None:
        options = self.ctx.options
        if not spec.orders.places:
            return None
        if options.read_only:
            return State.NOT_RUN, "read-only run: no orders", None
        if options.dry_run:
            return State.NOT_RUN, "dry run: the order plan is in the report, nothing was sent", None
        if spec.orders is Orders.EXECUTES and not options.allow_trades:
            return State.NOT_RUN, "micro-trade checks not run (--allow-trades is off)", None
        tripwire = self.ctx.desk.tripwire
        if tripwire is not None:
            return State.NOT_RUN, f"tripwire: {tripwire.describe()}", None
        return None

    async def _one(self, spec: CheckSpec) -> CheckResult:
        ctx = self.ctx
        gate = self._gate(spec)
        if gate is not None:
            state, reason, deviation = gate
            return CheckResult(spec, state, reason, deviation=deviation)
        ctx.calls.begin(spec.id)
        started = ctx.clock.monotonic()
        outcome = await self._outcome(spec)
        return CheckResult(
            spec,
            outcome.state,
            outcome.summary,
            duration_s=ctx.clock.monotonic() - started,
            measured=outcome.measured,
            problems=outcome.problems,
            calls=ctx.calls.records(spec.id),
        )

    def _transient(self, error: RetryableVenueError) -> Outcome:
        """Still failing after the adapter's retries: maintenance postpones, an unavailable
        venue fails, anything else transient is a warning (ccxt's [TEST_WARNING])."""
        lineage = ccxt_lineage(error)
        reason = self.ctx.calls.redact(error.reason)
        if "OnMaintenance" in lineage:
            self.postponed = reason
            return Outcome(State.NOT_RUN, f"venue in maintenance: {reason}")
        if "ExchangeNotAvailable" in lineage:
            return Outcome(State.FAIL, f"venue not available after retries: {reason}")
        return Outcome(State.WARN, f"transient failure after retries: {reason}")

    async def _outcome(self, spec: CheckSpec) -> Outcome:
        redact = self.ctx.calls.redact
        try:
            return await self._checks[spec.id](self.ctx)
        except CheckSkipped as skipped:
            return Outcome(skipped.state, skipped.reason)
        except UnknownSymbol:
            raise  # bad input: the run stops (cleanup still runs)
        except Postponed as postponed:
            self.postponed = postponed.reason
            return Outcome(State.NOT_RUN, f"venue in maintenance: {postponed.reason}")
        except RetryableVenueError as error:
            return self._transient(error)
        except VenueError as error:
            return Outcome(State.FAIL, redact(f"{type(error).__name__}: {error.reason}"))
        except Exception as error:  # a bug in the suite or in lyrad: flagged, the run goes on
            log.exception("validate_check_error", check=spec.id)
            return Outcome(State.ERROR, redact(f"harness error: {type(error).__name__}: {error}"))
