"""The breaker board: owns every breaker, takes observations, and sets the trading state.

The trading state is the most severe of the operator's own setting and every breaker's demand.
- A halt or a reduce set by an operator (or by anyone writing the TradingStateHolder directly,
  such as the executor when the journal fails) is latched: only `resume` lifts it. A breaker
  that closes again never lifts it.
- A reload keeps every breaker's state and history, and never leaves HALTED by itself: if the
  state was HALTED before the reload, it stays so until an operator resumes.
- Observations with impossible values are ignored or taken at their worst; nothing here raises.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal
from typing import Protocol, TypeVar

import structlog

from lyrad.trading.risk.circuit import (
    BreakerChange,
    BreakerPhase,
    BreakerStatus,
    ChangeHandler,
    Circuit,
    Detector,
)
from lyrad.trading.risk.config import (
    BreakersConfig,
    ConsecutiveFailuresConfig,
    ErrorRateConfig,
    HealthBreakerConfig,
    LatencyConfig,
    ReconcileDriftConfig,
    StaleDataConfig,
)
from lyrad.trading.risk.health import (
    ConsecutiveFailures,
    DataAge,
    ErrorRate,
    Latency,
    ReconcileDrift,
    ReconcileOutcome,
    RequestOutcome,
    StaleData,
)
from lyrad.trading.risk.loss import LossBreakers
from lyrad.trading.risk.metrics import TRADING_STATE_VALUES, BreakerMetrics
from lyrad.trading.risk.view import RiskClock
from lyrad.trading.state import TradingState, TradingStateHolder, TradingStatus

log = structlog.get_logger("lyrad.risk", component="risk")

S = TypeVar("S")
C = TypeVar("C", bound=HealthBreakerConfig)


class _HealthCircuit(Protocol):
    name: str

    @property
    def status(self) -> BreakerStatus: ...

    def poll(self, now: float) -> None: ...


def _severity(state: TradingState) -> int:
    return TRADING_STATE_VALUES[state]


STATUS_TICK_S = 0.05


class BreakerBoard:
    """Fed by the executor, market data, reconciler and portfolio; read by the risk gate."""

    def __init__(
        self,
        config: BreakersConfig,
        *,
        clock: RiskClock,
        trading: TradingStateHolder,
        metrics: BreakerMetrics,
        on_change: ChangeHandler | None = None,
    ) -> None:
        self._config = config
        self._clock = clock
        self._trading = trading
        self._metrics = metrics
        self._listener = on_change
        self._failures: dict[str, Circuit[RequestOutcome, ConsecutiveFailuresConfig]] = {}
        self._error_rate: dict[str, Circuit[RequestOutcome, ErrorRateConfig]] = {}
        self._latency: dict[str, Circuit[RequestOutcome, LatencyConfig]] = {}
        self._stale: dict[str, Circuit[DataAge, StaleDataConfig]] = {}
        self._drift: dict[str, Circuit[ReconcileOutcome, ReconcileDriftConfig]] = {}
        self._loss = LossBreakers(config, self._changed)
        self._operator = TradingStatus(TradingState.ACTIVE, "start")
        self._published = TradingStatus(TradingState.ACTIVE, "start")
        self._last_tick = float("-inf")
        self._last_tick_ms = -(2**62)
        for status in self._loss.statuses():
            metrics.breaker_state.labels(status.name).set(status.phase.metric_value)
        self._publish()  # a state already set (a halt restored at start) is adopted here

    # --- reads ------------------------------------------------------------------------------

    @property
    def status(self) -> TradingStatus:
        """The trading state now, with cool-downs and the UTC day applied: what the gate reads.

        Time is applied at most every STATUS_TICK_S: the gate reads this for every intent, and
        a cool-down ending a few milliseconds late changes nothing.
        """
        stale = (
            self._clock.monotonic() - self._last_tick >= STATUS_TICK_S
            or self._clock.time_ms() // 86_400_000 != self._last_tick_ms // 86_400_000
            or self._trading.status != self._published
        )
        if stale:
            self.tick()
        return self._published

    def breakers(self) -> list[BreakerStatus]:
        """Every configured breaker, as of now."""
        self.tick()
        statuses = [c.status for c in self._circuits()] + self._loss.statuses()
        return sorted(statuses, key=lambda s: s.name)

    @property
    def daily_pnl(self) -> Decimal | None:
        return self._loss.ledger.daily_pnl

    @property
    def drawdown(self) -> Decimal:
        return self._loss.ledger.drawdown

    # --- observations -------------------------------------------------------------------------

    def record_request(self, venue: str, ok: bool, latency_s: float) -> None:
        """Every request to a venue (orders, queries, market data), with how long it took."""
        now = self._clock.monotonic()
        config = self._config
        sample = RequestOutcome(ok, latency_s)
        failures = config.consecutive_failures
        self._feed(
            self._failures,
            "consecutive_failures",
            failures,
            ConsecutiveFailures,
            venue,
            sample,
            now,
        )
        self._feed(self._error_rate, "error_rate", config.error_rate, ErrorRate, venue, sample, now)
        if math.isfinite(latency_s) and latency_s >= 0:
            self._feed(self._latency, "latency", config.latency, Latency, venue, sample, now)
        self._publish()

    def record_market_data_age(self, venue: str, symbol: str, age_s: float) -> None:
        """The age of the newest data of every traded symbol, sampled periodically."""
        age = age_s if math.isfinite(age_s) and age_s >= 0 else math.inf  # unknown: stale
        now = self._clock.monotonic()
        sample = DataAge(symbol, age)
        self._feed(
            self._stale, "stale_data", self._config.stale_data, StaleData, venue, sample, now
        )
        self._publish()

    def record_reconciliation(self, venue: str, drift: str | None) -> None:
        """One reconciliation pass: what drifted beyond the bound, or None when all agreed."""
        now = self._clock.monotonic()
        sample = ReconcileOutcome(drift)
        config = self._config.reconcile_drift
        self._feed(self._drift, "reconcile_drift", config, ReconcileDrift, venue, sample, now)
        self._publish()

    def record_equity(self, equity: Decimal) -> None:
        """Total equity in the breakers' currency, sampled periodically."""
        if not equity.is_finite():
            log.warning("equity_ignored", equity=str(equity))
            return
        self._loss.observe_equity(equity, self._clock.time_ms())
        self._publish()

    def record_trade(self, pnl: Decimal) -> None:
        """The realized PnL of one closed (position-reducing) trade."""
        if not pnl.is_finite():
            log.warning("trade_pnl_ignored", pnl=str(pnl))
            return
        self._loss.observe_trade(pnl)
        self._publish()

    def tick(self) -> None:
        """Apply the passage of time: cool-downs end, the UTC day turns."""
        now = self._clock.monotonic()
        self._last_tick = now
        self._last_tick_ms = self._clock.time_ms()
        for circuit in self._circuits():
            circuit.poll(now)
        self._loss.roll_day(self._clock.time_ms())
        self._publish()

    # --- the operator ---------------------------------------------------------------------

    def halt(self, reason: str) -> TradingStatus:
        return self._set_operator(TradingState.HALTED, reason)

    def reduce(self, reason: str) -> TradingStatus:
        return self._set_operator(TradingState.REDUCING, reason)

    def resume(self, reason: str) -> TradingStatus:
        """Lift the operator's halt or reduce and re-arm the loss breakers; open ones still bind."""
        self._adopt_external()
        self._operator = TradingStatus(TradingState.ACTIVE, reason)
        shown = {status.name for status in self._loss.statuses()}
        self._loss.rearm()
        self._sync_loss_labels(shown)  # a trip kept after its section was removed is gone
        self._publish()
        log.warning("trading_resumed", reason=reason, state=self._published.state)
        return self._published

    def _set_operator(self, state: TradingState, reason: str) -> TradingStatus:
        self._operator = TradingStatus(state, reason)
        self._publish()
        return self._published

    # --- reload and persistence -------------------------------------------------------------

    def update_config(self, config: BreakersConfig) -> None:
        """New limits for the next observation; states, windows and history are kept."""
        self.tick()
        before = self._published
        self._config = config
        self._reconfigure(self._failures, config.consecutive_failures)
        self._reconfigure(self._error_rate, config.error_rate)
        self._reconfigure(self._latency, config.latency)
        self._reconfigure(self._stale, config.stale_data)
        self._reconfigure(self._drift, config.reconcile_drift)
        shown = {status.name for status in self._loss.statuses()}
        self._loss.update_config(config)
        self._sync_loss_labels(shown)
        if before.state is TradingState.HALTED and self._effective().state is not before.state:
            kept = f"{before.reason} (kept across a reload; resume to trade)"
            self._operator = TradingStatus(TradingState.HALTED, kept)
        self._publish()

    def snapshot(self) -> str:
        """The loss history and latched trips as JSON, to keep across restarts."""
        return self._loss.snapshot()

    def restore(self, text: str) -> None:
        """At start: a snapshot that cannot be read halts trading rather than forget a loss."""
        try:
            self._loss.restore(text)
        except ValueError as e:
            log.error("risk_state_unreadable", error=str(e))
            self._operator = TradingStatus(
                TradingState.HALTED, f"saved risk state unreadable ({e}); resume to trade"
            )
        self._publish()

    # --- internals ------------------------------------------------------------------------

    def _circuits(self) -> list[_HealthCircuit]:
        circuits: list[_HealthCircuit] = []
        for group in (self._failures, self._error_rate, self._latency, self._stale, self._drift):
            circuits.extend(group.values())
        return circuits

    def _feed(
        self,
        circuits: dict[str, Circuit[S, C]],
        kind: str,
        config: C | None,
        detector: Callable[[], Detector[S, C]],
        venue: str,
        sample: S,
        now: float,
    ) -> None:
        if config is None:
            return
        circuit = circuits.get(venue)
        if circuit is None:
            circuit = Circuit(f"{kind}:{venue}", detector(), config, self._changed)
            circuits[venue] = circuit
            self._metrics.breaker_state.labels(circuit.name).set(0)
        circuit.observe(sample, now)

    def _reconfigure(self, circuits: dict[str, Circuit[S, C]], config: C | None) -> None:
        for venue, circuit in list(circuits.items()):
            before = circuit.status
            if config is None:
                del circuits[venue]
                self._metrics.breaker_state.remove(circuit.name)
                log.info("breaker_removed", breaker=circuit.name, state=before.phase)
                continue
            circuit.config = config
            if circuit.status != before:
                self._changed(BreakerChange(before, circuit.status))

    def _sync_loss_labels(self, shown: set[str]) -> None:
        """Loss breakers a reload switched on or off appear in or leave the metrics."""
        now = {status.name: status for status in self._loss.statuses()}
        for name in shown - now.keys():
            self._metrics.breaker_state.remove(name)
        for name in now.keys() - shown:
            self._metrics.breaker_state.labels(name).set(now[name].phase.metric_value)

    def _changed(self, change: BreakerChange) -> None:
        new = change.new
        level = "warning" if new.phase is not BreakerPhase.CLOSED else "info"
        getattr(log, level)(
            "breaker_changed",
            breaker=new.name,
            old=change.old.phase,
            new=new.phase,
            demand=new.demand,
            reason=new.reason or change.old.reason,
        )
        self._metrics.breaker_state.labels(new.name).set(new.phase.metric_value)
        if change.is_trip:
            self._metrics.breaker_trips.labels(new.name).inc()
        if self._listener is not None:
            try:
                self._listener(change)
            except Exception:  # a listener's fault must not stop the breakers
                log.exception("breaker_listener_failed", breaker=new.name)

    def _adopt_external(self) -> None:
        held = self._trading.status
        if _severity(held.state) > _severity(self._published.state):
            if _severity(held.state) > _severity(self._operator.state):
                self._operator = held
            log.warning("trading_state_adopted", state=held.state, reason=held.reason)

    def _effective(self) -> TradingStatus:
        effective = self._operator
        for status in self._circuits_and_losses():
            if _severity(status.demand) > _severity(effective.state):
                effective = TradingStatus(status.demand, f"breaker {status.name}: {status.reason}")
        return effective

    def _circuits_and_losses(self) -> list[BreakerStatus]:
        return [c.status for c in self._circuits()] + self._loss.statuses()

    def _publish(self) -> None:
        self._adopt_external()
        self._published = self._effective()
        self._trading.set(self._published.state, self._published.reason)
        self._metrics.trading_state.set(TRADING_STATE_VALUES[self._published.state])
        self._metrics.drawdown_ratio.set(float(self._loss.ledger.drawdown))
        pnl = self._loss.ledger.daily_pnl
        if pnl is not None:
            self._metrics.daily_pnl.labels(self._loss.ledger.currency).set(float(pnl))
