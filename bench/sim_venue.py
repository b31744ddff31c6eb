"""Venue throughput through the real ccxt client on loopback, beside the loopback ceiling.

The subject: `SimServer` (Binance dialect, auth, rate limiter, faults, request log, engine)
driven by `ccxt.async_support.binance` placing a far-from-market limit order and cancelling
it, sequentially and with 8 concurrent workers (best of three alternating rounds each, as
the machine is shared). The baseline: a bare aiohttp handler that answers the same two calls
with a fixed order JSON, driven by the same ccxt client. Client and server share one event
loop, as when `lyrad run` starts the sim as a component.
Target: at least 50% of the baseline's rate.
"""

from __future__ import annotations

import asyncio
import json
import time
from contextlib import asynccontextmanager
from typing import Any

import ccxt.async_support as ccxt_async
import uvloop
from aiohttp import web

from lyrad.sim.scenarios import RateLimitSpec
from lyrad.sim.server import SimServer
from tests.support.ccxt_sim import TEST_TWEAKS, sim_config
from tests.support.sim import account, scenario

TARGET_RATIO = 0.5
SEQUENTIAL_PAIRS = 150
CONCURRENT_PAIRS = 320
WORKERS = 8
ROUNDS = 3  # venue and baseline alternate; the best round of each counts (load is shared)
UNLIMITED = RateLimitSpec(
    request_weight_per_minute=10**12, orders_per_10s=10**12, orders_per_day=10**15
)

_FIXED_ORDER = {
    "symbol": "BTCUSDT",
    "orderId": 28,
    "orderListId": -1,
    "clientOrderId": "6gCrw2kRUAF9CvJDGP16IP",
    "transactTime": 1507725176595,
    "price": "30000.00000000",
    "origQty": "0.00100000",
    "executedQty": "0.00000000",
    "origQuoteOrderQty": "0.00000000",
    "cummulativeQuoteQty": "0.00000000",
    "status": "NEW",
    "timeInForce": "GTC",
    "type": "LIMIT",
    "side": "BUY",
    "workingTime": 1507725176595,
    "fills": [],
    "selfTradePreventionMode": "NONE",
}
_FIXED_CANCEL = {
    **_FIXED_ORDER,
    "origClientOrderId": "6gCrw2kRUAF9CvJDGP16IP",
    "status": "CANCELED",
}
del _FIXED_CANCEL["fills"], _FIXED_CANCEL["workingTime"]


@asynccontextmanager
async def _baseline_server() -> Any:
    order_body = json.dumps(_FIXED_ORDER)
    cancel_body = json.dumps(_FIXED_CANCEL)

    async def place(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(text=order_body, content_type="application/json")

    async def cancel(request: web.Request) -> web.Response:
        return web.Response(text=cancel_body, content_type="application/json")

    app = web.Application()
    app.router.add_post("/api/v3/order", place)
    app.router.add_delete("/api/v3/order", cancel)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


def _client(base_url: str, key: str, secret: str, markets: Any) -> Any:
    client = ccxt_async.binance(
        {**sim_config(base_url, None), **TEST_TWEAKS, "apiKey": key, "secret": secret}
    )
    client.set_markets(markets)
    return client


async def _pair(client: Any) -> None:
    order = await client.create_order("BTC/USDT", "limit", "buy", 0.001, 30000)
    await client.cancel_order(order["id"], "BTC/USDT")


async def _rate(client: Any, pairs: int, workers: int) -> float:
    per_worker = pairs // workers

    async def worker() -> None:
        for _ in range(per_worker):
            await _pair(client)

    start = time.perf_counter()
    async with asyncio.TaskGroup() as group:
        for _ in range(workers):
            group.create_task(worker())
    return per_worker * workers / (time.perf_counter() - start)


async def _run() -> list[tuple[str, float, float]]:
    accounts = [account("bench")]
    results = []
    async with SimServer(scenario=scenario(rate_limit=UNLIMITED), accounts=accounts) as sim:
        loader = ccxt_async.binance({**sim_config(sim.base_url, None), **TEST_TWEAKS})
        markets = list((await loader.load_markets()).values())
        await loader.close()
        info = sim.accounts[0]
        subject = _client(sim.base_url, info.api_key, info.secret, markets)
        async with _baseline_server() as baseline_url:
            ceiling = _client(baseline_url, info.api_key, info.secret, markets)
            try:
                for client in (subject, ceiling):
                    await _rate(client, 50, 1)  # warm up connections and caches
                for label, pairs, workers in (
                    ("sequential", SEQUENTIAL_PAIRS, 1),
                    (f"{WORKERS} concurrent", CONCURRENT_PAIRS, WORKERS),
                ):
                    venue_rates, ceiling_rates = [], []
                    for _ in range(ROUNDS):
                        venue_rates.append(await _rate(subject, pairs, workers))
                        ceiling_rates.append(await _rate(ceiling, pairs, workers))
                    results.append((label, max(venue_rates), max(ceiling_rates)))
            finally:
                await subject.close()
                await ceiling.close()
        assert not sim.venue.engine.open_orders("bench"), "every order was cancelled"
    return results


def main() -> None:
    results = uvloop.run(_run())  # the daemon's event loop
    header = f"{'mode':<14} {'venue pairs/s':>14} {'baseline pairs/s':>17} {'ratio':>7}"
    print(f"{header}  (target >= {TARGET_RATIO:.0%})")
    for label, venue_rate, ceiling_rate in results:
        ratio = venue_rate / ceiling_rate
        verdict = "ok" if ratio >= TARGET_RATIO else "BELOW TARGET"
        print(f"{label:<14} {venue_rate:>14.0f} {ceiling_rate:>17.0f} {ratio:>7.2f}  {verdict}")
    print("(one pair = create a limit order + cancel it: two signed requests)")


if __name__ == "__main__":
    main()
