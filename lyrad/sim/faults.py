"""Fault injection per route: added latency, error answers, dropped connections, lost responses.

Rules come from the scenario and can be replaced at run time (admin API). Each matching rule
fires with its `rate`, drawn from one seeded RNG in request order, so a run is reproducible
for a given seed and request sequence. The dialect executes the decision: latency before the
request is handled; `error` answers without handling; `drop` closes the connection without
handling; `lost_response` handles the request, then withholds the answer.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Literal

from lyrad.sim.scenarios import FaultRule

Action = Literal["pass", "error", "drop", "lost_response"]
_KINDS = ("latency", "error", "drop", "lost_response")


@dataclass(frozen=True, slots=True)
class FaultDecision:
    """What to do with one request."""

    latency_s: float = 0.0
    action: Action = "pass"
    status: int = 0
    code: int | None = None
    message: str | None = None


PASS = FaultDecision()


class FaultInjector:
    """Holds the active rules and decides, deterministically from the seed, each request's fate."""

    def __init__(self, rules: Sequence[FaultRule], seed: int) -> None:
        self._rules = tuple(rules)
        self._rng = random.Random(seed)

    @property
    def rules(self) -> tuple[FaultRule, ...]:
        return self._rules

    def replace(self, rules: Sequence[FaultRule]) -> None:
        self._rules = tuple(rules)

    def clear(self) -> None:
        self._rules = ()

    def decide(self, method: str, path: str, elapsed_s: float) -> FaultDecision:
        if not self._rules:
            return PASS
        route = f"{method} {path}"
        latency_ms = 0.0
        outcome: FaultRule | None = None
        for rule in self._rules:
            if not self._matches(rule, route, elapsed_s):
                continue
            if self._rng.random() >= rule.rate:
                continue
            if rule.kind == "latency":
                latency_ms += rule.latency_ms + self._rng.uniform(0, rule.jitter_ms)
            elif outcome is None:
                outcome = rule
        if outcome is None or outcome.kind == "latency":
            return FaultDecision(latency_s=latency_ms / 1000) if latency_ms else PASS
        return FaultDecision(
            latency_s=latency_ms / 1000,
            action=outcome.kind,
            status=outcome.status,
            code=outcome.code,
            message=outcome.message,
        )

    @staticmethod
    def _matches(rule: FaultRule, route: str, elapsed_s: float) -> bool:
        if rule.start_s is not None and elapsed_s < rule.start_s:
            return False
        if rule.end_s is not None and elapsed_s >= rule.end_s:
            return False
        return rule.route == "*" or fnmatchcase(route, rule.route)


class FaultRuleError(ValueError):
    """A fault rule in JSON that cannot be used; the message names the entry and field."""


_FIELD_TYPES: Mapping[str, tuple[type, ...]] = {
    "kind": (str,),
    "route": (str,),
    "rate": (int, float),
    "start_s": (int, float, type(None)),
    "end_s": (int, float, type(None)),
    "latency_ms": (int,),
    "jitter_ms": (int,),
    "status": (int,),
    "code": (int, type(None)),
    "message": (str, type(None)),
}


def rule_to_json(rule: FaultRule) -> dict[str, object]:
    return {name: getattr(rule, name) for name in _FIELD_TYPES}


def rules_from_json(payload: object) -> list[FaultRule]:
    """Validate a JSON list of fault rules (the admin API's PUT body)."""
    if not isinstance(payload, list):
        raise FaultRuleError("faults: expected a JSON list of rules")
    return [_rule_from_json(index, entry) for index, entry in enumerate(payload)]


def _rule_from_json(index: int, entry: object) -> FaultRule:
    where = f"faults[{index}]"
    if not isinstance(entry, dict):
        raise FaultRuleError(f"{where}: expected an object")
    unknown = sorted(set(entry) - set(_FIELD_TYPES))
    if unknown:
        raise FaultRuleError(f"{where}.{unknown[0]}: unknown field")
    for name, value in entry.items():
        if isinstance(value, bool) or not isinstance(value, _FIELD_TYPES[name]):
            raise FaultRuleError(f"{where}.{name}: wrong type")
    if entry.get("kind") not in _KINDS:
        raise FaultRuleError(f"{where}.kind: must be one of {', '.join(_KINDS)}")
    rule: FaultRule = FaultRule(**entry)
    _check_ranges(where, rule)
    return dataclasses.replace(rule, rate=float(rule.rate))


def _check_ranges(where: str, rule: FaultRule) -> None:
    if not 0.0 <= rule.rate <= 1.0:
        raise FaultRuleError(f"{where}.rate: must be between 0 and 1")
    if rule.latency_ms < 0 or rule.jitter_ms < 0:
        raise FaultRuleError(f"{where}.latency_ms: must be >= 0")
    if not 100 <= rule.status <= 599:
        raise FaultRuleError(f"{where}.status: must be an HTTP status")
