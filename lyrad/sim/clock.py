"""Sim-time clocks: accelerated real time for the venue, manual time for tests and benchmarks."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Protocol


class SimClock(Protocol):
    """The venue's notion of now, in integer milliseconds since the epoch (sim time)."""

    def now_ms(self) -> int: ...


class AcceleratedClock:
    """Sim time that runs at `speed` × real time from `start_ms`, driven by a monotonic source."""

    def __init__(
        self,
        start_ms: int,
        speed: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        _check_speed(speed)
        self._monotonic = monotonic
        self._base_ms = start_ms
        self._base_real = monotonic()
        self._speed = speed
        self._last_ms = start_ms

    @property
    def speed(self) -> float:
        """Sim seconds per real second."""
        return self._speed

    @speed.setter
    def speed(self, value: float) -> None:
        # Rebase first so that a change of speed never makes sim time jump.
        _check_speed(value)
        self._base_ms = self.now_ms()
        self._base_real = self._monotonic()
        self._speed = value

    def now_ms(self) -> int:
        """Current sim time; never goes backwards."""
        elapsed = self._monotonic() - self._base_real
        now = self._base_ms + int(elapsed * 1000.0 * self._speed)
        # Float rounding around a rebase could step back a millisecond; time must not.
        self._last_ms = max(self._last_ms, now)
        return self._last_ms


class ManualClock:
    """Sim time that only moves when told to."""

    def __init__(self, start_ms: int) -> None:
        self._now_ms = start_ms

    def now_ms(self) -> int:
        """Current sim time."""
        return self._now_ms

    def advance(self, ms: int) -> None:
        """Move time forward by `ms` (>= 0) milliseconds."""
        if ms < 0:
            raise ValueError(f"cannot move a clock backwards (advance by {ms} ms)")
        self._now_ms += ms


def _check_speed(speed: float) -> None:
    if not (speed > 0.0 and math.isfinite(speed)):
        raise ValueError(f"clock speed must be finite and > 0, got {speed}")
