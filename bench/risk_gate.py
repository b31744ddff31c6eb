"""The full pre-trade check per intent, as a share of intent -> ack against the sim.

Subject: `RiskGate.check` with every limit configured (price band, notional and quantity
maxima, rates, open orders, position, exposure, concentration, leverage, balance) over the
running portfolio view. Baseline, measured in the same run: the executor's intent -> ack
p50 through the same gate against an in-process sim. Target: the check costs at most 2%.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import uvloop
from prometheus_client import CollectorRegistry

from bench._stack import order_stack, resting_intent
from lyrad.domain.values import Market
from lyrad.logging import configure_logging
from lyrad.security.redaction import Redactor
from lyrad.trading.executor import OrderExecutor
from lyrad.trading.ids import ClientOrderIds
from lyrad.trading.metrics import TradingMetrics
from lyrad.trading.portfolio import Portfolio
from lyrad.trading.risk.config import QuoteLimits, RiskConfig, RiskLimits, SymbolLimits
from lyrad.trading.risk.gate import RiskGate
from lyrad.trading.risk.runtime import RiskRuntime
from lyrad.trading.risk.view import PortfolioRiskView
from lyrad.trading.state import TradingStateHolder

CHECKS = 20_000
ORDERS = 150
TARGET_SHARE = 0.02
D = Decimal
LIMITS = RiskLimits(
    price_band_pct=D(90),
    max_orders_per_second=10**6,
    max_daily_trades=10**8,
    max_open_orders_per_symbol=10**6,
    max_concentration_pct=D(100),
    max_leverage=D(100),
    quotes={
        "USDT": QuoteLimits(
            min_order_notional=D(5),
            max_order_notional=D(10**6),
            max_gross_exposure=D(10**9),
            max_net_exposure=D(10**9),
        )
    },
    symbols={
        "BTC/USDT": SymbolLimits(
            max_order_quantity=D(100),
            max_position_quantity=D(1000),
            max_position_notional=D(10**9),
        )
    },
)


async def run(directory: Path) -> None:
    async with order_stack(directory) as stack:
        adapter = stack.adapter
        trading = TradingStateHolder()
        risk = RiskRuntime.build(
            RiskConfig(limits=LIMITS),
            clock=stack.clock,
            trading=trading,
            registry=CollectorRegistry(),
            store=stack.journal,
        )
        portfolio = Portfolio(stack.journal, ("sim",), TradingMetrics(CollectorRegistry()))
        ticker = await adapter.fetch_ticker("BTC/USDT")
        assert ticker.bid is not None
        assert ticker.ask is not None
        portfolio.mark("sim", "BTC/USDT", (ticker.bid + ticker.ask) / 2, stack.clock.time_ms())
        for asset in ("BTC", "ETH"):
            other = await adapter.fetch_ticker(f"{asset}/USDT")
            assert other.last is not None
            portfolio.mark("sim", f"{asset}/USDT", other.last, stack.clock.time_ms())
        await stack.journal.replace_balances("sim", await adapter.fetch_balances())
        await portfolio.refresh()

        def market_of(venue: str, symbol: str) -> Market | None:
            return adapter.market(symbol)

        gate = RiskGate(
            limits=LIMITS,
            view=PortfolioRiskView(portfolio, ("sim",), market_of, lambda v, s: 0),
            trading=risk.board,
            rates=risk.tracker,
            caps=risk.rollout,
        )
        executor = OrderExecutor(
            journal=stack.journal,
            venues=("sim",),
            adapters={"sim": adapter},
            gate=gate,
            ids=ClientOrderIds("bench", stack.journal),
            halt=risk.board.halt,
            metrics=TradingMetrics(CollectorRegistry()),
            clock_ms=stack.clock.time_ms,
            send_timeout_s=15,
            on_ambiguous=lambda venue: None,
            on_approved=lambda intent: risk.tracker.record(),
        )
        # The check alone: same intent shape, the gate's full path (every limit evaluated).
        intent = resting_intent("probe")
        decision = gate.check(intent)
        assert decision.approved, decision
        start = time.perf_counter()
        for _ in range(CHECKS):
            gate.check(intent)
        check_s = (time.perf_counter() - start) / CHECKS
        latencies = []
        async with asyncio.TaskGroup() as tg:
            executor.bind(tg)
            await executor.load()
            for _ in range(ORDERS):
                begin = time.perf_counter()
                result = await executor.submit(resting_intent(executor.new_intent_id("bench")))
                latencies.append(time.perf_counter() - begin)
                assert result.accepted, result
    ack = statistics.median(latencies)
    share = check_s / ack
    print(f"full pre-trade check      {check_s * 1e6:8.1f} us per intent ({CHECKS} checks)")
    print(f"intent -> ack p50         {ack * 1e3:8.3f} ms ({ORDERS} orders against the sim)")
    print(
        f"check share of ack        {share * 100:8.3f} %  (target <= {TARGET_SHARE * 100:.0f}%;"
        f" ratio {share / TARGET_SHARE:.2f})"
    )


def main() -> None:
    with open(os.devnull, "w") as sink:
        configure_logging(level="info", fmt="json", redactor=Redactor(), stream=sink)
        with tempfile.TemporaryDirectory(prefix="lyrad-bench-") as tmp:
            uvloop.run(run(Path(tmp)))


if __name__ == "__main__":
    main()
