"""ccxt parses Binance's captured real responses and the sim's into the same unified shapes.

For each spot case of the reference data (response/binance.json, input symbol without ':') of a
call the sim serves, the captured `httpResponse` is fed to an unconfigured ccxt binance client
(its HTTP layer replaced by the capture) and the same call is made against the sim in a state
that mirrors the capture (an open LIMIT_MAKER order, a filled market sell, ...). The unified
results must have the same keys and value types, and the raw `info` the same field names in the
same order.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import ccxt.async_support as ccxt_async
import pytest
import pytest_asyncio

from lyrad.sim.server import SimServer
from tests.support.ccxt_sim import sim_client

pytestmark = pytest.mark.asyncio(loop_scope="module")

SIM_SYMBOL = "BTC/USDT"
# Parameters of the captured order the sim does not offer (iceberg, self-trade prevention):
# the sim places the same limit order without them, so the raw field it adds is not expected.
UNSUPPORTED_INFO_FIELDS = {"icebergQty"}

SimCall = Callable[[Any], Awaitable[Any]]


async def _far_price(exchange: Any, factor: float) -> float:
    book = await exchange.fetch_order_book(SIM_SYMBOL, 5)
    return float(round(book["bids"][0][0] * factor, 2))


async def _create_order(exchange: Any) -> Any:
    return await exchange.create_order(
        SIM_SYMBOL, "limit", "buy", 0.001, await _far_price(exchange, 0.8)
    )


async def _closed_market_sell(exchange: Any) -> Any:
    order = await exchange.create_order(SIM_SYMBOL, "market", "sell", 0.001)
    return await exchange.fetch_order(order["id"], SIM_SYMBOL)


async def _open_limit_maker(exchange: Any) -> Any:
    await exchange.cancel_all_orders(SIM_SYMBOL)
    price = await _far_price(exchange, 0.8)
    await exchange.create_order(SIM_SYMBOL, "limit", "buy", 0.001, price, {"postOnly": True})
    return await exchange.fetch_open_orders(SIM_SYMBOL, None, 1)


async def _my_taker_sell(exchange: Any) -> Any:
    await exchange.create_order(SIM_SYMBOL, "market", "sell", 0.001)
    return await exchange.fetch_my_trades(SIM_SYMBOL, None, 1)


async def _canceled_limit(exchange: Any) -> Any:
    order = await exchange.create_order(
        SIM_SYMBOL, "limit", "buy", 0.001, await _far_price(exchange, 0.8)
    )
    await exchange.cancel_order(order["id"], SIM_SYMBOL)
    return await exchange.fetch_orders(SIM_SYMBOL, None, 1)


async def _ohlcv(exchange: Any) -> Any:
    since = exchange.milliseconds() - 4 * 3_600_000
    return await exchange.fetch_ohlcv(SIM_SYMBOL, "1h", since, 3)


SIM_CALLS: dict[str, SimCall] = {
    "createOrder": _create_order,
    "fetchOrder": _closed_market_sell,
    "fetchOpenOrders": _open_limit_maker,
    "fetchMyTrades": _my_taker_sell,
    "fetchOrders": _canceled_limit,
    "fetchBalance": lambda e: e.fetch_balance(),
    "fetchOHLCV": _ohlcv,
    "fetchOrderBook": lambda e: e.fetch_order_book(SIM_SYMBOL, 2),
    "fetchTrades": lambda e: e.fetch_trades(SIM_SYMBOL, None, 1),
    "fetchTicker": lambda e: e.fetch_ticker(SIM_SYMBOL),
}


def _is_spot_case(case: dict[str, Any]) -> bool:
    args = case["input"]
    symbols = [a for a in args if isinstance(a, str) and "/" in a]
    params = args[-1] if args and isinstance(args[-1], dict) else {}
    exotic = {"portfolioMargin", "type", "subType", "marginMode", "method", "price"} & set(params)
    return not any(":" in s for s in symbols) and not exotic


def _spot_cases(reference_dir: Path) -> list[tuple[str, dict[str, Any]]]:
    data = json.loads((reference_dir / "response" / "binance.json").read_text())
    return [
        (method, case)
        for method, cases in data["methods"].items()
        if method in SIM_CALLS
        for case in cases
        if _is_spot_case(case)
    ]


def _shape(value: Any) -> Any:
    if isinstance(value, dict):
        # `info` is compared by field names: the captures store integers as strings.
        return {key: "raw" if key == "info" else _shape(item) for key, item in value.items()}
    if isinstance(value, list):
        if value and all(isinstance(item, dict | list) for item in value):
            return [_shape(value[0])]  # a list of records: their common shape
        return [_shape(item) for item in value]  # a row (OHLCV, price level): each position
    return type(value).__name__


def _info_fields(value: Any) -> list[list[str]]:
    """The raw field names, in order, of each `info` in a unified result."""
    found: list[list[str]] = []
    items = value if isinstance(value, list) else [value]
    for item in items[:1]:
        if isinstance(item, dict) and isinstance(item.get("info"), dict):
            found.append([k for k in item["info"] if k not in UNSUPPORTED_INFO_FIELDS])
    return found


def _normalized(method: str, result: Any) -> Any:
    if method != "fetchBalance":
        return result
    # Balances are keyed by currency code and the accounts hold different assets.
    codes = set(result["total"])
    one = sorted(codes)[0]
    out = {k: v for k, v in result.items() if k not in codes}
    for section in ("free", "used", "total"):
        out[section] = {"CODE": result[section][one]}
    out["CODE"] = result[one]
    return out


_MARKET_DEFAULTS: dict[str, Any] = {
    "linear": None,
    "inverse": None,
    "subType": None,
    "settle": None,
    "settleId": None,
    "contractSize": None,
    "expiry": None,
    "expiryDatetime": None,
    "strike": None,
    "optionType": None,
}


def _reference_markets(reference_dir: Path) -> list[dict[str, Any]]:
    """The captured spot markets, precision turned from digits into binance's tick sizes."""
    data = json.loads((reference_dir / "markets" / "binance.json").read_text())
    spot = [m for m in data.values() if m["spot"]]
    sol = dict(data["LTC/USDT"], id="SOLUSDT", symbol="SOL/USDT", base="SOL", baseId="SOL")
    markets = []
    for market in [*spot, sol]:
        precision = {k: 10.0**-v for k, v in market["precision"].items()}
        markets.append({**_MARKET_DEFAULTS, **market, "precision": precision})
    return markets


async def _parse_captured(reference_dir: Path, method: str, case: dict[str, Any]) -> Any:
    client = ccxt_async.binance({"apiKey": "key", "secret": "secret", "timeout_on_exit": 0})
    client.set_markets(_reference_markets(reference_dir))

    async def captured(url: str, method: str = "GET", headers: Any = None, body: Any = None) -> Any:
        return case["httpResponse"]

    client.fetch = captured
    try:
        return await getattr(client, method)(*case["input"])
    finally:
        await client.close()


@pytest_asyncio.fixture(loop_scope="module")
async def exchange(shared_sim: SimServer) -> AsyncIterator[Any]:
    client = sim_client(shared_sim, account=1)
    try:
        await client.load_markets()
        yield client
    finally:
        await client.close()


async def test_every_spot_call_the_sim_serves_is_compared(reference_dir: Path) -> None:
    covered = {method for method, _ in _spot_cases(reference_dir)}
    assert covered == set(SIM_CALLS)


@pytest.mark.parametrize("method", sorted(SIM_CALLS))
async def test_unified_shapes_match_the_captured_real_responses(
    reference_dir: Path, exchange: Any, method: str
) -> None:
    cases = [case for m, case in _spot_cases(reference_dir) if m == method]
    assert cases
    for case in cases:
        real = _normalized(method, await _parse_captured(reference_dir, method, case))
        sim = _normalized(method, await SIM_CALLS[method](exchange))
        assert _info_fields(sim) == _info_fields(real), case["description"]
        real_shape, sim_shape = _shape(real), _shape(sim)
        assert sim_shape == real_shape, case["description"]
