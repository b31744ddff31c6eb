"""Order path: intent -> acknowledged through lyrad, beside a raw ccxt `create_order`.

Subject: `OrderExecutor.submit` (gate, client id, journal `pending_submit` at synchronous=FULL,
`CcxtAdapter` with its limiter and exact parsing; the caller is answered at the venue's
acknowledgement, the outcome's journal write follows and its CPU is counted) against an
in-process `SimServer`. Baseline: a ccxt binance client's `create_order` against the same sim,
in the same run, alternating rounds, sending the same request (a client order id, GTC, the
FULL answer) so that the venue's own work is equal on both sides. Orders rest far below the
market.

Targets (issue 4): added p50 <= one fsync + 0.5 ms; added CPU <= 50 us per order beyond the
journal. The journal's own CPU per order is measured alone (insert + transition, no venue).
"""

from __future__ import annotations

import asyncio
import itertools
import os
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from decimal import Decimal
from pathlib import Path

import uvloop

from bench._stack import AMOUNT, PRICE, order_stack, resting_intent
from lyrad.domain.orders import Order, OrderState
from lyrad.domain.values import Market, OrderType, Side, TimeInForce
from lyrad.journal.journal import Journal
from lyrad.logging import configure_logging
from lyrad.runtime.heap import freeze_long_lived
from lyrad.security.redaction import Redactor
from lyrad.trading.executor import OrderExecutor
from lyrad.trading.gate import BasicGate
from lyrad.trading.ids import ClientOrderIds
from lyrad.trading.metrics import TradingMetrics
from lyrad.trading.state import TradingState, TradingStateHolder

ORDERS = 150
ROUNDS = 3


def fsync_p50_ms(directory: Path) -> float:
    samples = []
    with (directory / "fsync.probe").open("wb") as f:
        for _ in range(50):
            f.write(b"x" * 512)
            f.flush()
            start = time.perf_counter()
            os.fsync(f.fileno())
            samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


async def timed(n: int, one: Callable[[int], Awaitable[None]]) -> tuple[list[float], float]:
    """Latencies in ms and CPU seconds of the whole process for n sequential calls."""
    latencies = []
    cpu_start = time.process_time()
    for i in range(n):
        start = time.perf_counter()
        await one(i)
        latencies.append((time.perf_counter() - start) * 1000)
    return latencies, time.process_time() - cpu_start


async def journal_cpu_per_order(directory: Path, n: int) -> float:
    async with Journal.open(directory / "alone.sqlite3", synchronous="FULL") as journal:
        cpu_start = time.process_time()
        for i in range(n):
            order = Order(
                client_order_id=f"alone-{i}",
                intent_id=f"i{i}",
                venue="sim",
                symbol="BTC/USDT",
                side=Side.BUY,
                type=OrderType.LIMIT,
                amount=AMOUNT,
                price=PRICE,
                time_in_force=TimeInForce.GTC,
                state=OrderState.PENDING_SUBMIT,
                created_ms=0,
                updated_ms=0,
            )
            await journal.insert_order(order)
            await journal.transition_order(
                order.client_order_id, OrderState.OPEN, venue_order_id=str(i)
            )
        return (time.process_time() - cpu_start) / n


async def run(directory: Path) -> None:
    async with order_stack(directory) as stack:
        trading = TradingStateHolder()
        adapter = stack.adapter

        def market_of(venue: str, symbol: str) -> Market | None:
            return adapter.market(symbol)

        executor = OrderExecutor(
            journal=stack.journal,
            venues=("sim",),
            adapters={"sim": adapter},
            gate=BasicGate(trading, market_of, lambda v, s: Decimal(0)),
            ids=ClientOrderIds("bench", stack.journal),
            halt=lambda reason: trading.set(TradingState.HALTED, reason),
            metrics=TradingMetrics(stack.registry),
            clock_ms=stack.clock.time_ms,
            send_timeout_s=15,
            on_ambiguous=lambda venue: None,
        )
        raw = stack.raw
        boot = os.getpid()
        rounds = itertools.count()
        async with asyncio.TaskGroup() as tg:
            executor.bind(tg)
            await executor.load()
            freeze_long_lived()  # as the daemon does once ready; both sides share the process

            async def lyrad_one(i: int) -> None:
                result = await executor.submit(resting_intent(executor.new_intent_id("bench")))
                assert result.accepted, result

            async def raw_one(i: int) -> None:
                # The same request as lyrad sends: its own client order id, GTC.
                params = {"clientOrderId": f"raw-{boot}-{i}-{next(rounds)}", "timeInForce": "GTC"}
                await raw.create_order("BTC/USDT", "limit", "buy", str(AMOUNT), str(PRICE), params)

            best: dict[str, tuple[list[float], float]] = {}
            for _ in range(ROUNDS):
                for name, one in (("raw", raw_one), ("lyrad", lyrad_one)):
                    lat, cpu = await timed(ORDERS, one)
                    if name not in best or statistics.median(lat) < statistics.median(
                        best[name][0]
                    ):
                        best[name] = (lat, cpu)

    fsync = fsync_p50_ms(directory)
    journal_cpu = await journal_cpu_per_order(directory, ORDERS)
    raw_lat, raw_cpu = best["raw"]
    ours_lat, ours_cpu = best["lyrad"]
    p50_raw, p50_ours = statistics.median(raw_lat), statistics.median(ours_lat)
    added_p50 = p50_ours - p50_raw
    added_cpu_us = ((ours_cpu - raw_cpu) / ORDERS - journal_cpu) * 1e6
    print(f"raw ccxt create_order     p50 {p50_raw:7.3f} ms  p99 {quantile(raw_lat, 0.99):7.3f} ms")
    print(
        f"lyrad intent -> ack       p50 {p50_ours:7.3f} ms  p99 {quantile(ours_lat, 0.99):7.3f} ms"
    )
    print(
        f"added p50                 {added_p50:7.3f} ms  (target <= fsync {fsync:.3f} ms + 0.5 ms"
        f" = {fsync + 0.5:.3f} ms; ratio {added_p50 / (fsync + 0.5):.2f})"
    )
    print(f"journal CPU per order     {journal_cpu * 1e6:7.1f} us (insert + transition, FULL)")
    print(
        f"added CPU beyond journal  {added_cpu_us:7.1f} us per order (target <= 50 us;"
        f" ratio {added_cpu_us / 50:.2f})"
    )


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    # Logging as under systemd (JSON lines at info), into the void.
    with open(os.devnull, "w") as sink:
        configure_logging(level="info", fmt="json", redactor=Redactor(), stream=sink)
        with tempfile.TemporaryDirectory(prefix="lyrad-bench-") as tmp:
            uvloop.run(run(Path(tmp)))


if __name__ == "__main__":
    main()
