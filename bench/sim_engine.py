"""Matching engine throughput: a seeded mix of resting places, crossing orders and cancels.

Two accounts trade BTCUSDT and ETHUSDT against each other and the house liquidity: 50% limit
orders that rest (some inside the spread), 30% orders that cross (market by quantity, market
by quote amount, limit IOC), 20% cancels of a random resting order. The reference price walks
every 500 operations, which moves the house quotes (not counted as operations, but timed).
The target is 100,000 engine operations per second in process. The engine runs compiled by
mypyc when `make` could build it (lyrad/sim/engine/native.py); the interpreted engine is then
measured beside it, in a second process, on the same plan.
"""

from __future__ import annotations

import gc
import os
import random
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from lyrad.sim.engine import (
    COMPILED,
    AccountSpec,
    Engine,
    EngineRejection,
    LiquidityProfile,
    OrderRequest,
    OrderType,
    Side,
    SymbolSpec,
    TimeInForce,
)
from lyrad.sim.engine.native import INTERPRETED_ENV

TARGET_OPS_PER_S = 100_000
N_OPS = 200_000
# Best of several rounds, as timeit does: the host's noise only ever adds time, and on this
# shared machine a round's speed varies by +-30% from one minute to the next.
ROUNDS = 5
ROUNDS_BUDGET_S = 40.0
REFERENCE_EVERY = 500
SEED = 20240601
D = Decimal


def _spec(symbol: str, base: str, step: str, market_max: str) -> SymbolSpec:
    return SymbolSpec(
        symbol=symbol,
        base=base,
        quote="USDT",
        tick_size=D("0.01"),
        min_price=D("0.01"),
        max_price=D("1000000"),
        step_size=D(step),
        min_qty=D(step),
        max_qty=D("9000"),
        market_step_size=D("0"),
        market_min_qty=D("0"),
        market_max_qty=D(market_max),
        min_notional=D("5"),
        max_notional=D("9000000"),
    )


SYMBOLS = (_spec("BTCUSDT", "BTC", "0.00001", "128"), _spec("ETHUSDT", "ETH", "0.0001", "5000"))
START = {"BTCUSDT": D("60000"), "ETHUSDT": D("3000")}
ACCOUNTS = tuple(
    AccountSpec(
        name, f"key-{name}", f"secret-{name}", {"USDT": D("1e12"), "BTC": D("1e7"), "ETH": D("1e8")}
    )
    for name in ("alice", "bob")
)
PROFILE = LiquidityProfile(D("2"), 20, D("1"), D("50000"))


@dataclass(frozen=True, slots=True)
class Step:
    """One planned operation: a request to place, or a cancel (request None) by `account`."""

    account: str
    request: OrderRequest | None
    rests: bool
    pick: float


def _qty(rng: random.Random, spec: SymbolSpec, lo: int, hi: int) -> Decimal:
    return spec.step_size * rng.randint(lo, hi)


def _price(ref: Decimal, bps: float, tick: Decimal) -> Decimal:
    return (ref * (1 + D(round(bps * 100)) / 1_000_000) // tick) * tick


def _resting(rng: random.Random, who: str, spec: SymbolSpec, i: int) -> OrderRequest:
    side = rng.choice((Side.BUY, Side.SELL))
    away = rng.uniform(0.5, 30.0)  # bps from the start price; the closest sit inside the spread
    price = _price(START[spec.symbol], -away if side is Side.BUY else away, spec.tick_size)
    qty = _qty(rng, spec, 100, 5000) if spec.base == "BTC" else _qty(rng, spec, 200, 5000)
    cid = f"b{i}" if i % 2 else None
    return OrderRequest(
        who, spec.symbol, side, OrderType.LIMIT, TimeInForce.GTC, qty, None, price, cid
    )


def _crossing(rng: random.Random, who: str, spec: SymbolSpec) -> OrderRequest:
    side = rng.choice((Side.BUY, Side.SELL))
    qty = _qty(rng, spec, 100, 5000) if spec.base == "BTC" else _qty(rng, spec, 200, 5000)
    roll = rng.random()
    if roll < 0.5:
        return OrderRequest(who, spec.symbol, side, OrderType.MARKET, quantity=qty)
    if roll < 0.7:
        quote = D(rng.randint(10, 2000))
        return OrderRequest(who, spec.symbol, side, OrderType.MARKET, quote_quantity=quote)
    bps = 10.0 if side is Side.BUY else -10.0
    price = _price(START[spec.symbol], bps, spec.tick_size)
    return OrderRequest(who, spec.symbol, side, OrderType.LIMIT, TimeInForce.IOC, qty, None, price)


def plan(n: int, seed: int) -> list[Step]:
    """The seeded operation mix, built before timing starts."""
    rng = random.Random(seed)
    steps = []
    for i in range(n):
        who = rng.choice(("alice", "bob"))
        spec = SYMBOLS[0] if rng.random() < 0.7 else SYMBOLS[1]
        roll = rng.random()
        if roll < 0.5:
            steps.append(Step(who, _resting(rng, who, spec, i), True, 0.0))
        elif roll < 0.8:
            steps.append(Step(who, _crossing(rng, who, spec), False, 0.0))
        else:
            steps.append(Step(who, None, False, rng.random()))
    return steps


def reference_walk(n: int, seed: int) -> list[tuple[str, Decimal]]:
    """(symbol, price) moves of a few basis points, one per REFERENCE_EVERY operations."""
    rng = random.Random(seed + 1)
    prices = dict(START)
    moves = []
    for i in range(n // REFERENCE_EVERY + 1):
        symbol = SYMBOLS[i % 2].symbol
        prices[symbol] = _price(prices[symbol], rng.uniform(-3.0, 3.0), D("0.01"))
        moves.append((symbol, prices[symbol]))
    return moves


def run(engine: Engine, steps: list[Step], moves: list[tuple[str, Decimal]]) -> tuple[int, int]:
    """Drive the engine through `steps`; returns (taker fills, rejected operations)."""
    fills = rejected = 0
    # Orders placed to rest, per account, as order_id * 2 + the symbol's index: an int each
    # rather than a (symbol, id) tuple, so the harness adds no object for the garbage collector
    # to count (a tuple per order was about half of what triggered its collections).
    resting: dict[str, list[int]] = {"alice": [], "bob": []}
    symbol_index = {spec.symbol: i for i, spec in enumerate(SYMBOLS)}
    names = tuple(spec.symbol for spec in SYMBOLS)
    place, cancel, move = engine.place_order, engine.cancel_order, engine.set_reference_price
    for now, step in enumerate(steps):
        if not now % REFERENCE_EVERY:
            move(*moves[now // REFERENCE_EVERY], now)
        request = step.request
        try:
            if request is not None:
                snap = place(request, now)
                fills += len(snap.fills)
                if step.rests:
                    resting[step.account].append(snap.order_id * 2 + symbol_index[snap.symbol])
                continue
            mine = resting[step.account]
            if mine:  # cancel a random order placed to rest (it may have filled meanwhile)
                i = int(step.pick * len(mine))
                mine[i], mine[-1] = mine[-1], mine[i]
                order_id, symbol = divmod(mine.pop(), 2)
                cancel(step.account, names[symbol], order_id=order_id, now_ms=now)
        except EngineRejection:
            rejected += 1
    return fills, rejected


def measure(*, verbose: bool) -> list[float]:
    """Operations per second (wall clock) of each timed round over the seeded plan."""
    steps = plan(N_OPS, SEED)
    moves = reference_walk(N_OPS, SEED)
    if verbose:
        mix = Counter(
            "rest" if s.rests else "cancel" if s.request is None else "cross" for s in steps
        )
        print(
            f"  mix: {N_OPS} operations: {mix['rest']} resting limit orders, "
            f"{mix['cross']} crossing orders, {mix['cancel']} cancels; the reference moves "
            f"every {REFERENCE_EVERY}"
        )
    # The plan's 360,000 request objects are the harness's, not the engine's: frozen out of the
    # collector so that its full collections scan what the engine allocates, as in a process
    # that builds each request when it sends it.
    gc.collect()
    gc.freeze()
    rates: list[float] = []
    started = time.perf_counter()
    engine: Engine | None = None
    for round_no in range(1, ROUNDS + 1):
        if rates and time.perf_counter() - started > ROUNDS_BUDGET_S:
            break  # a loaded machine: fewer rounds rather than over a minute
        # The previous round's engine is cyclic garbage once unbound: collected here, not by
        # this round's first full collection (which then took 3-4x as long).
        engine = None
        gc.collect()
        engine = Engine(SYMBOLS, ACCOUNTS, PROFILE, SEED)
        wall, cpu = time.perf_counter(), time.process_time()
        fills, rejected = run(engine, steps, moves)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        rates.append(N_OPS / wall)
        if verbose:
            print(
                f"  round {round_no}: {wall:.2f} s wall, {N_OPS / wall:,.0f} ops/s "
                f"({N_OPS / cpu:,.0f} ops/s of CPU time); {fills} fills, "
                f"{rejected} cancels of orders already filled"
            )
    return rates


def _interpreted_best() -> float:
    """The interpreted engine's best round on the same plan, in a process of its own."""
    code = "from bench.sim_engine import measure; print(max(measure(verbose=False)))"
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, INTERPRETED_ENV: "1"},
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout.split()[-1])


def main() -> None:
    print(f"  engine build: {'compiled (mypyc)' if COMPILED else 'interpreted'}")
    best = max(measure(verbose=True))
    print(f"  engine:   {best:12,.0f} ops/s (best round, wall clock)")
    if COMPILED:
        interpreted = _interpreted_best()
        print(f"  interpreted engine, same plan: {interpreted:,.0f} ops/s (best round)")
        print(f"  compiled / interpreted: {best / interpreted:.2f}x")
    print(f"  target:   {TARGET_OPS_PER_S:12,.0f} ops/s")
    print(f"  ratio:    {best / TARGET_OPS_PER_S:12.2f}x target")


if __name__ == "__main__":
    main()
