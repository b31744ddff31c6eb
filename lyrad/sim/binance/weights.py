"""Request weights as Binance counts them (spot REST API, IP limits)."""

from __future__ import annotations

from lyrad.sim.binance.params import Params


def depth(params: Params) -> int:
    limit = params.integer("limit") or 100
    if limit <= 100:
        return 5
    if limit <= 500:
        return 25
    if limit <= 1000:
        return 50
    return 250


def ticker_24hr(params: Params) -> int:
    if params.text("symbol") is not None:
        return 2
    symbols = params.symbols()
    if symbols is None:
        return 80
    if len(symbols) <= 20:
        return 2
    if len(symbols) <= 100:
        return 40
    return 80


def single_or_all(params: Params) -> int:
    """ticker/price and ticker/bookTicker: 2 for one symbol, 4 for several or all."""
    return 2 if params.text("symbol") is not None else 4


def open_orders(params: Params) -> int:
    return 6 if params.text("symbol") is not None else 80


def my_trades(params: Params) -> int:
    return 5 if params.text("orderId") is not None else 20


def order_test(params: Params) -> int:
    return 20 if params.text("computeCommissionRates") == "true" else 1
