"""CapitalRollout: criteria, advancing only on confirmation, persistence, and the gate's cap."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from prometheus_client import CollectorRegistry

from lyrad.journal.codec import Details
from lyrad.journal.journal import Journal
from lyrad.journal.protocol import OrderJournal
from lyrad.trading.risk.circuit import BreakerChange, BreakerPhase, BreakerStatus
from lyrad.trading.risk.config import RolloutConfig
from lyrad.trading.risk.metrics import RolloutMetrics
from lyrad.trading.risk.rollout import KV_ROLLOUT, CapitalRollout, RolloutState, RolloutStore
from lyrad.trading.risk.view import CapitalCap
from lyrad.trading.state import TradingState
from tests.unit.trading.risk.fakes import DAY_MS, D, FakeClock


def _journals_are_stores(journal: Journal, order_journal: OrderJournal) -> list[RolloutStore]:
    return [journal, order_journal]  # mypy: the lead can hand the journal over as it is


class FakeStore:
    def __init__(self, saved: str | None = None) -> None:
        self.kv: dict[str, str] = {} if saved is None else {KV_ROLLOUT: saved}
        self.events: list[tuple[str, Details | None]] = []

    async def get_kv(self, key: str) -> str | None:
        return self.kv.get(key)

    def set_kv(
        self,
        key: str,
        value: str,
        *,
        event_kind: str | None = None,
        details: Details | None = None,
    ) -> Awaitable[None]:
        async def write() -> None:
            self.kv[key] = value
            if event_kind is not None:
                self.events.append((event_kind, details))

        return write()


STAGES = [
    {"cap": 100, "min_time": "7d", "min_trades": 3, "min_pnl": 0, "max_breaker_trips": 0},
    {"cap": 1000, "min_time": "1d", "min_trades": 1, "min_pnl": "-5", "max_breaker_trips": 1},
    {"cap": 10000},
]


class Rig:
    def __init__(self, saved: str | None = None, **config: Any) -> None:
        self.clock = FakeClock()
        self.store = FakeStore(saved)
        self.registry = CollectorRegistry()
        self.rollout = CapitalRollout(
            RolloutConfig.model_validate({"enabled": True, "stages": STAGES, **config}),
            self.store,
            self.clock,
            RolloutMetrics(self.registry),
        )

    def met(self) -> dict[str, bool]:
        return {c.name: c.met for c in self.rollout.criteria_status()}

    def metric(self, name: str, **labels: str) -> float | None:
        return self.registry.get_sample_value(name, labels)

    def qualify(self) -> None:
        """Meet every criterion of the first stage."""
        for pnl in ("5", "-1", "0.5"):
            self.rollout.record_trade(D(pnl))
        self.clock.advance(7 * DAY_MS / 1000)


def trip(name: str = "drawdown") -> BreakerChange:
    closed = BreakerStatus(name, BreakerPhase.CLOSED, TradingState.ACTIVE, "")
    return BreakerChange(closed, BreakerStatus(name, BreakerPhase.OPEN, TradingState.HALTED, "x"))


async def test_a_first_start_saves_stage_zero_and_caps_the_gate_at_it() -> None:
    rig = Rig()
    await rig.rollout.load()
    assert rig.rollout.capital_cap() == CapitalCap("USDT", D(100))
    saved = RolloutState.from_json(rig.store.kv[KV_ROLLOUT])
    assert (saved.stage, saved.started_ms) == (0, rig.clock.time_ms())
    assert rig.store.events == [("capital_stage_started", None)]
    assert rig.metric("lyrad_capital_stage") == 0
    assert rig.metric("lyrad_capital_cap", currency="USDT") == 100


async def test_each_criterion_is_reported_and_all_are_needed() -> None:
    rig = Rig()
    await rig.rollout.load()
    assert rig.met() == {
        "time_at_stage": False,
        "breaker_trips": True,
        "trades": False,
        "pnl": False,
    }
    rig.qualify()
    assert rig.met() == dict.fromkeys(["time_at_stage", "breaker_trips", "trades", "pnl"], True)
    assert rig.rollout.can_advance()
    assert rig.metric("lyrad_capital_criterion_met", criterion="pnl") == 1
    rig.rollout.on_breaker_change(trip())
    assert not rig.rollout.can_advance()
    report = rig.rollout.report()
    assert report["stage"] == 0
    assert report["can_advance"] is False
    criteria = report["criteria"]
    assert isinstance(criteria, list)
    assert {"name": "breaker_trips", "required": "<= 0", "actual": "1", "met": False} in criteria


async def test_a_closing_or_reopening_breaker_is_not_a_new_trip() -> None:
    rig = Rig()
    opened = trip().new
    half = BreakerStatus(opened.name, BreakerPhase.HALF_OPEN, TradingState.HALTED, "x")
    rig.rollout.on_breaker_change(BreakerChange(opened, half))
    rig.rollout.on_breaker_change(BreakerChange(half, opened))
    assert rig.rollout.state.breaker_trips == 0


async def test_advancing_needs_the_criteria_and_an_operator() -> None:
    rig = Rig()
    await rig.rollout.load()
    refused = await rig.rollout.advance("alice")
    assert not refused.advanced
    assert "time_at_stage" in refused.detail
    assert "trades 0 (needs >= 3)" in refused.detail
    rig.qualify()
    assert not (await rig.rollout.advance("  ")).advanced
    outcome = await rig.rollout.advance("alice")
    assert (outcome.advanced, outcome.stage) == (True, 1)
    assert rig.rollout.capital_cap() == CapitalCap("USDT", D(1000))
    kind, details = rig.store.events[-1]
    assert kind == "capital_stage_advanced"
    assert details is not None
    assert (details["confirmed_by"], details["to_stage"], details["trades"]) == ("alice", 1, 3)
    fresh = rig.rollout.state
    assert (fresh.trades, fresh.pnl, fresh.breaker_trips) == (0, D(0), 0)
    assert RolloutState.from_json(rig.store.kv[KV_ROLLOUT]) == fresh


async def test_the_last_stage_is_final() -> None:
    rig = Rig(saved=RolloutState(stage=2, started_ms=0).to_json())
    await rig.rollout.load()
    assert rig.rollout.is_last_stage
    assert not rig.rollout.can_advance()
    assert "last stage" in (await rig.rollout.advance("alice")).detail


async def test_counters_are_saved_by_flush_and_restored_by_load() -> None:
    rig = Rig()
    await rig.rollout.load()
    rig.rollout.record_trade(D("2.5"))
    rig.rollout.record_trade(D("NaN"))  # ignored
    rig.rollout.on_breaker_change(trip())
    await rig.rollout.flush()
    again = Rig(saved=rig.store.kv[KV_ROLLOUT])
    await again.rollout.load()
    assert again.rollout.state == rig.rollout.state
    assert (again.rollout.state.trades, again.rollout.state.pnl) == (1, D("2.5"))


async def test_an_unreadable_state_falls_back_to_the_first_stage() -> None:
    rig = Rig(saved='{"stage": "three"}')
    await rig.rollout.load()
    assert rig.rollout.state.stage == 0
    assert rig.store.events[-1][0] == "capital_stage_reset"


async def test_a_reload_with_fewer_stages_clamps_and_keeps_the_counters() -> None:
    rig = Rig(saved=RolloutState(stage=2, started_ms=0, trades=7).to_json())
    await rig.rollout.load()
    rig.rollout.update_config(RolloutConfig.model_validate({"enabled": True, "stages": STAGES[:2]}))
    assert rig.rollout.capital_cap() == CapitalCap("USDT", D(1000))
    assert rig.rollout.state.trades == 7
    await rig.rollout.flush()
    assert RolloutState.from_json(rig.store.kv[KV_ROLLOUT]).stage == 1


async def test_a_disabled_rollout_caps_nothing_and_never_advances() -> None:
    rig = Rig(enabled=False)
    await rig.rollout.load()
    rig.qualify()
    assert rig.rollout.capital_cap() is None
    assert not rig.rollout.can_advance()
    assert "not enabled" in (await rig.rollout.advance("alice")).detail
