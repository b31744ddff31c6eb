"""Binance JSON for exchange information and public market data."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from lyrad.sim.binance.numbers import fixed8, percent3
from lyrad.sim.binance.ratelimit import RateLimitRules
from lyrad.sim.engine import BookSnapshot, SymbolSpec
from lyrad.sim.marketdata import Kline, PublicTrade, Ticker24h

Json = dict[str, object]
ORDER_TYPES = ("LIMIT", "LIMIT_MAKER", "MARKET")
_ZERO = Decimal(0)


def _filters(spec: SymbolSpec) -> list[Json]:
    return [
        {
            "filterType": "PRICE_FILTER",
            "minPrice": fixed8(spec.min_price),
            "maxPrice": fixed8(spec.max_price),
            "tickSize": fixed8(spec.tick_size),
        },
        {
            "filterType": "LOT_SIZE",
            "minQty": fixed8(spec.min_qty),
            "maxQty": fixed8(spec.max_qty),
            "stepSize": fixed8(spec.step_size),
        },
        {
            "filterType": "MARKET_LOT_SIZE",
            "minQty": fixed8(spec.market_min_qty),
            "maxQty": fixed8(spec.market_max_qty),
            "stepSize": fixed8(spec.market_step_size),
        },
        {
            "filterType": "NOTIONAL",
            "minNotional": fixed8(spec.min_notional),
            "applyMinToMarket": True,
            "maxNotional": fixed8(spec.max_notional),
            "applyMaxToMarket": True,
            "avgPriceMins": 5,
        },
    ]


def symbol_info(spec: SymbolSpec) -> Json:
    """One entry of exchangeInfo's `symbols`."""
    return {
        "symbol": spec.symbol,
        "status": spec.status,
        "baseAsset": spec.base,
        "baseAssetPrecision": spec.base_precision,
        "quoteAsset": spec.quote,
        "quotePrecision": spec.quote_precision,
        "quoteAssetPrecision": spec.quote_precision,
        "baseCommissionPrecision": spec.base_precision,
        "quoteCommissionPrecision": spec.quote_precision,
        "orderTypes": list(ORDER_TYPES),
        "icebergAllowed": False,
        "ocoAllowed": False,
        "otoAllowed": False,
        "quoteOrderQtyMarketAllowed": True,
        "allowTrailingStop": False,
        "cancelReplaceAllowed": False,
        "amendAllowed": False,
        "isSpotTradingAllowed": True,
        "isMarginTradingAllowed": False,
        "filters": _filters(spec),
        "permissions": ["SPOT"],
        "permissionSets": [["SPOT"]],
        "defaultSelfTradePreventionMode": "NONE",
        "allowedSelfTradePreventionModes": ["NONE"],
    }


def exchange_info(specs: Sequence[SymbolSpec], server_ms: int, rules: RateLimitRules) -> Json:
    return {
        "timezone": "UTC",
        "serverTime": server_ms,
        "rateLimits": [
            {
                "rateLimitType": "REQUEST_WEIGHT",
                "interval": "MINUTE",
                "intervalNum": 1,
                "limit": rules.request_weight_per_minute,
            },
            {
                "rateLimitType": "ORDERS",
                "interval": "SECOND",
                "intervalNum": 10,
                "limit": rules.orders_per_10s,
            },
            {
                "rateLimitType": "ORDERS",
                "interval": "DAY",
                "intervalNum": 1,
                "limit": rules.orders_per_day,
            },
        ],
        "exchangeFilters": [],
        "symbols": [symbol_info(spec) for spec in specs],
    }


def _top(levels: tuple[tuple[Decimal, Decimal], ...]) -> tuple[str, str]:
    if not levels:
        return fixed8(_ZERO), fixed8(_ZERO)
    price, qty = levels[0]
    return fixed8(price), fixed8(qty)


def ticker_24hr(ticker: Ticker24h, book: BookSnapshot) -> Json:
    bid_price, bid_qty = _top(book.bids)
    ask_price, ask_qty = _top(book.asks)
    return {
        "symbol": ticker.symbol,
        "priceChange": fixed8(ticker.price_change),
        "priceChangePercent": percent3(ticker.price_change_percent),
        "weightedAvgPrice": fixed8(ticker.weighted_avg_price),
        "prevClosePrice": fixed8(ticker.prev_close),
        "lastPrice": fixed8(ticker.last),
        "lastQty": fixed8(ticker.last_qty),
        "bidPrice": bid_price,
        "bidQty": bid_qty,
        "askPrice": ask_price,
        "askQty": ask_qty,
        "openPrice": fixed8(ticker.open),
        "highPrice": fixed8(ticker.high),
        "lowPrice": fixed8(ticker.low),
        "volume": fixed8(ticker.volume),
        "quoteVolume": fixed8(ticker.quote_volume),
        "openTime": ticker.open_time_ms,
        "closeTime": ticker.close_time_ms,
        "firstId": ticker.first_trade_id,
        "lastId": ticker.last_trade_id,
        "count": ticker.trade_count,
    }


_MINI_FIELDS = (
    "symbol", "openPrice", "highPrice", "lowPrice", "lastPrice", "volume", "quoteVolume",
    "openTime", "closeTime", "firstId", "lastId", "count",
)  # fmt: skip


def ticker_24hr_mini(ticker: Ticker24h, book: BookSnapshot) -> Json:
    """ticker/24hr with type=MINI: the FULL ticker without changes, averages and quotes."""
    full = ticker_24hr(ticker, book)
    return {name: full[name] for name in _MINI_FIELDS}


def price_ticker(symbol: str, price: Decimal) -> Json:
    return {"symbol": symbol, "price": fixed8(price)}


def book_ticker(symbol: str, book: BookSnapshot) -> Json:
    bid_price, bid_qty = _top(book.bids)
    ask_price, ask_qty = _top(book.asks)
    return {
        "symbol": symbol,
        "bidPrice": bid_price,
        "bidQty": bid_qty,
        "askPrice": ask_price,
        "askQty": ask_qty,
    }


def depth(book: BookSnapshot) -> Json:
    return {
        "lastUpdateId": book.last_update_id,
        "bids": [[fixed8(price), fixed8(qty)] for price, qty in book.bids],
        "asks": [[fixed8(price), fixed8(qty)] for price, qty in book.asks],
    }


def kline(candle: Kline) -> list[object]:
    return [
        candle.open_time_ms,
        fixed8(candle.open),
        fixed8(candle.high),
        fixed8(candle.low),
        fixed8(candle.close),
        fixed8(candle.volume),
        candle.close_time_ms,
        fixed8(candle.quote_volume),
        candle.trade_count,
        fixed8(candle.taker_buy_base_volume),
        fixed8(candle.taker_buy_quote_volume),
        "0",
    ]


def agg_trade(trade: PublicTrade) -> Json:
    """Each public trade is its own aggregate (one taker order against one price level)."""
    return {
        "a": trade.trade_id,
        "p": fixed8(trade.price),
        "q": fixed8(trade.qty),
        "f": trade.trade_id,
        "l": trade.trade_id,
        "T": trade.time_ms,
        "m": trade.is_buyer_maker,
        "M": True,
    }


def public_trade(trade: PublicTrade) -> Json:
    return {
        "id": trade.trade_id,
        "price": fixed8(trade.price),
        "qty": fixed8(trade.qty),
        "quoteQty": fixed8(trade.quote_qty),
        "time": trade.time_ms,
        "isBuyerMaker": trade.is_buyer_maker,
        "isBestMatch": True,
    }
