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


# --- venue modes: misbehaviours of the venue itself, switched at run time -----------------


@dataclass(frozen=True, slots=True)
class RateLimitStorm:
    """Every `every`-th request matching `route` is answered 429 (at most `count`; 0: no cap).

    Deterministic, unlike a rate: a read retried after a refusal is served, so only the
    refusals themselves (and the client's backing off) show.
    """

    every: int = 3
    count: int = 0
    route: str = "GET /api/v3/*"
    retry_after_s: int = 1


@dataclass(frozen=True, slots=True)
class VenueModes:
    """What the admin API's PUT /modes switches on (the validation suite's fault modes)."""

    withdrawals_enabled: bool = False  # every API key reports withdrawal permission
    ip_restricted: bool = False  # every API key reports an IP allow-list
    clock_skew_ms: int = 0  # added to the scenario's clock skew
    stale_market_data_s: float = 0.0  # books freeze, tickers report data this many seconds old
    crossed_book: bool = False  # books and tickers are served with the best bid above the ask
    fill_far_orders: bool = False  # a new resting order is filled at once by a price spike
    maintenance: bool = False  # system status reports maintenance
    rate_limit_storm: RateLimitStorm | None = None


NO_MODES = VenueModes()

_MODE_TYPES: Mapping[str, tuple[type, ...]] = {
    "withdrawals_enabled": (bool,),
    "ip_restricted": (bool,),
    "clock_skew_ms": (int,),
    "stale_market_data_s": (int, float),
    "crossed_book": (bool,),
    "fill_far_orders": (bool,),
    "maintenance": (bool,),
    "rate_limit_storm": (dict, type(None)),
}
_STORM_TYPES: Mapping[str, tuple[type, ...]] = {
    "every": (int,),
    "count": (int,),
    "route": (str,),
    "retry_after_s": (int,),
}
MAX_CLOCK_SKEW_MS = 3_600_000


def modes_to_json(modes: VenueModes) -> dict[str, object]:
    storm = modes.rate_limit_storm
    body: dict[str, object] = {
        name: getattr(modes, name) for name in _MODE_TYPES if name != "rate_limit_storm"
    }
    body["rate_limit_storm"] = (
        None if storm is None else {name: getattr(storm, name) for name in _STORM_TYPES}
    )
    return body


def _typed(where: str, entry: Mapping[str, object], types: Mapping[str, tuple[type, ...]]) -> None:
    unknown = sorted(set(entry) - set(types))
    if unknown:
        raise FaultRuleError(f"{where}.{unknown[0]}: unknown field")
    for name, value in entry.items():
        wanted = types[name]
        if (isinstance(value, bool) and bool not in wanted) or not isinstance(value, wanted):
            raise FaultRuleError(f"{where}.{name}: wrong type")


def modes_from_json(payload: object) -> VenueModes:
    """Validate the admin API's PUT /modes body: fields left out keep their defaults."""
    if not isinstance(payload, dict):
        raise FaultRuleError("modes: expected a JSON object")
    _typed("modes", payload, _MODE_TYPES)
    storm_json = payload.get("rate_limit_storm")
    storm = None
    if isinstance(storm_json, dict):
        _typed("modes.rate_limit_storm", storm_json, _STORM_TYPES)
        storm = RateLimitStorm(**storm_json)
        if storm.every < 1 or storm.count < 0 or not 0 <= storm.retry_after_s <= 600:
            raise FaultRuleError("modes.rate_limit_storm: every >= 1, count >= 0, retry 0-600 s")
    fields = {k: v for k, v in payload.items() if k != "rate_limit_storm"}
    modes = VenueModes(**fields, rate_limit_storm=storm)
    if abs(modes.clock_skew_ms) > MAX_CLOCK_SKEW_MS:
        raise FaultRuleError("modes.clock_skew_ms: at most one hour either way")
    if not 0 <= modes.stale_market_data_s <= 86_400:
        raise FaultRuleError("modes.stale_market_data_s: between 0 and 86400")
    return dataclasses.replace(modes, stale_market_data_s=float(modes.stale_market_data_s))


class StormCounter:
    """Counts the requests a storm matches and decides which are refused."""

    def __init__(self, storm: RateLimitStorm | None) -> None:
        self.storm = storm
        self.matched = 0
        self.refused = 0

    def refuses(self, method: str, path: str) -> bool:
        storm = self.storm
        if storm is None or not fnmatchcase(f"{method} {path}", storm.route):
            return False
        if storm.count and self.refused >= storm.count:
            return False
        self.matched += 1
        if self.matched % storm.every:
            return False
        self.refused += 1
        return True
