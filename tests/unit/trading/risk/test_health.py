"""Health detectors and the board under random observations: exact p99, never an exception."""

from __future__ import annotations

import math
from datetime import timedelta
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from prometheus_client import CollectorRegistry

from lyrad.trading.risk.board import BreakerBoard
from lyrad.trading.risk.config import BreakersConfig, LatencyConfig
from lyrad.trading.risk.health import Latency, RequestOutcome
from lyrad.trading.risk.metrics import TRADING_STATE_VALUES, BreakerMetrics
from lyrad.trading.state import TradingState, TradingStateHolder
from tests.unit.trading.risk.fakes import FakeClock


def nearest_rank_p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[math.ceil(0.99 * len(ordered)) - 1]


@given(st.lists(st.sampled_from([0.1, 0.5, 0.99, 1.0, 1.01, 3.0]), min_size=1, max_size=400))
def test_the_running_p99_agrees_with_sorting(latencies: list[float]) -> None:
    config = LatencyConfig(max_p99=timedelta(seconds=1), min_samples=1)
    detector = Latency()
    for index, latency in enumerate(latencies):
        verdict = detector.add(RequestOutcome(True, latency), 0.0, config)
        assert (verdict is not None) == (nearest_rank_p99(latencies[: index + 1]) > 1.0)
        if verdict is not None:
            break  # a circuit opens here and resets its detector


def test_a_reload_recounts_slow_samples_against_the_new_bound() -> None:
    detector = Latency()
    loose = LatencyConfig(max_p99=timedelta(seconds=2), min_samples=3)
    for _ in range(2):
        assert detector.add(RequestOutcome(True, 1.5), 0.0, loose) is None
    tight = LatencyConfig(max_p99=timedelta(seconds=1), min_samples=3)
    assert detector.add(RequestOutcome(True, 0.1), 0.0, tight) is not None


# --- the board as a state machine under random input -----------------------------------------

SEVERITY = TRADING_STATE_VALUES

configs = st.fixed_dictionaries(
    {},
    optional={
        "consecutive_failures": st.fixed_dictionaries(
            {"threshold": st.integers(1, 3), "cool_down": st.just("5s")}
        ),
        "error_rate": st.fixed_dictionaries(
            {
                "min_requests": st.integers(1, 4),
                "window": st.just("10s"),
                "cool_down": st.just("3s"),
            }
        ),
        "latency": st.fixed_dictionaries({"max_p99": st.just("1s"), "min_samples": st.just(2)}),
        "stale_data": st.fixed_dictionaries({"max_age": st.just("5s")}),
        "reconcile_drift": st.fixed_dictionaries({"action": st.just("reducing")}),
        "daily_loss": st.fixed_dictionaries({"max_loss_pct": st.just("10")}),
        "drawdown": st.fixed_dictionaries(
            {"max_drawdown_pct": st.just("15"), "action": st.just("reducing")}
        ),
        "consecutive_losses": st.fixed_dictionaries({"max_losses": st.integers(1, 3)}),
    },
)

numbers = st.floats(allow_nan=True, allow_infinity=True)
operations = st.one_of(
    st.tuples(st.just("request"), st.sampled_from(["a", "b"]), st.booleans(), numbers),
    st.tuples(st.just("age"), st.sampled_from(["X/Y", "Z/Y"]), numbers),
    st.tuples(st.just("reconcile"), st.none() | st.just("drift")),
    st.tuples(st.just("equity"), st.decimals(allow_nan=True, allow_infinity=True)),
    st.tuples(st.just("trade"), st.decimals(allow_nan=True, allow_infinity=True)),
    st.tuples(st.just("time"), st.floats(0, 90_000)),
    st.tuples(st.just("operator"), st.sampled_from(["halt", "reduce", "resume"])),
    st.tuples(st.just("reload"), configs),
)


def apply(board: BreakerBoard, clock: FakeClock, op: tuple[Any, ...]) -> None:
    kind = op[0]
    if kind == "request":
        board.record_request(op[1], op[2], op[3])
    elif kind == "age":
        board.record_market_data_age("a", op[1], op[2])
    elif kind == "reconcile":
        board.record_reconciliation("a", op[1])
    elif kind == "equity":
        board.record_equity(op[1])
    elif kind == "trade":
        board.record_trade(op[1])
    elif kind == "time":
        clock.advance(op[1])


@given(configs, st.lists(operations, max_size=40))
def test_the_state_is_the_most_severe_demand_and_only_resume_leaves_an_operator_halt(
    config: dict[str, Any], ops: list[tuple[Any, ...]]
) -> None:
    clock = FakeClock()
    board = BreakerBoard(
        BreakersConfig.model_validate(config),
        clock=clock,
        trading=TradingStateHolder(),
        metrics=BreakerMetrics(CollectorRegistry()),
    )
    operator = TradingState.ACTIVE  # the model of what the operator (or a reload) latched
    for op in ops:
        if op[0] == "operator":
            status = getattr(board, op[1])("test")
            operator = {"halt": TradingState.HALTED, "reduce": TradingState.REDUCING}.get(
                op[1], TradingState.ACTIVE
            )
        elif op[0] == "reload":
            halted = board.status.state is TradingState.HALTED
            board.update_config(BreakersConfig.model_validate(op[1]))
            if halted:
                operator = TradingState.HALTED
                assert board.status.state is TradingState.HALTED
        else:
            apply(board, clock, op)
        status = board.status
        demands = [SEVERITY[b.demand] for b in board.breakers()]
        assert SEVERITY[status.state] == max([SEVERITY[operator], *demands])
        assert board.drawdown >= Decimal(0)
