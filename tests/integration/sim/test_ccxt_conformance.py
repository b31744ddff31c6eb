"""The real ccxt binance client drives every endpoint; ccxt's own validators check each result."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from ccxt.test.exchange.base.test_balance import test_balance as check_balance
from ccxt.test.exchange.base.test_market import test_market as check_market
from ccxt.test.exchange.base.test_ohlcv import test_ohlcv as check_ohlcv
from ccxt.test.exchange.base.test_order import test_order as check_order
from ccxt.test.exchange.base.test_order_book import test_order_book as check_order_book
from ccxt.test.exchange.base.test_ticker import test_ticker as check_ticker
from ccxt.test.exchange.base.test_trade import test_trade as check_trade
from ccxt.test.exchange.base.test_trading_fee import test_trading_fee as check_trading_fee

from lyrad.sim.server import SimServer
from tests.support.ccxt_sim import sim_client

pytestmark = pytest.mark.asyncio(loop_scope="module")

SYMBOL = "BTC/USDT"
NO_SKIPS: dict[str, Any] = {}
# Binance spot's /api/v3/depth carries no time, so ccxt leaves the book's timestamp empty
# against the real venue too (see the captured spot case in the reference data).
BOOK_SKIPS: dict[str, Any] = {"timestamp": True, "datetime": True}


@pytest_asyncio.fixture(loop_scope="module")
async def exchange(shared_sim: SimServer) -> AsyncIterator[Any]:
    client = sim_client(shared_sim, account=0)
    try:
        await client.load_markets()
        yield client
    finally:
        await client.close()


async def _best(exchange: Any, symbol: str = SYMBOL) -> tuple[float, float]:
    book = await exchange.fetch_order_book(symbol, 5)
    return book["bids"][0][0], book["asks"][0][0]


async def test_load_markets(exchange: Any, shared_sim: SimServer) -> None:
    markets = await exchange.load_markets(reload=True)
    assert sorted(markets) == sorted(shared_sim.symbols)
    for market in markets.values():
        check_market(exchange, NO_SKIPS, "loadMarkets", market)
    btc = markets[SYMBOL]
    assert btc["precision"] == {"amount": 1e-05, "price": 0.01, "base": 1e-08, "quote": 1e-08}
    assert btc["limits"]["cost"]["min"] == 5
    assert btc["active"] is True
    assert "limit_maker" not in btc["info"]["orderTypes"]


async def test_fetch_time(exchange: Any) -> None:
    server_time = await exchange.fetch_time()
    assert isinstance(server_time, int)
    assert abs(server_time - exchange.milliseconds()) < 5000


async def test_fetch_ticker_and_tickers(exchange: Any) -> None:
    ticker = await exchange.fetch_ticker(SYMBOL)
    check_ticker(exchange, NO_SKIPS, "fetchTicker", ticker, SYMBOL)
    assert ticker["bid"] < ticker["ask"]
    tickers = await exchange.fetch_tickers()
    assert sorted(tickers) == ["BTC/USDT", "ETH/USDT"]
    for symbol, entry in tickers.items():
        check_ticker(exchange, NO_SKIPS, "fetchTickers", entry, symbol)
    chosen = await exchange.fetch_tickers(["ETH/USDT"])
    assert list(chosen) == ["ETH/USDT"]


async def test_fetch_order_book(exchange: Any) -> None:
    for limit in (5, None):
        book = await exchange.fetch_order_book(SYMBOL, limit)
        check_order_book(exchange, BOOK_SKIPS, "fetchOrderBook", book, SYMBOL)
        assert book["timestamp"] is None
        assert book["bids"]
        assert book["asks"]
        assert len(book["bids"]) <= (limit or 100)
        assert isinstance(book["nonce"], int)


async def test_fetch_ohlcv(exchange: Any) -> None:
    since = exchange.milliseconds() - 10 * 60_000
    candles = await exchange.fetch_ohlcv(SYMBOL, "1m", since, 5)
    assert len(candles) == 5
    now = exchange.milliseconds()
    for candle in candles:
        check_ohlcv(exchange, NO_SKIPS, "fetchOHLCV", candle, SYMBOL, now)
    assert candles[0][0] >= since
    latest = await exchange.fetch_ohlcv(SYMBOL, "1h", limit=2)
    assert 1 <= len(latest) <= 2


async def test_fetch_trades(exchange: Any) -> None:
    trades = await exchange.fetch_trades(SYMBOL)
    assert len(trades) == 500
    now = exchange.milliseconds()
    for trade in trades:
        check_trade(exchange, NO_SKIPS, "fetchTrades", trade, SYMBOL, now, True)
    since = now - 5 * 60_000
    windowed = await exchange.fetch_trades(SYMBOL, since, 5)
    assert len(windowed) == 5
    assert all(trade["timestamp"] >= since for trade in windowed)


async def test_fetch_balance(exchange: Any) -> None:
    balance = await exchange.fetch_balance()
    check_balance(exchange, NO_SKIPS, "fetchBalance", balance)
    assert {"USDT", "BTC", "ETH"} <= set(balance["total"])


@pytest.mark.parametrize("resp_type", ["ACK", "RESULT", "FULL"])
async def test_create_limit_order_each_response_type(exchange: Any, resp_type: str) -> None:
    bid, _ = await _best(exchange)
    price = round(bid * 0.9, 2)
    order = await exchange.create_order(
        SYMBOL, "limit", "buy", 0.001, price, {"newOrderRespType": resp_type}
    )
    check_order(exchange, NO_SKIPS, "createOrder", order, SYMBOL, exchange.milliseconds())
    assert order["id"]
    if resp_type == "ACK":
        assert order["status"] is None
    else:
        assert order["status"] == "open"
        assert order["price"] == price
        assert order["amount"] == 0.001
    fetched = await exchange.fetch_order(order["id"], SYMBOL)
    check_order(exchange, NO_SKIPS, "fetchOrder", fetched, SYMBOL, exchange.milliseconds())
    assert (fetched["status"], fetched["clientOrderId"]) == ("open", order["clientOrderId"])
    canceled = await exchange.cancel_order(order["id"], SYMBOL)
    check_order(exchange, NO_SKIPS, "cancelOrder", canceled, SYMBOL, exchange.milliseconds())
    assert canceled["status"] == "canceled"


@pytest.mark.parametrize("resp_type", ["ACK", "RESULT", "FULL"])
async def test_market_order_each_response_type(exchange: Any, resp_type: str) -> None:
    order = await exchange.create_order(
        SYMBOL, "market", "buy", 0.002, None, {"newOrderRespType": resp_type}
    )
    check_order(exchange, NO_SKIPS, "createOrder", order, SYMBOL, exchange.milliseconds())
    if resp_type == "FULL":
        assert order["status"] == "closed"
        assert order["filled"] == 0.002
        assert order["trades"]
        assert order["fee"]["currency"] == "BTC"
    fetched = await exchange.fetch_order(order["id"], SYMBOL)
    assert fetched["status"] == "closed"
    assert fetched["filled"] == 0.002


@pytest.mark.parametrize("resp_type", ["ACK", "RESULT", "FULL"])
async def test_market_buy_by_cost(exchange: Any, resp_type: str) -> None:
    order = await exchange.create_market_buy_order_with_cost(
        SYMBOL, 50, {"newOrderRespType": resp_type}
    )
    check_order(exchange, NO_SKIPS, "createOrder", order, SYMBOL, exchange.milliseconds())
    fetched = await exchange.fetch_order(order["id"], SYMBOL)
    check_order(exchange, NO_SKIPS, "fetchOrder", fetched, SYMBOL, exchange.milliseconds())
    assert fetched["status"] == "closed"
    assert fetched["cost"] == pytest.approx(50, abs=1)
    assert fetched["info"]["origQuoteOrderQty"] == "50.00000000"
    if resp_type != "ACK":
        assert order["cost"] == fetched["cost"]


@pytest.mark.parametrize("resp_type", ["ACK", "RESULT", "FULL"])
async def test_limit_maker_post_only(exchange: Any, resp_type: str) -> None:
    _bid, ask = await _best(exchange)
    order = await exchange.create_order(
        SYMBOL,
        "limit",
        "sell",
        0.001,
        round(ask * 1.1, 2),
        {"postOnly": True, "newOrderRespType": resp_type},
    )
    check_order(exchange, NO_SKIPS, "createOrder", order, SYMBOL, exchange.milliseconds())
    fetched = await exchange.fetch_order(order["id"], SYMBOL)
    check_order(exchange, NO_SKIPS, "fetchOrder", fetched, SYMBOL, exchange.milliseconds())
    assert fetched["info"]["type"] == "LIMIT_MAKER"
    assert fetched["postOnly"] is True
    assert fetched["status"] == "open"
    await exchange.cancel_order(order["id"], SYMBOL)


async def test_fetch_order_by_client_order_id(exchange: Any) -> None:
    bid, _ = await _best(exchange)
    order = await exchange.create_order(
        SYMBOL, "limit", "buy", 0.001, round(bid * 0.8, 2), {"clientOrderId": "conf-by-cid-1"}
    )
    assert order["clientOrderId"] == "conf-by-cid-1"
    fetched = await exchange.fetch_order(None, SYMBOL, {"clientOrderId": "conf-by-cid-1"})
    check_order(exchange, NO_SKIPS, "fetchOrder", fetched, SYMBOL, exchange.milliseconds())
    assert fetched["id"] == order["id"]
    canceled = await exchange.cancel_order(None, SYMBOL, {"clientOrderId": "conf-by-cid-1"})
    check_order(exchange, NO_SKIPS, "cancelOrder", canceled, SYMBOL, exchange.milliseconds())
    assert canceled["status"] == "canceled"
    assert canceled["info"]["origClientOrderId"] == "conf-by-cid-1"


async def test_open_orders_cancel_all_and_all_orders(exchange: Any) -> None:
    bid, _ = await _best(exchange, "ETH/USDT")
    ids = []
    for step in (0.7, 0.75):
        order = await exchange.create_order("ETH/USDT", "limit", "buy", 0.01, round(bid * step, 2))
        ids.append(order["id"])
    open_orders = await exchange.fetch_open_orders("ETH/USDT")
    now = exchange.milliseconds()
    for order in open_orders:
        check_order(exchange, NO_SKIPS, "fetchOpenOrders", order, "ETH/USDT", now)
    assert set(ids) <= {order["id"] for order in open_orders}
    canceled = await exchange.cancel_all_orders("ETH/USDT")
    now = exchange.milliseconds()
    for order in canceled:
        check_order(exchange, NO_SKIPS, "cancelAllOrders", order, "ETH/USDT", now)
    assert {order["id"] for order in canceled} >= set(ids)
    assert all(order["status"] == "canceled" for order in canceled)
    assert await exchange.fetch_open_orders("ETH/USDT") == []
    orders = await exchange.fetch_orders("ETH/USDT")
    now = exchange.milliseconds()
    for order in orders:
        check_order(exchange, NO_SKIPS, "fetchOrders", order, "ETH/USDT", now)
    assert set(ids) <= {order["id"] for order in orders}


async def test_fetch_my_trades(exchange: Any) -> None:
    await exchange.create_order(SYMBOL, "market", "sell", 0.001)
    trades = await exchange.fetch_my_trades(SYMBOL)
    assert trades
    now = exchange.milliseconds()
    for trade in trades:
        check_trade(exchange, NO_SKIPS, "fetchMyTrades", trade, SYMBOL, now, False)
    assert {trade["takerOrMaker"] for trade in trades} == {"taker"}


async def test_trading_fees(exchange: Any) -> None:
    fee = await exchange.fetch_trading_fee(SYMBOL)
    check_trading_fee(exchange, NO_SKIPS, "fetchTradingFee", SYMBOL, fee)
    assert (fee["maker"], fee["taker"]) == (0.001, 0.001)
    fees = await exchange.fetch_trading_fees()
    assert sorted(fees) == ["BTC/USDT", "ETH/USDT"]
    for symbol, entry in fees.items():
        check_trading_fee(exchange, NO_SKIPS, "fetchTradingFees", symbol, entry)


async def test_implicit_api_methods(exchange: Any) -> None:
    test_order = await exchange.private_post_order_test(
        {"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "0.001"}
    )
    assert test_order == {}
    with_rates = await exchange.private_post_order_test(
        {
            "symbol": "BTCUSDT",
            "side": "BUY",
            "type": "MARKET",
            "quantity": "0.001",
            "computeCommissionRates": "true",
        }
    )
    assert with_rates["standardCommissionForOrder"] == {
        "maker": "0.00100000",
        "taker": "0.00100000",
    }
    agg = await exchange.public_get_aggtrades({"symbol": "BTCUSDT", "limit": 3})
    assert len(agg) == 3
    assert set(agg[0]) == {"a", "p", "q", "f", "l", "T", "m", "M"}
    book = await exchange.public_get_ticker_bookticker({"symbol": "BTCUSDT"})
    assert set(book) == {"symbol", "bidPrice", "bidQty", "askPrice", "askQty"}
    prices = await exchange.public_get_ticker_price()
    assert [p["symbol"] for p in prices] == ["BTCUSDT", "ETHUSDT"]
    restrictions = await exchange.sapi_get_account_apirestrictions()
    assert restrictions["enableReading"] is True
    assert restrictions["enableSpotAndMarginTrading"] is True
    commission = await exchange.private_get_account_commission({"symbol": "BTCUSDT"})
    assert commission["standardCommission"]["taker"] == "0.00100000"
    assert exchange.last_response_headers["X-MBX-USED-WEIGHT-1M"].isdigit()
