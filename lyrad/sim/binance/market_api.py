"""Public endpoints: ping, time, exchangeInfo, depth, trades, aggTrades, klines and tickers."""

from __future__ import annotations

from lyrad.sim.binance import errors, wire_market
from lyrad.sim.binance.call import Call
from lyrad.sim.marketdata import INTERVALS

HOUR_MS = 3_600_000


def ping(call: Call) -> object:
    return {}


def system_status(call: Call) -> object:
    """GET /sapi/v1/system/status: 0 normal, 1 maintenance (the admin API's modes)."""
    if call.venue.modes.maintenance:
        return {"status": 1, "msg": "system_maintenance"}
    return {"status": 0, "msg": "normal"}


def server_time(call: Call) -> object:
    return {"serverTime": call.venue.server_ms()}


def exchange_info(call: Call) -> object:
    specs = call.symbol_list()
    venue = call.venue
    chosen = venue.specs if specs is None else specs
    return wire_market.exchange_info(chosen, venue.server_ms(), venue.limiter.rules)


def depth(call: Call) -> object:
    spec = call.required_spec()
    limit = call.params.limit("limit", default=100, maximum=5000)
    return wire_market.depth(call.venue.served_book(spec.symbol, limit))


def recent_trades(call: Call) -> object:
    spec = call.required_spec()
    limit = call.params.limit("limit", default=500, maximum=1000)
    trades = call.venue.source.trades(spec.symbol, end_ms=call.now_ms, limit=limit)
    return [wire_market.public_trade(trade) for trade in trades]


def agg_trades(call: Call) -> object:
    params = call.params
    spec = call.required_spec()
    limit = params.limit("limit", default=500, maximum=1000)
    from_id = params.integer("fromId")
    start_ms = params.integer("startTime")
    end_ms = params.integer("endTime")
    if from_id is not None and (start_ms is not None or end_ms is not None):
        raise errors.bad_combination()
    if start_ms is not None and end_ms is not None and end_ms - start_ms > HOUR_MS:
        raise errors.lookup_interval_too_big()
    until = call.now_ms if end_ms is None else min(end_ms, call.now_ms)
    if start_ms is None and end_ms is not None:
        start_ms = end_ms - HOUR_MS
    trades = call.venue.source.trades(
        spec.symbol, end_ms=until, limit=limit, from_id=from_id, start_ms=start_ms
    )
    return [wire_market.agg_trade(trade) for trade in trades]


def klines(call: Call) -> object:
    params = call.params
    spec = call.required_spec()
    interval = params.required("interval")
    if interval not in INTERVALS:
        raise errors.invalid_interval()
    limit = params.limit("limit", default=500, maximum=1000)
    start_ms = params.integer("startTime")
    end_ms = params.integer("endTime")
    until = call.now_ms if end_ms is None else min(end_ms, call.now_ms)
    candles = call.venue.source.klines(
        spec.symbol, interval, start_ms=start_ms, end_ms=until, limit=limit, now_ms=call.now_ms
    )
    return [wire_market.kline(candle) for candle in candles]


def ticker_24hr(call: Call) -> object:
    ticker_type = call.params.text("type") or "FULL"
    if ticker_type not in ("FULL", "MINI"):
        raise errors.BinanceError(errors.BAD_REQUEST, -1139, "Invalid ticker type.")
    serialize = wire_market.ticker_24hr if ticker_type == "FULL" else wire_market.ticker_24hr_mini
    chosen = call.symbol_list()
    venue = call.venue
    specs = venue.specs if chosen is None else chosen
    at_ms = venue.market_data_ms(call.now_ms)
    bodies = [
        serialize(venue.source.ticker_24h(spec.symbol, at_ms), venue.served_book(spec.symbol, 1))
        for spec in specs
    ]
    return bodies[0] if call.params.text("symbol") is not None else bodies


def ticker_price(call: Call) -> object:
    chosen = call.symbol_list()
    venue = call.venue
    specs = venue.specs if chosen is None else chosen
    bodies = [
        wire_market.price_ticker(spec.symbol, venue.source.price_at(spec.symbol, call.now_ms))
        for spec in specs
    ]
    return bodies[0] if call.params.text("symbol") is not None else bodies


def book_ticker(call: Call) -> object:
    chosen = call.symbol_list()
    venue = call.venue
    specs = venue.specs if chosen is None else chosen
    bodies = [
        wire_market.book_ticker(spec.symbol, venue.served_book(spec.symbol, 1)) for spec in specs
    ]
    return bodies[0] if call.params.text("symbol") is not None else bodies
