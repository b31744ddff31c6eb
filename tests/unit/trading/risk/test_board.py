"""BreakerBoard: breaker state machines on a fake clock, loss breakers, the operator, reloads."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from prometheus_client import CollectorRegistry
from structlog.testing import capture_logs

from lyrad.trading.risk.board import BreakerBoard
from lyrad.trading.risk.circuit import BreakerChange, BreakerPhase
from lyrad.trading.risk.config import BreakersConfig
from lyrad.trading.risk.metrics import BreakerMetrics
from lyrad.trading.state import TradingState, TradingStateHolder
from tests.unit.trading.risk.fakes import DAY_MS, MIDNIGHT_MS, D, FakeClock

ACTIVE, REDUCING, HALTED = TradingState.ACTIVE, TradingState.REDUCING, TradingState.HALTED
FAILURES = {"threshold": 3, "cool_down": "30s", "successes_to_close": 2}


class Rig:
    def __init__(self, clock: FakeClock | None = None, **sections: Any) -> None:
        self.clock = clock or FakeClock()
        self.registry = CollectorRegistry()
        self.trading = TradingStateHolder()
        self.changes: list[BreakerChange] = []
        self.board = BreakerBoard(
            BreakersConfig.model_validate(sections),
            clock=self.clock,
            trading=self.trading,
            metrics=BreakerMetrics(self.registry),
            on_change=self.changes.append,
        )

    @property
    def state(self) -> TradingState:
        return self.board.status.state

    def phase(self, name: str) -> BreakerPhase:
        return next(b.phase for b in self.board.breakers() if b.name == name)

    def metric(self, name: str, **labels: str) -> float | None:
        return self.registry.get_sample_value(name, labels)

    def fail(self, times: int = 1, venue: str = "sim") -> None:
        for _ in range(times):
            self.board.record_request(venue, ok=False, latency_s=0.05)

    def succeed(self, times: int = 1, venue: str = "sim") -> None:
        for _ in range(times):
            self.board.record_request(venue, ok=True, latency_s=0.05)

    def reload(self, **sections: Any) -> None:
        self.board.update_config(BreakersConfig.model_validate(sections))


# --- the venue-health state machine ------------------------------------------------------


def test_opens_on_n_failures_half_opens_after_the_cool_down_closes_after_successes() -> None:
    rig = Rig(consecutive_failures=FAILURES)
    name = "consecutive_failures:sim"
    rig.fail(2)
    assert (rig.phase(name), rig.state) == (BreakerPhase.CLOSED, ACTIVE)
    with capture_logs() as logs:
        rig.fail()
    assert (rig.phase(name), rig.state) == (BreakerPhase.OPEN, HALTED)
    assert rig.board.status.reason == f"breaker {name}: failed requests in a row: 3 (threshold 3)"
    assert any(e["event"] == "breaker_changed" and e["new"] == "open" for e in logs)
    assert rig.metric("lyrad_breaker_state", breaker=name) == 2
    assert rig.metric("lyrad_trading_state") == 2
    rig.succeed(5)  # while open, nothing but the cool-down counts
    rig.clock.advance(29.9)
    assert rig.phase(name) is BreakerPhase.OPEN
    rig.clock.advance(0.1)
    assert (rig.phase(name), rig.state) == (BreakerPhase.HALF_OPEN, HALTED)
    assert rig.metric("lyrad_breaker_state", breaker=name) == 1
    rig.succeed()
    assert rig.phase(name) is BreakerPhase.HALF_OPEN
    rig.succeed()
    assert (rig.phase(name), rig.state) == (BreakerPhase.CLOSED, ACTIVE)
    assert rig.metric("lyrad_breaker_state", breaker=name) == 0
    assert rig.metric("lyrad_breaker_trips_total", breaker=name) == 1
    assert [c.is_trip for c in rig.changes] == [True, False, False]


def test_one_failure_in_half_open_reopens_for_a_whole_cool_down() -> None:
    rig = Rig(consecutive_failures=FAILURES)
    name = "consecutive_failures:sim"
    rig.fail(3)
    rig.clock.advance(30)
    rig.succeed()
    rig.fail()
    assert rig.phase(name) is BreakerPhase.OPEN
    assert "while half-open" in rig.board.status.reason
    rig.clock.advance(29)
    assert rig.phase(name) is BreakerPhase.OPEN
    rig.clock.advance(1)
    assert rig.phase(name) is BreakerPhase.HALF_OPEN
    assert rig.metric("lyrad_breaker_trips_total", breaker=name) == 1  # the same incident


def test_a_success_resets_the_consecutive_count_and_venues_are_separate() -> None:
    rig = Rig(consecutive_failures=FAILURES)
    rig.fail(2)
    rig.succeed()
    rig.fail(2)
    rig.fail(2, venue="other")
    assert rig.state is ACTIVE
    rig.fail(1, venue="other")
    assert rig.phase("consecutive_failures:other") is BreakerPhase.OPEN
    assert rig.phase("consecutive_failures:sim") is BreakerPhase.CLOSED


def test_the_error_rate_needs_enough_requests_and_forgets_the_old_ones() -> None:
    rig = Rig(
        error_rate={"max_error_pct": 50, "window": "10s", "min_requests": 4, "action": "reducing"}
    )
    rig.fail(3)
    assert rig.state is ACTIVE  # three requests say nothing yet
    rig.clock.advance(10)
    rig.succeed(3)
    rig.fail()  # the first failures left the window: 1 of 4
    assert rig.state is ACTIVE
    rig.fail(2)  # 3 of 6 is 50%, not over it
    assert rig.state is ACTIVE
    rig.fail()  # 4 of 7
    assert rig.state is REDUCING
    assert "4 of 7 requests failed in 10s" in rig.board.status.reason


def test_p99_latency_opens_when_more_than_one_percent_are_slow() -> None:
    rig = Rig(latency={"max_p99": "1s", "window": "1m", "min_samples": 100})
    for index in range(99):
        rig.board.record_request("sim", ok=True, latency_s=2.0 if index == 0 else 0.1)
    rig.board.record_request("sim", ok=True, latency_s=0.1)
    assert rig.state is ACTIVE  # 1 slow of 100: p99 is the 99th smallest, 0.1s
    rig.board.record_request("sim", ok=True, latency_s=1.5)
    assert rig.state is HALTED
    assert "p99 latency 1.500s over 101 requests" in rig.board.status.reason


def test_stale_market_data_closes_only_when_every_symbol_is_fresh() -> None:
    stale = {"max_age": "5s", "cool_down": "10s", "successes_to_close": 1}
    rig = Rig(stale_data=stale)
    rig.board.record_market_data_age("sim", "BTC/USDT", 1.0)
    rig.board.record_market_data_age("sim", "ETH/USDT", 6.0)
    assert rig.state is HALTED
    assert "ETH/USDT market data is 6.0s old (max_age 5s)" in rig.board.status.reason
    rig.clock.advance(10)
    rig.board.record_market_data_age("sim", "BTC/USDT", 0.5)  # ETH is still stale
    assert rig.phase("stale_data:sim") is BreakerPhase.OPEN
    rig.clock.advance(10)
    rig.board.record_market_data_age("sim", "ETH/USDT", 0.5)
    assert rig.state is ACTIVE
    rig.board.record_market_data_age("sim", "ETH/USDT", float("nan"))  # unknown age: stale
    assert rig.state is HALTED


def test_reconciliation_drift_opens_after_passes_in_a_row() -> None:
    rig = Rig(reconcile_drift={"threshold": 2, "successes_to_close": 1, "cool_down": "1m"})
    rig.board.record_reconciliation("sim", "BTC balance differs by 0.1")
    rig.board.record_reconciliation("sim", None)
    rig.board.record_reconciliation("sim", "BTC balance differs by 0.1")
    assert rig.state is ACTIVE
    rig.board.record_reconciliation("sim", "BTC balance differs by 0.2")
    assert "2 passes in a row: BTC balance differs by 0.2" in rig.board.status.reason
    rig.clock.advance(60)
    rig.board.record_reconciliation("sim", None)
    assert rig.state is ACTIVE


# --- loss breakers ---------------------------------------------------------------------------


def test_the_daily_loss_resets_at_utc_midnight() -> None:
    clock = FakeClock(MIDNIGHT_MS + DAY_MS - 60_000)  # 23:59 UTC
    rig = Rig(clock, currency="USDT", daily_loss={"max_loss": "100", "action": "reducing"})
    rig.board.record_equity(D(1000))
    rig.board.record_equity(D(905))
    assert rig.state is ACTIVE
    assert rig.metric("lyrad_daily_pnl", currency="USDT") == -95
    rig.board.record_equity(D(900))
    assert rig.state is REDUCING
    assert "lost 100 USDT today (max_loss 100)" in rig.board.status.reason
    clock.advance(59.999)
    assert rig.state is REDUCING
    clock.advance(0.001)
    assert rig.state is ACTIVE  # a new day starts from 900
    assert rig.board.daily_pnl == 0
    rig.board.record_equity(D(801))
    assert rig.state is ACTIVE
    rig.board.record_equity(D(800))
    assert rig.state is REDUCING


def test_the_daily_loss_in_percent_of_the_days_starting_equity() -> None:
    rig = Rig(daily_loss={"max_loss_pct": "5"})
    rig.board.record_equity(D(2000))
    rig.board.record_equity(D("1900.01"))
    assert rig.state is ACTIVE
    rig.board.record_equity(D(1900))
    assert rig.state is HALTED
    assert "lost 5.00% of the day's starting equity 2000" in rig.board.status.reason


def test_drawdown_is_measured_from_the_peak_not_from_the_start() -> None:
    rig = Rig(drawdown={"max_drawdown_pct": "10"})
    for equity in (1000, 1500, 1400, 1351):
        rig.board.record_equity(D(equity))
    assert rig.state is ACTIVE  # 9.9% below the peak, still 35% above the start
    assert rig.metric("lyrad_drawdown_ratio") == pytest.approx(0.0993333, abs=1e-6)
    rig.board.record_equity(D(1350))
    assert rig.state is HALTED
    assert "10.00% below its peak 1500" in rig.board.status.reason
    rig.board.record_equity(D(1600))  # latched: a recovery does not resume trading
    assert rig.state is HALTED


def test_consecutive_losing_trades() -> None:
    rig = Rig(consecutive_losses={"max_losses": 3, "action": "reducing"})
    for pnl in ("-1", "-2", "0", "-1", "-1"):
        rig.board.record_trade(D(pnl))
    assert rig.state is ACTIVE  # a break-even trade ended the first streak
    rig.board.record_trade(D("-0.01"))
    assert rig.state is REDUCING
    assert "3 losing trades in a row" in rig.board.status.reason


def test_resume_rebases_the_loss_breakers_but_todays_loss_still_counts() -> None:
    rig = Rig(drawdown={"max_drawdown_pct": "10"}, daily_loss={"max_loss": "150"})
    rig.board.record_equity(D(1000))
    rig.board.record_equity(D(880))
    assert rig.phase("drawdown") is BreakerPhase.OPEN
    assert rig.board.resume("alice: checked").state is ACTIVE
    assert rig.board.drawdown == 0
    rig.board.record_equity(D(840))  # 160 lost today
    assert rig.phase("daily_loss") is BreakerPhase.OPEN
    assert rig.board.resume("alice").state is HALTED  # still 160 down today
    rig.reload(drawdown={"max_drawdown_pct": "10"}, daily_loss={"max_loss": "200"})
    assert rig.state is HALTED  # a reload alone never leaves HALTED
    assert rig.board.resume("alice: raised the limit").state is ACTIVE


# --- the operator and the trading state ------------------------------------------------------


def test_an_operator_halt_survives_a_breaker_closing() -> None:
    rig = Rig(consecutive_failures=FAILURES)
    rig.fail(3)
    rig.board.halt("kill switch: alice")
    rig.clock.advance(30)
    rig.succeed(2)
    assert rig.phase("consecutive_failures:sim") is BreakerPhase.CLOSED
    assert rig.trading.state is HALTED
    assert (rig.state, rig.board.status.reason) == (HALTED, "kill switch: alice")
    assert rig.board.resume("alice").state is ACTIVE


def test_resume_does_not_override_an_open_breaker() -> None:
    rig = Rig(consecutive_failures={**FAILURES, "action": "reducing"})
    rig.board.halt("alice")
    rig.fail(3)
    status = rig.board.resume("alice")
    assert status.state is REDUCING
    assert status.reason.startswith("breaker consecutive_failures:sim")


def test_the_most_severe_demand_wins() -> None:
    rig = Rig(consecutive_failures={**FAILURES, "action": "reducing"})
    rig.fail(3)
    assert rig.state is REDUCING
    rig.board.halt("alice")
    assert rig.state is HALTED
    rig.board.resume("alice")
    rig.board.reduce("bob: end of day")
    rig.clock.advance(30)
    rig.succeed(2)
    assert (rig.state, rig.board.status.reason) == (REDUCING, "bob: end of day")


def test_a_halt_written_to_the_state_holder_directly_is_latched() -> None:
    rig = Rig()
    rig.trading.set(HALTED, "journal cannot write")
    assert (rig.state, rig.board.status.reason) == (HALTED, "journal cannot write")
    rig.trading.set(ACTIVE, "someone else")
    assert rig.state is HALTED  # only the board's resume lifts it
    assert rig.trading.state is HALTED
    rig.board.resume("alice")
    assert rig.trading.state is ACTIVE


def test_a_halt_restored_before_the_board_exists_is_kept() -> None:
    trading = TradingStateHolder(HALTED, "restored: kill switch")
    board = BreakerBoard(
        BreakersConfig(),
        clock=FakeClock(),
        trading=trading,
        metrics=BreakerMetrics(CollectorRegistry()),
    )
    assert board.status.state is HALTED
    assert board.resume("alice").state is ACTIVE


# --- reloads --------------------------------------------------------------------------------


def test_a_reload_keeps_counts_and_history_and_applies_the_tighter_limit() -> None:
    rig = Rig(consecutive_failures=FAILURES, drawdown={"max_drawdown_pct": "50"})
    rig.board.record_equity(D(1000))
    rig.board.record_equity(D(900))
    rig.fail(2)
    rig.reload(
        consecutive_failures={**FAILURES, "threshold": 4}, drawdown={"max_drawdown_pct": "20"}
    )
    rig.fail()
    assert rig.state is ACTIVE  # 3 in a row, the limit is 4 now
    rig.fail()
    assert rig.phase("consecutive_failures:sim") is BreakerPhase.OPEN
    rig.board.resume("alice")
    rig.reload(drawdown={"max_drawdown_pct": "10"})  # the peak of 1000 was kept
    assert rig.phase("drawdown") is BreakerPhase.OPEN
    assert rig.board.daily_pnl == -100


def test_a_reload_removing_an_open_breaker_never_leaves_halted() -> None:
    rig = Rig(consecutive_failures=FAILURES)
    rig.fail(3)
    rig.reload()
    assert [b.name for b in rig.board.breakers()] == []
    assert rig.metric("lyrad_breaker_state", breaker="consecutive_failures:sim") is None
    assert rig.state is HALTED
    assert "kept across a reload" in rig.board.status.reason
    assert rig.board.resume("alice").state is ACTIVE


def test_a_reload_can_move_an_open_breaker_from_halted_to_reducing_only_by_resume() -> None:
    rig = Rig(consecutive_failures={**FAILURES, "action": "reducing"})
    rig.fail(3)
    rig.reload(consecutive_failures={**FAILURES, "action": "halted"})
    assert rig.state is HALTED
    rig.reload(consecutive_failures={**FAILURES, "action": "reducing"})
    assert rig.state is HALTED
    assert rig.board.resume("alice").state is REDUCING


def test_a_loosened_loss_limit_does_not_close_a_tripped_breaker() -> None:
    rig = Rig(daily_loss={"max_loss": "10", "action": "reducing"})
    rig.board.record_equity(D(100))
    rig.board.record_equity(D(90))
    rig.reload(daily_loss={"max_loss": "50", "action": "reducing"})
    assert rig.state is REDUCING
    assert rig.board.resume("alice").state is ACTIVE


# --- persistence and bad input --------------------------------------------------------------


def test_the_loss_history_and_trips_survive_a_restart() -> None:
    rig = Rig(drawdown={"max_drawdown_pct": "10"}, consecutive_losses={"max_losses": 5})
    rig.board.record_equity(D(1000))
    rig.board.record_equity(D(880))
    rig.board.record_trade(D(-1))
    saved = rig.board.snapshot()
    again = Rig(
        rig.clock, drawdown={"max_drawdown_pct": "10"}, consecutive_losses={"max_losses": 5}
    )
    again.board.restore(saved)
    assert again.state is HALTED
    assert again.board.drawdown == Decimal("0.12")
    assert again.board.daily_pnl == -120
    for _ in range(4):
        again.board.record_trade(D(-1))
    assert again.phase("consecutive_losses") is BreakerPhase.OPEN


@pytest.mark.parametrize("saved", ["", "{", '{"currency": "USDT"}', '{"day": "x"}', "[]"])
def test_an_unreadable_saved_state_halts(saved: str) -> None:
    rig = Rig(drawdown={"max_drawdown_pct": "10"})
    rig.board.restore(saved)
    assert rig.state is HALTED
    assert "saved risk state unreadable" in rig.board.status.reason


def test_impossible_observations_never_raise() -> None:
    rig = Rig(
        consecutive_failures=FAILURES,
        latency={"max_p99": "1s", "min_samples": 1},
        daily_loss={"max_loss": "1"},
        drawdown={"max_drawdown_pct": "1"},
    )
    rig.board.record_request("sim", ok=True, latency_s=float("nan"))
    rig.board.record_request("sim", ok=True, latency_s=-1.0)
    rig.board.record_equity(D("NaN"))
    rig.board.record_equity(D("-Infinity"))
    rig.board.record_trade(D("sNaN"))
    rig.board.record_equity(D(0))
    rig.board.record_equity(D(-5))
    assert rig.state is HALTED  # the losses were real: 0 then -5
    assert rig.board.drawdown == 0  # no positive peak yet: no ratio


def test_a_failing_listener_does_not_stop_the_breakers() -> None:
    registry = CollectorRegistry()

    def broken(change: BreakerChange) -> None:
        raise RuntimeError("listener bug")

    board = BreakerBoard(
        BreakersConfig.model_validate({"consecutive_failures": {"threshold": 1}}),
        clock=FakeClock(),
        trading=TradingStateHolder(),
        metrics=BreakerMetrics(registry),
        on_change=broken,
    )
    with capture_logs() as logs:
        board.record_request("sim", ok=False, latency_s=0.1)
    assert board.status.state is HALTED
    assert any(e["event"] == "breaker_listener_failed" for e in logs)


def test_durations_in_config_drive_the_cool_down() -> None:
    rig = Rig(consecutive_failures={"threshold": 1, "cool_down": "2m", "successes_to_close": 1})
    rig.fail()
    rig.clock.advance(timedelta(minutes=2).total_seconds() - 1)
    assert rig.phase("consecutive_failures:sim") is BreakerPhase.OPEN
    rig.clock.advance(1)
    rig.succeed()
    assert rig.state is ACTIVE


def test_breakers_a_reload_switches_on_or_off_appear_in_or_leave_the_metrics() -> None:
    rig = Rig(drawdown={"max_drawdown_pct": "10"})
    assert rig.metric("lyrad_breaker_state", breaker="drawdown") == 0
    rig.reload(consecutive_losses={"max_losses": 2})
    assert rig.metric("lyrad_breaker_state", breaker="drawdown") is None
    assert rig.metric("lyrad_breaker_state", breaker="consecutive_losses") == 0
    assert [b.name for b in rig.board.breakers()] == ["consecutive_losses"]


def test_a_trip_outlives_its_section_until_resume() -> None:
    rig = Rig(drawdown={"max_drawdown_pct": "10", "action": "reducing"})
    rig.board.record_equity(D(100))
    rig.board.record_equity(D(80))
    rig.reload()
    assert [(b.name, b.demand) for b in rig.board.breakers()] == [("drawdown", REDUCING)]
    assert rig.board.resume("alice").state is ACTIVE
    assert rig.board.breakers() == []
    assert rig.metric("lyrad_breaker_state", breaker="drawdown") is None
