"""A seeded price path on a fixed grid, generated lazily a chunk at a time.

The noise is a log-price walk x (drift, volatility, optional mean reversion, Poisson jumps; the
parameters come from the current Markov regime). Chunk k starts from a small stored state (x and
the regime at its first step) and draws from its own sub-seed, so any chunk can be rebuilt after
eviction and the result never depends on the order of the queries. Prices are

    start_price × exp(x − x_origin + shocks(t))      rounded to integer ticks, at least one tick

so the path is exactly at `start_price` at the scenario start and the scripted shocks land with
their full size whatever the noise did.
"""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass
from decimal import Decimal
from random import Random

from lyrad.sim.marketdata.path_spec import PathSpec, Shock
from lyrad.sim.marketdata.support import LruCache, derive_seed

_HOUR_MS = 3_600_000
_CHUNK_MS = 600_000
_MAX_LOG_MOVE = 40.0  # keeps exp() finite; far beyond any plausible scenario


@dataclass(frozen=True, slots=True)
class _ChunkStart:
    x: float
    regime: int


@dataclass(frozen=True, slots=True)
class _RegimeStep:
    drift: float  # per step
    scale: float  # volatility per step
    leave_probability: float
    targets: tuple[int, ...]
    weights: tuple[float, ...]


class PricePath:
    """Integer tick prices of one symbol for every grid step from the history start onwards."""

    def __init__(
        self,
        spec: PathSpec,
        *,
        seed: int,
        symbol: str,
        tick_size: Decimal,
        origin_step: int,
        history_ms: int,
        cache_chunks: int = 64,
    ) -> None:
        if spec.step_ms <= 0 or 1000 % spec.step_ms != 0:
            raise ValueError(f"{symbol}: step_ms must divide 1000, got {spec.step_ms}")
        self.step_ms = spec.step_ms
        self.chunk_steps = max(1, _CHUNK_MS // spec.step_ms)
        history_chunks = -(-max(0, history_ms) // (self.chunk_steps * spec.step_ms))
        self.origin_index = history_chunks * self.chunk_steps
        self.first_step = origin_step - self.origin_index  # absolute grid index of index 0
        self._spec = spec
        self._seed = seed
        self._symbol = symbol
        self._start_ticks = float(spec.start_price / tick_size)
        self._step_hours = spec.step_ms / _HOUR_MS
        self._regimes = _regime_steps(spec, self._step_hours)
        self._jump_mean_count = spec.jump_intensity * self._step_hours
        self._starts: list[_ChunkStart] = [_ChunkStart(0.0, _initial_regime(spec))]
        self._x_origin: float | None = None
        self._chunks: LruCache[int, array[int]] = LruCache(cache_chunks, self._build_chunk)

    def ticks(self, index: int) -> int:
        """Price in ticks at grid index `index` (0 = history start); clamped to index 0 before."""
        index = max(index, 0)
        chunk = self._chunks.get(index // self.chunk_steps)
        return chunk[index % self.chunk_steps]

    def chunk(self, k: int) -> array[int]:
        """Tick prices of the `chunk_steps` grid indices of chunk `k` (read-only by contract)."""
        return self._chunks.get(k)

    def _build_chunk(self, k: int) -> array[int]:
        x_origin = self._origin_level()
        xs, end = self._walk(k, self._chunk_start(k))
        if len(self._starts) == k + 1:
            self._starts.append(end)
        seconds_per_step = self.step_ms / 1000.0
        first_s = (k * self.chunk_steps - self.origin_index) * seconds_per_step
        shocks = shock_log_factors(self._spec.shocks, first_s, seconds_per_step, len(xs))
        logs = [x - x_origin for x in xs]
        if shocks is not None:
            logs = [log + shock for log, shock in zip(logs, shocks, strict=True)]
        start, exp, bound = self._start_ticks, math.exp, _MAX_LOG_MOVE
        return array("q", [max(1, round(start * exp(min(max(v, -bound), bound)))) for v in logs])

    def _origin_level(self) -> float:
        if self._x_origin is None:
            self._x_origin = self._chunk_start(self.origin_index // self.chunk_steps).x
        return self._x_origin

    def _chunk_start(self, k: int) -> _ChunkStart:
        while len(self._starts) <= k:
            last = len(self._starts) - 1
            _, end = self._walk(last, self._starts[last])
            self._starts.append(end)
        return self._starts[k]

    def _walk(self, k: int, start: _ChunkStart) -> tuple[list[float], _ChunkStart]:
        rng = Random(derive_seed(self._seed, self._symbol, "path", k))
        gauss, uniform = rng.gauss, rng.random
        keep = 1.0 - self._spec.mean_reversion * self._step_hours
        # Knuth's Poisson draw needs one uniform per step when nothing jumps, nearly always.
        no_jump = math.exp(-self._jump_mean_count) if self._jump_mean_count > 0.0 else None
        x, regime = start.x, start.regime
        step = self._regimes[regime]
        xs = [0.0] * self.chunk_steps
        for i in range(self.chunk_steps):
            xs[i] = x
            x = keep * x + step.drift + step.scale * gauss(0.0, 1.0)
            if no_jump is not None:
                first_uniform = uniform()
                if first_uniform > no_jump:
                    x += self._jumps(rng, first_uniform, no_jump)
            if step.leave_probability > 0.0 and uniform() < step.leave_probability:
                regime = rng.choices(step.targets, weights=step.weights)[0]
                step = self._regimes[regime]
        return xs, _ChunkStart(x, regime)

    def _jumps(self, rng: Random, first_uniform: float, no_jump: float) -> float:
        # The first uniform already exceeded e^-mean: at least one jump; Knuth goes on from it.
        total = rng.gauss(self._spec.jump_mean, self._spec.jump_std)
        product = first_uniform * rng.random()
        while product > no_jump:
            total += rng.gauss(self._spec.jump_mean, self._spec.jump_std)
            product *= rng.random()
        return total


def shock_log_factors(
    shocks: tuple[Shock, ...], first_s: float, step_s: float, count: int
) -> list[float] | None:
    """The shocks' summed log-multipliers at first_s, first_s + step_s, ... (None: all zero)."""
    total: list[float] | None = None
    last_s = first_s + step_s * (count - 1)
    for shock in shocks:
        if last_s < shock.at_s:
            continue
        settled_s = shock.at_s + shock.duration_s + (shock.recovery_s if shock.recovery else 0.0)
        if first_s > settled_s:
            series = [_one_shock(shock, first_s)] * count
        else:
            series = [_one_shock(shock, first_s + i * step_s) for i in range(count)]
        total = series if total is None else [a + b for a, b in zip(total, series, strict=True)]
    return total


def shock_log_factor(shocks: tuple[Shock, ...], elapsed_s: float) -> float:
    """Sum of the scripted shocks' log-multipliers at `elapsed_s` seconds after the start."""
    return sum(_one_shock(shock, elapsed_s) for shock in shocks)


def _one_shock(shock: Shock, elapsed_s: float) -> float:
    if elapsed_s < shock.at_s:
        return 0.0
    target = math.log1p(shock.move_pct / 100.0)
    progress = _progress(elapsed_s - shock.at_s, shock.duration_s)
    if progress < 1.0:
        return target * _ease(shock, progress)
    if shock.recovery == 0.0:
        return target
    final = math.log1p(shock.move_pct / 100.0 * (1.0 - shock.recovery))
    back = _progress(elapsed_s - shock.at_s - shock.duration_s, shock.recovery_s)
    return target + (final - target) * _ease(shock, back)


def _progress(elapsed_s: float, duration_s: float) -> float:
    if duration_s <= 0.0:
        return 1.0
    return min(1.0, elapsed_s / duration_s)


def _ease(shock: Shock, progress: float) -> float:
    if shock.shape == "linear":
        return progress
    return (1.0 - math.cos(math.pi * progress)) / 2.0


def _initial_regime(spec: PathSpec) -> int:
    names = [regime.name for regime in spec.regimes]
    if spec.initial_regime is None or not names:
        return 0
    return names.index(spec.initial_regime)


def _regime_steps(spec: PathSpec, step_hours: float) -> tuple[_RegimeStep, ...]:
    root = math.sqrt(step_hours)
    if not spec.regimes:
        return (_RegimeStep(spec.drift * step_hours, spec.volatility * root, 0.0, (0,), (1.0,)),)
    index = {regime.name: i for i, regime in enumerate(spec.regimes)}
    steps = []
    for i, regime in enumerate(spec.regimes):
        if regime.transitions:
            targets = tuple(index[name] for name, _ in regime.transitions)
            weights = tuple(weight for _, weight in regime.transitions)
        else:
            targets = tuple(j for j in range(len(spec.regimes)) if j != i) or (i,)
            weights = tuple(1.0 for _ in targets)
        leave = 1.0 - math.exp(-step_hours * 3600.0 / regime.mean_duration_s)
        steps.append(
            _RegimeStep(
                regime.drift * step_hours, regime.volatility * root, leave, targets, weights
            )
        )
    return tuple(steps)
