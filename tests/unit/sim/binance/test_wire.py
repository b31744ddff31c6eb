"""Binance field names, order and number formatting of every serializer."""

from __future__ import annotations

from decimal import Decimal

from lyrad.sim.binance import wire_account, wire_market, wire_orders
from lyrad.sim.binance.ratelimit import RateLimiter
from lyrad.sim.engine import (
    AccountSpec,
    Balance,
    BookSnapshot,
    Fill,
    OrderSnapshot,
    OrderStatus,
    OrderType,
    Side,
    SymbolSpec,
    TimeInForce,
)
from lyrad.sim.marketdata import Kline, PublicTrade, Ticker24h

D = Decimal
FILL = Fill(7, 28, "BTCUSDT", D("60000.5"), D("0.001"), D("60.0005"), D("0.000001"), "BTC",
            1_700_000_000_123, True, False)  # fmt: skip
ORDER = OrderSnapshot(
    order_id=28,
    client_order_id="abc",
    symbol="BTCUSDT",
    side=Side.BUY,
    type=OrderType.MARKET,
    time_in_force=TimeInForce.GTC,
    price=D(0),
    orig_qty=D("0.001"),
    executed_qty=D("0.001"),
    cummulative_quote_qty=D("60.0005"),
    status=OrderStatus.FILLED,
    time_ms=1_700_000_000_123,
    update_time_ms=1_700_000_000_123,
    working_time_ms=1_700_000_000_123,
    orig_quote_order_qty=D(0),
    fills=(FILL,),
)
SPEC = SymbolSpec("BTCUSDT", "BTC", "USDT", D("0.01"), D("0.01"), D(1000000), D("0.00001"),
                  D("0.00001"), D(9000), D(0), D(0), D(9000), D(5), D(9000000))  # fmt: skip
ACCOUNT = AccountSpec("alice", "k", "s", {"USDT": D(1)}, D("0.001"), D("0.002"))
BOOK = BookSnapshot(9, ((D("59999.99"), D("0.5")),), ((D("60000.01"), D("0.25")),))


def test_order_result_and_full() -> None:
    result = wire_orders.order_result(ORDER, 1_700_000_000_200)
    assert list(result) == [
        "symbol", "orderId", "orderListId", "clientOrderId", "transactTime", "price", "origQty",
        "executedQty", "origQuoteOrderQty", "cummulativeQuoteQty", "status", "timeInForce",
        "type", "side", "workingTime", "selfTradePreventionMode",
    ]  # fmt: skip
    assert result["price"] == "0.00000000"
    assert result["cummulativeQuoteQty"] == "60.00050000"
    assert result["transactTime"] == 1_700_000_000_200
    full = wire_orders.order_full(ORDER, 1_700_000_000_200)
    assert list(full)[-2:] == ["fills", "selfTradePreventionMode"]
    assert full["fills"] == [
        {
            "price": "60000.50000000",
            "qty": "0.00100000",
            "commission": "0.00000100",
            "commissionAsset": "BTC",
            "tradeId": 7,
        }
    ]
    assert list(wire_orders.order_ack(ORDER, 5)) == [
        "symbol", "orderId", "orderListId", "clientOrderId", "transactTime",
    ]  # fmt: skip


def test_cancel_answer_carries_both_client_ids() -> None:
    body = wire_orders.order_canceled(ORDER, "cancel-id", 9)
    assert list(body)[:6] == [
        "symbol", "origClientOrderId", "orderId", "orderListId", "clientOrderId", "transactTime",
    ]  # fmt: skip
    assert (body["origClientOrderId"], body["clientOrderId"]) == ("abc", "cancel-id")


def test_account_trade() -> None:
    trade = wire_orders.account_trade(FILL)
    assert trade["quoteQty"] == "60.00050000"
    assert (trade["isBuyer"], trade["isMaker"], trade["isBestMatch"]) == (True, False, True)


def test_exchange_info_filters() -> None:
    class Rules:
        request_weight_per_minute = 6000
        orders_per_10s = 100
        orders_per_day = 200000
        background_weight_per_second = 0
        ban_after_violations = 3
        ban_seconds = 120

    limiter = RateLimiter(Rules(), lambda: 0)
    info = wire_market.exchange_info([SPEC], 123, limiter.rules)
    assert list(info) == ["timezone", "serverTime", "rateLimits", "exchangeFilters", "symbols"]
    symbol = info["symbols"][0]  # type: ignore[index]
    filters = {f["filterType"]: f for f in symbol["filters"]}
    assert filters["PRICE_FILTER"] == {
        "filterType": "PRICE_FILTER",
        "minPrice": "0.01000000",
        "maxPrice": "1000000.00000000",
        "tickSize": "0.01000000",
    }
    assert filters["LOT_SIZE"]["stepSize"] == "0.00001000"
    assert filters["MARKET_LOT_SIZE"]["stepSize"] == "0.00000000"
    assert filters["NOTIONAL"]["minNotional"] == "5.00000000"
    assert symbol["orderTypes"] == ["LIMIT", "LIMIT_MAKER", "MARKET"]
    assert (symbol["status"], symbol["permissions"]) == ("TRADING", ["SPOT"])


def test_tickers_and_book() -> None:
    ticker = Ticker24h("BTCUSDT", 1, 2, D(100), D(110), D(90), D(105), D("0.5"), D(99), D(10),
                       D(1000), D(100), D(5), D("5.0004"), 1, 9, 9)  # fmt: skip
    full = wire_market.ticker_24hr(ticker, BOOK)
    assert full["priceChangePercent"] == "5.000"
    assert (full["bidPrice"], full["askQty"]) == ("59999.99000000", "0.25000000")
    mini = wire_market.ticker_24hr_mini(ticker, BOOK)
    assert "bidPrice" not in mini
    assert mini["lastPrice"] == "105.00000000"
    empty = wire_market.book_ticker("BTCUSDT", BookSnapshot(1, (), ()))
    assert empty["bidPrice"] == empty["askPrice"] == "0.00000000"
    assert wire_market.depth(BOOK) == {
        "lastUpdateId": 9,
        "bids": [["59999.99000000", "0.50000000"]],
        "asks": [["60000.01000000", "0.25000000"]],
    }


def test_kline_and_trades() -> None:
    candle = Kline(0, D(1), D(2), D("0.5"), D("1.5"), D(3), 59_999, D(4), 7, D(1), D(2))
    assert wire_market.kline(candle) == [
        0, "1.00000000", "2.00000000", "0.50000000", "1.50000000", "3.00000000", 59_999,
        "4.00000000", 7, "1.00000000", "2.00000000", "0",
    ]  # fmt: skip
    trade = PublicTrade(5, D(10), D(2), D(20), 1000, True)
    assert wire_market.agg_trade(trade) == {
        "a": 5, "p": "10.00000000", "q": "2.00000000", "f": 5, "l": 5, "T": 1000, "m": True,
        "M": True,
    }  # fmt: skip
    assert wire_market.public_trade(trade)["quoteQty"] == "20.00000000"


def test_account_fees_and_restrictions() -> None:
    body = wire_account.account(ACCOUNT, [Balance("USDT", D("1.5"), D(0))], 77)
    assert (body["makerCommission"], body["takerCommission"]) == (10, 20)
    assert body["balances"] == [{"asset": "USDT", "free": "1.50000000", "locked": "0.00000000"}]
    assert body["uid"] == wire_account.uid(ACCOUNT)
    assert wire_account.trade_fee("BTCUSDT", ACCOUNT) == {
        "symbol": "BTCUSDT",
        "makerCommission": "0.001",
        "takerCommission": "0.002",
    }
    commission = wire_account.commission("BTCUSDT", ACCOUNT)
    assert commission["standardCommission"] == {
        "maker": "0.00100000",
        "taker": "0.00200000",
        "buyer": "0.00000000",
        "seller": "0.00000000",
    }
    restrictions = wire_account.api_restrictions(ACCOUNT, 5)
    assert restrictions["enableSpotAndMarginTrading"] is True
    assert restrictions["enableWithdrawals"] is False
