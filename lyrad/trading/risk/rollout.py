"""Staged capital rollout: a cap on gross exposure that rises a stage at a time, on confirmation.

A stage is left only when its criteria all hold (time at the stage, breaker trips, trades,
realized PnL) and an operator confirms. The state lives in a small key-value store (the
journal's kv); until it is loaded, and whenever it cannot be read, the first stage applies.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Protocol

import structlog

from lyrad.config.types import format_duration
from lyrad.journal.codec import Details
from lyrad.trading.risk.circuit import BreakerChange
from lyrad.trading.risk.config import RolloutConfig, RolloutStage
from lyrad.trading.risk.metrics import RolloutMetrics
from lyrad.trading.risk.view import CapitalCap, RiskClock

log = structlog.get_logger("lyrad.risk", component="risk")

KV_ROLLOUT = "risk.rollout"


class RolloutStore(Protocol):
    """The journal's key-value store, as far as the rollout uses it."""

    async def get_kv(self, key: str) -> str | None: ...

    def set_kv(
        self,
        key: str,
        value: str,
        *,
        event_kind: str | None = None,
        details: Details | None = None,
    ) -> Awaitable[None]: ...


@dataclass(frozen=True, slots=True)
class RolloutState:
    stage: int
    started_ms: int  # when this stage began
    trades: int = 0
    pnl: Decimal = Decimal(0)  # realized, at this stage
    breaker_trips: int = 0

    def to_json(self) -> str:
        return json.dumps(
            {
                "stage": self.stage,
                "started_ms": self.started_ms,
                "trades": self.trades,
                "pnl": str(self.pnl),
                "breaker_trips": self.breaker_trips,
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> RolloutState:
        """Raises ValueError when the text is not a rollout state."""
        try:
            data = json.loads(text)
            state = cls(
                stage=int(data["stage"]),
                started_ms=int(data["started_ms"]),
                trades=int(data["trades"]),
                pnl=Decimal(str(data["pnl"])),
                breaker_trips=int(data["breaker_trips"]),
            )
        except (ValueError, KeyError, TypeError, ArithmeticError) as e:
            raise ValueError(f"unreadable rollout state: {e!r}") from e
        if state.stage < 0 or state.trades < 0 or state.breaker_trips < 0:
            raise ValueError(f"impossible rollout state: {text}")
        if not state.pnl.is_finite():
            raise ValueError(f"impossible rollout pnl: {state.pnl}")
        return state


@dataclass(frozen=True, slots=True)
class Criterion:
    name: str  # time_at_stage, breaker_trips, trades, pnl: the metric label
    required: str
    actual: str
    met: bool


@dataclass(frozen=True, slots=True)
class AdvanceOutcome:
    advanced: bool
    stage: int
    detail: str


class CapitalRollout:
    """A CapSource for the gate; fed closed trades and breaker trips; advanced by an operator."""

    def __init__(
        self,
        config: RolloutConfig,
        store: RolloutStore,
        clock: RiskClock,
        metrics: RolloutMetrics,
    ) -> None:
        self._config = config
        self._store = store
        self._clock = clock
        self._metrics = metrics
        self._state = RolloutState(stage=0, started_ms=clock.time_ms())
        self._dirty = False
        self._lock = asyncio.Lock()
        self._publish()

    # --- reads ----------------------------------------------------------------------------

    @property
    def state(self) -> RolloutState:
        return self._state

    @property
    def stage(self) -> RolloutStage:
        return self._config.stages[self._state.stage]

    @property
    def is_last_stage(self) -> bool:
        return self._state.stage >= len(self._config.stages) - 1

    def capital_cap(self) -> CapitalCap | None:
        if not self._config.enabled:
            return None
        return CapitalCap(self._config.currency, self.stage.cap)

    def criteria_status(self) -> list[Criterion]:
        """Where each criterion for leaving this stage stands now."""
        stage, state = self.stage, self._state
        elapsed_ms = max(0, self._clock.time_ms() - state.started_ms)
        needed_ms = int(stage.min_time.total_seconds() * 1000)
        criteria = [
            Criterion(
                "time_at_stage",
                f">= {format_duration(stage.min_time)}",
                f"{elapsed_ms / 86_400_000:.2f}d",
                elapsed_ms >= needed_ms,
            ),
            Criterion(
                "breaker_trips",
                f"<= {stage.max_breaker_trips}",
                str(state.breaker_trips),
                state.breaker_trips <= stage.max_breaker_trips,
            ),
            Criterion(
                "trades",
                f">= {stage.min_trades}",
                str(state.trades),
                state.trades >= stage.min_trades,
            ),
            Criterion("pnl", f"> {stage.min_pnl}", str(state.pnl), state.pnl > stage.min_pnl),
        ]
        for criterion in criteria:
            self._metrics.criterion_met.labels(criterion.name).set(int(criterion.met))
        return criteria

    def can_advance(self) -> bool:
        if not self._config.enabled or self.is_last_stage:
            return False
        return all(criterion.met for criterion in self.criteria_status())

    def report(self) -> dict[str, object]:
        """For `lyrad risk report`: the stage, the cap and every criterion."""
        cap = self.capital_cap()
        return {
            "enabled": self._config.enabled,
            "stage": self._state.stage,
            "stages": len(self._config.stages),
            "cap": None if cap is None else str(cap.amount),
            "currency": self._config.currency,
            "started_ms": self._state.started_ms,
            "can_advance": self.can_advance(),
            "criteria": [
                {"name": c.name, "required": c.required, "actual": c.actual, "met": c.met}
                for c in self.criteria_status()
            ],
        }

    # --- feeds ------------------------------------------------------------------------------

    def record_trade(self, pnl: Decimal) -> None:
        """The realized PnL of one closed (position-reducing) trade, in the rollout currency."""
        if not pnl.is_finite():
            log.warning("trade_pnl_ignored", pnl=str(pnl))
            return
        state = self._state
        self._state = replace(state, trades=state.trades + 1, pnl=state.pnl + pnl)
        self._dirty = True

    def on_breaker_change(self, change: BreakerChange) -> None:
        """A BreakerBoard listener: every trip counts against the stage."""
        if change.is_trip:
            self._state = replace(self._state, breaker_trips=self._state.breaker_trips + 1)
            self._dirty = True

    # --- state --------------------------------------------------------------------------------

    async def load(self) -> None:
        """At start: the saved stage, or the first stage (saved) when there is none."""
        async with self._lock:
            text = await self._store.get_kv(KV_ROLLOUT)
            if text is None:
                await self._save(event_kind="capital_stage_started")
                return
            try:
                state = RolloutState.from_json(text)
            except ValueError as e:
                log.error("rollout_state_unreadable", error=str(e), stage=0)
                self._state = RolloutState(stage=0, started_ms=self._clock.time_ms())
                await self._save(event_kind="capital_stage_reset")
                return
            self._state = self._clamped(state)
            self._publish()

    async def flush(self) -> None:
        """Save the counters if they changed since the last save."""
        async with self._lock:
            if self._dirty:
                await self._save()
            self._publish()

    async def advance(self, confirmed_by: str) -> AdvanceOutcome:
        """Move to the next stage if every criterion holds; the operator's name is journaled."""
        async with self._lock:
            refusal = self._refusal(confirmed_by)
            if refusal is not None:
                return AdvanceOutcome(False, self._state.stage, refusal)
            old = self._state
            new = RolloutState(stage=old.stage + 1, started_ms=self._clock.time_ms())
            cap = self._config.stages[new.stage].cap
            details: Details = {
                "from_stage": old.stage,
                "to_stage": new.stage,
                "cap": str(cap),
                "currency": self._config.currency,
                "confirmed_by": confirmed_by,
                "trades": old.trades,
                "pnl": str(old.pnl),
                "breaker_trips": old.breaker_trips,
            }
            # Durable first: the cap rises only once the journal says it has.
            await self._store.set_kv(
                KV_ROLLOUT, new.to_json(), event_kind="capital_stage_advanced", details=details
            )
            self._state = new
            self._dirty = False
            self._publish()
            log.warning("capital_stage_advanced", **details)
            return AdvanceOutcome(True, new.stage, f"stage {new.stage}: cap {cap}")

    def update_config(self, config: RolloutConfig) -> None:
        """A reload: new stages and criteria; the stage reached and its counters are kept."""
        self._config = config
        self._state = self._clamped(self._state)
        self._publish()

    # --- internals ------------------------------------------------------------------------

    def _refusal(self, confirmed_by: str) -> str | None:
        if not self._config.enabled:
            return "the capital rollout is not enabled"
        if self.is_last_stage:
            return f"already at the last stage ({self._state.stage})"
        if not confirmed_by.strip():
            return "an operator must confirm the advance"
        unmet = [c for c in self.criteria_status() if not c.met]
        if unmet:
            return "criteria not met: " + ", ".join(
                f"{c.name} {c.actual} (needs {c.required})" for c in unmet
            )
        return None

    def _clamped(self, state: RolloutState) -> RolloutState:
        last = len(self._config.stages) - 1
        if state.stage > last:
            log.warning("rollout_stage_clamped", saved=state.stage, stage=last)
            self._dirty = True
            return replace(state, stage=last)
        return state

    async def _save(self, event_kind: str | None = None) -> None:
        await self._store.set_kv(KV_ROLLOUT, self._state.to_json(), event_kind=event_kind)
        self._dirty = False
        self._publish()

    def _publish(self) -> None:
        self._metrics.stage.set(self._state.stage)
        cap = self.capital_cap()
        if cap is not None:
            self._metrics.cap.labels(cap.currency).set(float(cap.amount))
        self.criteria_status()
