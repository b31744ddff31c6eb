"""Restart policy: exponential backoff with jitter inside a restart budget."""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RestartPolicy:
    initial_backoff_s: float
    max_backoff_s: float
    budget: int  # restarts allowed within `window_s`
    window_s: float


class RestartTracker:
    """Counts one component's failures; says how long to wait or that the budget is spent."""

    def __init__(
        self, policy: RestartPolicy, monotonic: Callable[[], float], rng: random.Random
    ) -> None:
        self._policy = policy
        self._monotonic = monotonic
        self._rng = rng
        self._failures: deque[float] = deque()
        self._consecutive = 0

    def record_failure(self) -> float | None:
        """Seconds to wait before the next start, or None when the budget is spent."""
        now = self._monotonic()
        self._failures.append(now)
        while self._failures and now - self._failures[0] > self._policy.window_s:
            self._failures.popleft()
        if len(self._failures) > self._policy.budget:
            return None
        base: float = min(
            self._policy.max_backoff_s,
            self._policy.initial_backoff_s * (2**self._consecutive),
        )
        self._consecutive += 1
        # "Equal jitter": at least half the backoff, so restarts never bunch up at zero.
        jitter: float = self._rng.uniform(0, base / 2)
        return base / 2 + jitter

    def record_healthy(self) -> None:
        """A component that became ready again starts its backoff from the beginning."""
        self._consecutive = 0
