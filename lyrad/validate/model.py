"""The suite's vocabulary: categories, result states, check specs, outcomes and results."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeAlias

Json: TypeAlias = "str | int | float | bool | Sequence[Json] | Mapping[str, Json] | None"


class Category(StrEnum):
    TEC = "TEC"
    SEC = "SEC"
    TRD = "TRD"
    PRD = "PRD"

    @property
    def label(self) -> str:
        return _CATEGORY_TITLES[self]


_CATEGORY_TITLES = {
    Category.TEC: "Technical compliance",
    Category.SEC: "Security compliance",
    Category.TRD: "Trading compliance",
    Category.PRD: "Production readiness",
}


class State(StrEnum):
    PASS = "PASS"  # noqa: S105 - a result state, not a password
    WARN = "WARN"
    FAIL = "FAIL"
    ERROR = "ERROR"  # a harness bug: scored as FAIL and flagged
    NOT_APPLICABLE = "N/A"  # excluded from every denominator
    NOT_RUN = "NOT RUN"  # excluded from the score, but reduces coverage

    @property
    def ran(self) -> bool:
        """Counted in the score's denominator."""
        return self in _RAN

    @property
    def credit(self) -> float:
        return _CREDIT.get(self, 0.0)


_RAN = frozenset({State.PASS, State.WARN, State.FAIL, State.ERROR})
_CREDIT = {State.PASS: 1.0, State.WARN: 0.5}


class Orders(StrEnum):
    """What a check may send to the venue."""

    NONE = "none"
    POST_ONLY = "PO"  # a far post-only order, cancelled
    PROBE = "PO*"  # a request expected to be rejected (a far post-only order if accepted)
    EXECUTES = "X"  # may execute: behind --allow-trades
    AFTER = "-"  # judges what the others did

    @property
    def places(self) -> bool:
        return self in (Orders.POST_ONLY, Orders.PROBE, Orders.EXECUTES)


class Credentials(StrEnum):
    NONE = "no"
    OPTIONAL = "opt"
    REQUIRED = "yes"


@dataclass(frozen=True, slots=True)
class CheckSpec:
    """One catalogue entry (VALIDATION.md §6.4): ids are stable, reports refer to them."""

    id: str
    title: str
    category: Category
    weight: float
    criterion: str
    remediation: str
    gate: bool = False
    credentials: Credentials = Credentials.NONE
    orders: Orders = Orders.NONE


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a check function concludes: a state, one line saying why, and what it measured."""

    state: State
    summary: str
    measured: Mapping[str, Json] = field(default_factory=dict)
    problems: tuple[str, ...] = ()


def passed(summary: str, **measured: Json) -> Outcome:
    return Outcome(State.PASS, summary, measured)


def warned(summary: str, *problems: str, **measured: Json) -> Outcome:
    return Outcome(State.WARN, summary, measured, problems)


def failed(summary: str, *problems: str, **measured: Json) -> Outcome:
    return Outcome(State.FAIL, summary, measured, problems)


def judged(problems: list[str], ok: str, **measured: Json) -> Outcome:
    """PASS with `ok` when there is no problem, else FAIL naming the first and listing all."""
    if not problems:
        return passed(ok, **measured)
    return failed(problems[0], *problems, **measured)


class CheckSkipped(Exception):
    """Raised inside a check: it cannot run here (the state says which kind of skip)."""

    state = State.NOT_RUN

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NotRun(CheckSkipped):
    """Flag off, no credentials, missing funds or a prerequisite that failed."""


class NotApplicable(CheckSkipped):
    """The venue lacks the capability."""

    state = State.NOT_APPLICABLE


class Postponed(Exception):
    """The venue is in maintenance: the whole run is POSTPONED, not scored."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class UnknownSymbol(Exception):
    """The venue has no such symbol: bad input, the run stops before anything else."""

    def __init__(self, symbol: str, known: list[str]) -> None:
        shown = ", ".join(known[:8]) + (" ..." if len(known) > 8 else "")
        super().__init__(f"the venue has no spot symbol {symbol} (it has {shown or 'none'})")


@dataclass(frozen=True, slots=True)
class CallRecord:
    """One adapter call made during a check, as the report shows it (already redacted)."""

    method: str
    target: str  # what was asked for: a symbol, a client order id...
    duration_ms: float
    outcome: str  # "ok", or lyrad's error class name
    ccxt_class: str | None = None  # the library exception behind a failure, if any
    reason: str | None = None  # the venue's words, redacted
    status: int | None = None  # HTTP status, when the adapter tells it
    provoked: bool = False  # the check asked for this error on purpose

    def as_json(self) -> dict[str, Json]:
        return {
            "method": self.method,
            "target": self.target,
            "duration_ms": round(self.duration_ms, 3),
            "outcome": self.outcome,
            "ccxt_class": self.ccxt_class,
            "reason": self.reason,
            "status": self.status,
            "provoked": self.provoked,
        }


@dataclass(frozen=True, slots=True)
class CheckResult:
    """A check as it ended, with its evidence; the report's per-check row."""

    spec: CheckSpec
    state: State
    summary: str
    duration_s: float = 0.0
    measured: Mapping[str, Json] = field(default_factory=dict)
    problems: tuple[str, ...] = ()
    calls: tuple[CallRecord, ...] = ()
    deviation: str | None = None  # the known-deviation entry that made it N/A

    @property
    def credit(self) -> float:
        return self.state.credit
