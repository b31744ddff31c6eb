"""Real Binance answers (ccxt's captured fixtures) through real ccxt in string mode, then lyrad.

Prices and sizes arrive as the venue's exact text; garbage or missing fields are refused.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import ccxt
import pytest

from lyrad.domain.errors import BadVenueResponse
from lyrad.domain.values import OrderType, Side
from lyrad.domain.venue import VenueOrderStatus
from lyrad.exchanges.ccxt_parsing import (
    PrecisionMode,
    UnsupportedOrderType,
    index_markets,
    parse_balances,
    parse_market,
    parse_order,
    parse_order_book,
    parse_ticker,
    parse_trade,
)

D = Decimal


@pytest.fixture(scope="module")
def exchange(reference_dir: Path) -> Any:
    """An offline ccxt binance in string mode with the captured spot markets."""
    client = ccxt.binance(
        {"number": str, "options": {"crossMarginPairsData": [], "isolatedMarginPairsData": []}}
    )
    markets = json.loads((reference_dir / "markets" / "binance.json").read_text())
    infos = [m["info"] for m in markets.values() if m["spot"]]
    # The captured new-order answer is for SOLUSDT, which the captured markets lack.
    infos.append({**infos[0], "symbol": "SOLUSDT", "baseAsset": "SOL"})
    client.set_markets([client.parse_market(info) for info in infos])
    return client


@pytest.fixture(scope="module")
def captured(reference_dir: Path) -> dict[str, list[dict[str, Any]]]:
    methods: dict[str, list[dict[str, Any]]] = json.loads(
        (reference_dir / "response" / "binance.json").read_text()
    )["methods"]
    return methods


def test_markets_carry_the_venues_exact_filters(exchange: Any) -> None:
    markets = index_markets("binance", exchange.markets, PrecisionMode.TICK_SIZE)
    btc = markets["BTC/USDT"]
    assert (btc.venue_symbol, btc.base, btc.quote, btc.active) == ("BTCUSDT", "BTC", "USDT", True)
    assert (btc.price_tick, btc.amount_step) == (D("0.01"), D("0.00001"))
    assert (btc.min_amount, btc.max_amount) == (D("0.00001"), D("9000"))
    assert (btc.min_price, btc.max_price) == (D("0.01"), D("1000000"))
    assert (btc.min_cost, btc.max_cost) == (D("5"), D("9000000"))
    assert all(":" not in symbol for symbol in markets)  # spot only


def test_decimal_places_precision_becomes_a_step() -> None:
    raw = {
        "symbol": "X/Y", "id": "XY", "base": "X", "quote": "Y", "active": None,
        "precision": {"price": "2", "amount": "5"},
        "limits": {"amount": {"min": "0.001", "max": None}, "price": {"min": None, "max": "0"}},
    }  # fmt: skip
    market = parse_market("v", raw, PrecisionMode.DECIMAL_PLACES)
    assert (market.price_tick, market.amount_step) == (D("0.01"), D("0.00001"))
    assert (market.min_amount, market.max_amount, market.max_price) == (D("0.001"), None, None)
    assert market.min_cost == 0
    assert market.active
    with pytest.raises(BadVenueResponse, match="count of decimals"):
        parse_market("v", {**raw, "precision": {"price": "2.5", "amount": "5"}},
                     PrecisionMode.DECIMAL_PLACES)  # fmt: skip


def test_a_new_order_answer(exchange: Any, captured: dict[str, Any]) -> None:
    wire = captured["createOrder"][0]["httpResponse"]
    order = parse_order("binance", exchange.parse_order(wire), fills_are_taker=True)
    assert order.venue_order_id == "9780331417"
    assert order.client_order_id == wire["clientOrderId"]
    assert (order.symbol, order.side, order.type) == ("SOL/USDT", Side.BUY, OrderType.LIMIT)
    assert order.status is VenueOrderStatus.OPEN
    assert (order.amount, order.filled, order.price, order.cost) == (
        D("0.05"), D(0), D("241"), D(0),
    )  # fmt: skip
    assert str(order.price) == wire["price"]  # the venue's text, digit for digit
    assert order.timestamp_ms == 1737635557417
    assert order.fills == ()


def test_a_filled_market_order(exchange: Any, captured: dict[str, Any]) -> None:
    wire = captured["fetchOrder"][0]["httpResponse"]
    order = parse_order("binance", exchange.parse_order(wire))
    assert (order.type, order.side, order.status) == (
        OrderType.MARKET, Side.SELL, VenueOrderStatus.FILLED,
    )  # fmt: skip
    assert (order.filled, order.cost, order.price) == (D("0.1"), D("9.08"), None)


def test_limit_maker_is_a_limit_order(exchange: Any, captured: dict[str, Any]) -> None:
    wire = captured["fetchOpenOrders"][0]["httpResponse"][0]
    order = parse_order("binance", exchange.parse_order(wire))
    assert (order.type, order.price) == (OrderType.LIMIT, D("50"))


def full_answer(fills: list[tuple[str, str, str]]) -> dict[str, Any]:
    """A FULL new-order answer for BTCUSDT with fills of (price, qty, commission)."""
    qty = sum((D(q) for _, q, _ in fills), D(0))
    quote = sum((D(p) * D(q) for p, q, _ in fills), D(0))
    return {
        "symbol": "BTCUSDT", "orderId": 28, "orderListId": -1, "clientOrderId": "lyrad-1",
        "transactTime": 1507725176595, "price": "0.00000000", "origQty": str(qty),
        "executedQty": str(qty), "cummulativeQuoteQty": str(quote), "status": "FILLED",
        "timeInForce": "GTC", "type": "MARKET", "side": "BUY", "workingTime": 1507725176595,
        "fills": [
            {"price": p, "qty": q, "commission": c, "commissionAsset": "BTC", "tradeId": 56 + i}
            for i, (p, q, c) in enumerate(fills)
        ],
    }  # fmt: skip


def test_fills_come_back_exact(exchange: Any) -> None:
    wire = full_answer([("0.1", "1.00000000", "0.00100000"), ("0.2", "1.00000000", "0.001")])
    order = parse_order("binance", exchange.parse_order(wire), fills_are_taker=True)
    assert [f.price for f in order.fills] == [D("0.1"), D("0.2")]
    total = sum((f.price for f in order.fills), D(0))
    assert total == D("0.3")
    assert str(total) == "0.3"
    assert order.cost == D("0.3")
    first = order.fills[0]
    assert (first.trade_id, first.venue_order_id, first.client_order_id) == ("56", "28", "lyrad-1")
    assert (first.side, first.is_maker, first.timestamp_ms) == (Side.BUY, False, 1507725176595)
    assert (first.fee, first.fee_currency, first.cost) == (D("0.001"), "BTC", D("0.1"))


def test_a_cancel_answer_names_our_client_id(exchange: Any) -> None:
    wire = {
        "symbol": "BTCUSDT", "origClientOrderId": "lyrad-7", "orderId": 81, "orderListId": -1,
        "clientOrderId": "CBj2GFWenhzxcVW1kSthKp", "transactTime": 1795296557398,
        "price": "53995.01000000", "origQty": "0.00100000", "executedQty": "0.00000000",
        "cummulativeQuoteQty": "0.00000000", "status": "CANCELED", "timeInForce": "GTC",
        "type": "LIMIT", "side": "BUY",
    }  # fmt: skip
    raw = exchange.parse_order(wire)
    order = parse_order("binance", raw, original_client_id_key="origClientOrderId")
    assert (order.client_order_id, order.status) == ("lyrad-7", VenueOrderStatus.CANCELLED)
    assert parse_order("binance", raw).client_order_id == "CBj2GFWenhzxcVW1kSthKp"


def test_account_trades(exchange: Any, captured: dict[str, Any]) -> None:
    wire = captured["fetchMyTrades"][0]["httpResponse"][0]
    fill = parse_trade("binance", exchange.parse_trade(wire))
    assert (fill.trade_id, fill.venue_order_id, fill.client_order_id) == (
        "309520010", "3784695242", "",
    )  # fmt: skip
    assert (fill.price, fill.amount, fill.cost) == (D("69.63"), D("0.2"), D("13.926"))
    assert (fill.fee, fill.fee_currency, fill.is_maker, fill.side) == (
        D("0.013926"), "USDT", False, Side.SELL,
    )  # fmt: skip


def test_balances_skip_empty_assets(exchange: Any, captured: dict[str, Any]) -> None:
    wire = captured["fetchBalance"][0]["httpResponse"]
    balances = parse_balances("binance", exchange.parse_balance_custom(wire, "spot"))
    assert [(b.asset, b.free, b.used) for b in balances] == [
        ("ETH", D("0.02229833"), D(0)),
        ("LTC", D("0.919741"), D(0)),
    ]


def test_ticker(exchange: Any, captured: dict[str, Any]) -> None:
    wire = captured["fetchTicker"][0]["httpResponse"]
    ticker = parse_ticker("binance", "BTC/USDT", exchange.parse_ticker(wire), received_ms=5)
    assert (ticker.bid, ticker.ask, ticker.last) == (D("73369.83"), D("73369.84"), D("73369.84"))
    assert ticker.timestamp_ms == 1710328245391


def test_order_book_floats_are_snapped_back_to_the_venues_text(exchange: Any) -> None:
    markets = index_markets("binance", exchange.markets, PrecisionMode.TICK_SIZE)
    wire = {
        "lastUpdateId": 1,
        "bids": [["42574.30000000", "0.01070000"], ["0.30000000", "123456.12345000"]],
        "asks": [["42574.31000000", "0.00870000"]],
    }
    raw = exchange.parse_order_book(wire, "BTC/USDT")
    assert isinstance(raw["bids"][0][0], float)  # ccxt's book is floats whatever the mode
    raw["bids"][1][0] = 0.1 + 0.2  # 0.30000000000000004
    book = parse_order_book("binance", markets["BTC/USDT"], raw, received_ms=77)
    assert book.bids == ((D("42574.30"), D("0.01070")), (D("0.30"), D("123456.12345")))
    assert book.asks == ((D("42574.31"), D("0.00870")),)
    assert book.timestamp_ms == 77


GOOD_ORDER: dict[str, Any] = {
    "id": "1", "clientOrderId": "c", "symbol": "BTC/USDT", "side": "buy", "type": "limit",
    "status": "open", "amount": "1.5", "filled": "0.5", "price": "100", "cost": "50",
    "timestamp": 1,
}  # fmt: skip


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("amount", None, "amount: missing"),
        ("amount", "abc", "amount: not an exact number"),
        ("amount", "NaN", "amount: not an exact number"),
        ("amount", "Infinity", "amount: not an exact number"),
        ("amount", "1_000", "amount: not an exact number"),
        ("amount", 1.5, "amount: not an exact number"),  # a float is already rounded
        ("amount", "0", "amount: out of range"),
        ("filled", "-0.1", "filled: out of range"),
        ("filled", "2", "filled: 2 is more than the amount"),
        ("price", "", "price: not an exact number"),
        ("price", None, "price: missing"),
        ("id", None, "id: expected text"),
        ("side", "long", "side: unknown side"),
        ("status", "weird", "status: unknown status"),
        ("cost", None, "cost: missing on a filled order"),
        ("timestamp", "soon", "timestamp: expected an integer"),
        ("trades", "x", "trades: expected a list"),
    ],
)
def test_garbage_and_missing_fields_are_refused(field: str, value: object, problem: str) -> None:
    raw = copy.deepcopy(GOOD_ORDER)
    raw[field] = value
    with pytest.raises(BadVenueResponse, match=problem) as excinfo:
        parse_order("binance", raw)
    assert excinfo.value.venue == "binance"


def test_the_good_order_parses_and_odd_types_are_their_own_error() -> None:
    assert parse_order("v", GOOD_ORDER).filled == D("0.5")
    with pytest.raises(UnsupportedOrderType):
        parse_order("v", {**GOOD_ORDER, "type": "stop_loss_limit"})
    with pytest.raises(BadVenueResponse, match="expected an object"):
        parse_order("v", "<html>502 Bad Gateway</html>")


def test_a_closed_order_short_of_its_amount_is_expired() -> None:
    order = parse_order("v", {**GOOD_ORDER, "status": "closed"})
    assert order.status is VenueOrderStatus.EXPIRED
    full = parse_order("v", {**GOOD_ORDER, "status": "closed", "filled": "1.5", "cost": "150"})
    assert full.status is VenueOrderStatus.FILLED


@pytest.mark.parametrize(
    "levels",
    [[[1.0, float("nan")]], [[0.0, 1.0]], [[1.0]], [["1", "2"]], [[2.0, 1.0], [3.0, 1.0]]],
)
def test_garbage_book_levels_are_refused(exchange: Any, levels: list[list[object]]) -> None:
    markets = index_markets("binance", exchange.markets, PrecisionMode.TICK_SIZE)
    with pytest.raises(BadVenueResponse, match="bids"):
        parse_order_book("v", markets["BTC/USDT"], {"bids": levels, "asks": []}, 0)


def test_garbage_balances_and_tickers_are_refused() -> None:
    with pytest.raises(BadVenueResponse, match=r"balance\.free: BTC: not an exact number"):
        parse_balances("v", {"free": {"BTC": "lots"}, "used": {}})
    with pytest.raises(BadVenueResponse, match="balance: used: expected an object"):
        parse_balances("v", {"free": {}})
    with pytest.raises(BadVenueResponse, match="bid: out of range"):
        parse_ticker("v", "BTC/USDT", {"bid": "-1"}, 0)


@pytest.mark.parametrize("info", ["<html>", [1, 2], {"balances": "lots"}, {"balances": [1]}, {}])
def test_a_garbage_account_is_not_an_empty_one(info: object) -> None:
    raw = {"info": info, "free": {}, "used": {}}
    with pytest.raises(BadVenueResponse, match="balance"):
        parse_balances("v", raw, list_key="balances")
    assert parse_balances("v", {**raw, "info": {"balances": []}}, list_key="balances") == []


def test_a_ticker_without_any_price_is_garbage() -> None:
    with pytest.raises(BadVenueResponse, match="no price at all"):
        parse_ticker("v", "BTC/USDT", {"bid": None, "symbol": "BTC/USDT"}, 0)
