"""Monte Carlo of bootstrapped return paths: drawdown distribution and loss-limit breach odds."""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import accumulate, chain
from operator import sub


class LimitKind(StrEnum):
    DRAWDOWN = "drawdown"  # equity falls this far below its running peak
    LOSS_FROM_START = "loss_from_start"  # equity falls this far below where the path started
    PERIOD_LOSS = "period_loss"  # one period loses this much (the daily loss for daily samples)


@dataclass(frozen=True, slots=True)
class LossLimit:
    """A loss limit as a positive fraction of equity in (0, 1]."""

    name: str
    kind: LimitKind
    threshold: float

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError(
                f"threshold of limit {self.name!r} must be in (0, 1], got {self.threshold}"
            )


@dataclass(frozen=True, slots=True)
class LimitBreach:
    limit: LossLimit
    probability: float  # share of simulated paths that reached the limit within the horizon


@dataclass(frozen=True, slots=True)
class MonteCarloResult:
    """Per-path outcomes, each tuple sorted ascending: one maximum drawdown and one final return."""

    paths: int
    horizon: int
    block_length: int
    seed: int
    max_drawdowns: tuple[float, ...]
    final_returns: tuple[float, ...]
    breaches: tuple[LimitBreach, ...]

    def drawdown_quantile(self, q: float) -> float:
        """The q-quantile of the maximum drawdown across paths (linear interpolation)."""
        return quantile(self.max_drawdowns, q)

    def final_return_quantile(self, q: float) -> float:
        """The q-quantile of the return over the whole horizon across paths."""
        return quantile(self.final_returns, q)

    def probability_of_drawdown(self, depth: float) -> float:
        """Share of paths whose maximum drawdown reached `depth`."""
        reached = len(self.max_drawdowns) - bisect.bisect_left(self.max_drawdowns, depth)
        return reached / len(self.max_drawdowns)

    def breach_probability(self, name: str) -> float:
        for breach in self.breaches:
            if breach.limit.name == name:
                return breach.probability
        raise KeyError(name)


def simulate_drawdowns(
    returns: Sequence[float],
    *,
    limits: Sequence[LossLimit] = (),
    paths: int = 10_000,
    horizon: int | None = None,
    block_length: int = 1,
    seed: int = 0,
) -> MonteCarloResult:
    """Resample `returns` with replacement into `paths` paths of `horizon` periods (default: as
    many as observed) and measure each path from a peak at its start.

    `block_length > 1` draws circular blocks of consecutive returns (moving-block bootstrap), which
    keeps volatility clustering that i.i.d. draws erase. A return at or below -100% wipes the path
    out. Deterministic for a given seed.
    """
    steps = _log_steps(returns)
    horizon = len(steps) if horizon is None else horizon
    _check_sizes(paths=paths, horizon=horizon, block_length=block_length)
    draw = _sampler(steps, horizon, block_length, random.Random(seed))
    worst_drawdown: list[float] = []  # all in log-equity units until the end
    lowest: list[float] = []
    worst_step: list[float] = []
    final: list[float] = []
    for _ in range(paths):
        path = draw()
        log_equity = list(accumulate(path, initial=0.0))
        worst_drawdown.append(max(map(sub, accumulate(log_equity, max), log_equity)))
        lowest.append(min(log_equity))
        worst_step.append(min(path))
        final.append(log_equity[-1])
    depth_by_kind = {
        LimitKind.DRAWDOWN: worst_drawdown,
        LimitKind.LOSS_FROM_START: [-low for low in lowest],
        LimitKind.PERIOD_LOSS: [-step for step in worst_step],
    }
    breaches = tuple(
        LimitBreach(limit, _share_reaching(depth_by_kind[limit.kind], limit.threshold))
        for limit in limits
    )
    return MonteCarloResult(
        paths=paths,
        horizon=horizon,
        block_length=block_length,
        seed=seed,
        max_drawdowns=tuple(sorted(-math.expm1(-depth) for depth in worst_drawdown)),
        final_returns=tuple(sorted(math.expm1(log) for log in final)),
        breaches=breaches,
    )


def quantile(ordered: Sequence[float], q: float) -> float:
    """The q-quantile of an ascending non-empty sequence, interpolating between neighbours."""
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"q must be in [0, 1], got {q}")
    position = q * (len(ordered) - 1)
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def _log_steps(returns: Sequence[float]) -> list[float]:
    if not returns:
        raise ValueError("returns must not be empty: there is nothing to resample")
    if not all(math.isfinite(r) for r in returns):
        raise ValueError("returns must be finite")
    # Log space turns a path into a running sum, which itertools computes in C.
    return [math.log1p(r) if r > -1.0 else -math.inf for r in returns]


def _check_sizes(**sizes: int) -> None:
    for name, size in sizes.items():
        if size < 1:
            raise ValueError(f"{name} must be at least 1, got {size}")


def _sampler(
    steps: list[float], horizon: int, block_length: int, rng: random.Random
) -> Callable[[], list[float]]:
    if block_length == 1:
        return lambda: rng.choices(steps, k=horizon)
    # Enough wrapped copies that a block starting at the last return still has block_length.
    circular = steps * (1 + math.ceil((block_length - 1) / len(steps)))
    starts = range(len(steps))
    blocks = math.ceil(horizon / block_length)

    def draw() -> list[float]:
        picked = rng.choices(starts, k=blocks)
        path = chain.from_iterable(circular[s : s + block_length] for s in picked)
        return list(path)[:horizon]

    return draw


def _share_reaching(log_depths: Sequence[float], threshold: float) -> float:
    # A loss of `threshold` of equity is a log-equity fall of -log(1 - threshold); 100% is -inf.
    log_threshold = -math.log1p(-threshold) if threshold < 1.0 else math.inf
    return sum(1 for depth in log_depths if depth >= log_threshold) / len(log_depths)
