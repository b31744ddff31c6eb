from __future__ import annotations

import pytest

from lyrad.sim.faults import (
    PASS,
    FaultInjector,
    FaultRuleError,
    rule_to_json,
    rules_from_json,
)
from lyrad.sim.scenarios import FaultRule


def test_no_rules_passes() -> None:
    assert FaultInjector((), seed=1).decide("GET", "/api/v3/time", 0.0) is PASS


def test_route_patterns_match_method_and_path() -> None:
    injector = FaultInjector([FaultRule(kind="drop", route="POST /api/v3/order")], seed=1)
    assert injector.decide("POST", "/api/v3/order", 0.0).action == "drop"
    assert injector.decide("GET", "/api/v3/order", 0.0) is PASS
    wildcard = FaultInjector([FaultRule(kind="drop", route="* /api/v3/*")], seed=1)
    assert wildcard.decide("DELETE", "/api/v3/openOrders", 0.0).action == "drop"
    assert wildcard.decide("GET", "/sapi/v1/asset/tradeFee", 0.0) is PASS


def test_error_carries_status_code_and_message() -> None:
    rule = FaultRule(kind="error", status=500, code=-1001, message="Internal error")
    decision = FaultInjector([rule], seed=1).decide("GET", "/api/v3/time", 0.0)
    assert (decision.action, decision.status, decision.code, decision.message) == (
        "error",
        500,
        -1001,
        "Internal error",
    )


def test_latency_adds_up_and_jitter_stays_in_range() -> None:
    rules = [
        FaultRule(kind="latency", latency_ms=100),
        FaultRule(kind="latency", latency_ms=50, jitter_ms=20),
    ]
    injector = FaultInjector(rules, seed=7)
    for _ in range(50):
        decision = injector.decide("GET", "/api/v3/time", 0.0)
        assert decision.action == "pass"
        assert 0.150 <= decision.latency_s <= 0.170


def test_time_window_in_sim_seconds() -> None:
    injector = FaultInjector([FaultRule(kind="drop", start_s=10, end_s=20)], seed=1)
    assert injector.decide("GET", "/x", 9.99) is PASS
    assert injector.decide("GET", "/x", 10.0).action == "drop"
    assert injector.decide("GET", "/x", 20.0) is PASS


def test_rate_is_a_probability_and_deterministic_for_a_seed() -> None:
    rules = [FaultRule(kind="error", rate=0.3)]
    first = [FaultInjector(rules, seed=42).decide("GET", "/x", 0).action for _ in range(1)]
    runs = []
    for _ in range(2):
        injector = FaultInjector(rules, seed=42)
        runs.append([injector.decide("GET", "/x", 0.0).action for _ in range(2000)])
    assert runs[0] == runs[1]
    errors = runs[0].count("error")
    assert 500 < errors < 700  # 0.3 of 2000, far outside chance if the rate were ignored
    assert first[0] == runs[0][0]
    other = FaultInjector(rules, seed=43)
    assert [other.decide("GET", "/x", 0.0).action for _ in range(2000)] != runs[0]


def test_first_firing_non_latency_rule_decides() -> None:
    rules = [FaultRule(kind="lost_response", route="POST *"), FaultRule(kind="drop")]
    injector = FaultInjector(rules, seed=1)
    assert injector.decide("POST", "/api/v3/order", 0.0).action == "lost_response"
    assert injector.decide("GET", "/api/v3/order", 0.0).action == "drop"


def test_replace_and_clear() -> None:
    injector = FaultInjector([FaultRule(kind="drop")], seed=1)
    injector.replace([FaultRule(kind="error")])
    assert injector.decide("GET", "/x", 0.0).action == "error"
    injector.clear()
    assert injector.rules == ()


def test_json_round_trip() -> None:
    rule = FaultRule(kind="latency", route="GET /api/v3/*", rate=0.5, latency_ms=10, jitter_ms=5)
    assert rules_from_json([rule_to_json(rule)]) == [rule]
    assert rules_from_json([{"kind": "error", "rate": 1}]) == [FaultRule(kind="error", rate=1.0)]


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        ({"kind": "explode"}, "faults[0].kind"),
        ({"kind": "error", "rate": 2}, "faults[0].rate"),
        ({"kind": "error", "rate": True}, "faults[0].rate"),
        ({"kind": "error", "colour": "red"}, "faults[0].colour: unknown field"),
        ({"kind": "latency", "latency_ms": -1}, "faults[0].latency_ms"),
        ({"kind": "error", "status": 42}, "faults[0].status"),
        ("drop", "faults[0]: expected an object"),
    ],
)
def test_bad_json_rules_name_the_field(payload: object, fragment: str) -> None:
    with pytest.raises(FaultRuleError) as excinfo:
        rules_from_json([payload])
    assert fragment in str(excinfo.value)


def test_json_must_be_a_list() -> None:
    with pytest.raises(FaultRuleError):
        rules_from_json({"kind": "drop"})
