"""A breaker's state machine: closed → open → half-open → closed, and what each state demands.

Venue-health breakers follow the whole cycle on their own: a detector opens the circuit, the
cool-down moves it to half-open, enough good observations close it, one bad one re-opens it.
While open or half-open the breaker demands its configured trading state; trading resumes
only once it has closed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, Protocol, TypeVar

from lyrad.trading.risk.config import HealthBreakerConfig
from lyrad.trading.state import TradingState


class BreakerPhase(StrEnum):
    CLOSED = "closed"
    HALF_OPEN = "half_open"
    OPEN = "open"

    @property
    def metric_value(self) -> int:
        """`lyrad_breaker_state`: 0 closed, 1 half-open, 2 open."""
        return _PHASE_VALUES[self]


_PHASE_VALUES = {BreakerPhase.CLOSED: 0, BreakerPhase.HALF_OPEN: 1, BreakerPhase.OPEN: 2}


@dataclass(frozen=True, slots=True)
class BreakerStatus:
    name: str  # the metric label, e.g. "error_rate:binance" or "daily_loss"
    phase: BreakerPhase
    demand: TradingState  # ACTIVE when closed
    reason: str  # why it opened; empty when closed


@dataclass(frozen=True, slots=True)
class BreakerChange:
    old: BreakerStatus
    new: BreakerStatus

    @property
    def name(self) -> str:
        return self.new.name

    @property
    def is_trip(self) -> bool:
        """Closed to open: a new incident (a re-open from half-open is the same one)."""
        return self.old.phase is BreakerPhase.CLOSED and self.new.phase is BreakerPhase.OPEN


ChangeHandler = Callable[[BreakerChange], None]
S = TypeVar("S")
C = TypeVar("C", bound=HealthBreakerConfig)
S_contra = TypeVar("S_contra", contravariant=True)
C_contra = TypeVar("C_contra", bound=HealthBreakerConfig, contravariant=True)


class Detector(Protocol[S_contra, C_contra]):
    """Reads observations of one kind and says, under the current config, when they are bad."""

    def add(self, sample: S_contra, now: float, config: C_contra) -> str | None:
        """While closed: the reason to open, once the observations say so."""
        ...

    def judge(self, sample: S_contra, now: float, config: C_contra) -> str | None:
        """While half-open: why this observation is bad; None when it is good."""
        ...

    def reset(self) -> None:
        """Forget the past: on opening and on closing."""
        ...


class Circuit(Generic[S, C]):
    """One venue-health breaker; `config` may be replaced (a reload) without losing state."""

    def __init__(
        self, name: str, detector: Detector[S, C], config: C, on_change: ChangeHandler
    ) -> None:
        self.name = name
        self.detector = detector
        self.config = config
        self._on_change = on_change
        self._phase = BreakerPhase.CLOSED
        self._reason = ""
        self._opened_at = 0.0
        self._successes = 0

    @property
    def status(self) -> BreakerStatus:
        closed = self._phase is BreakerPhase.CLOSED
        demand = TradingState.ACTIVE if closed else self.config.demand
        return BreakerStatus(self.name, self._phase, demand, self._reason)

    def observe(self, sample: S, now: float) -> None:
        self.poll(now)
        if self._phase is BreakerPhase.CLOSED:
            reason = self.detector.add(sample, now, self.config)
            if reason is not None:
                self._open(now, reason)
        elif self._phase is BreakerPhase.HALF_OPEN:
            bad = self.detector.judge(sample, now, self.config)
            if bad is not None:
                self._open(now, f"{bad} (while half-open)")
                return
            self._successes += 1
            if self._successes >= self.config.successes_to_close:
                self._move(BreakerPhase.CLOSED, "")
                self.detector.reset()
        # While open, observations change nothing: only the cool-down does.

    def poll(self, now: float) -> None:
        """Open → half-open once the cool-down has passed."""
        cool_down = self.config.cool_down.total_seconds()
        if self._phase is BreakerPhase.OPEN and now - self._opened_at >= cool_down:
            self._successes = 0
            self._move(BreakerPhase.HALF_OPEN, self._reason)

    def _open(self, now: float, reason: str) -> None:
        self._opened_at = now
        self.detector.reset()
        self._move(BreakerPhase.OPEN, reason)

    def _move(self, phase: BreakerPhase, reason: str) -> None:
        old = self.status
        self._phase = phase
        self._reason = reason
        self._on_change(BreakerChange(old, self.status))
