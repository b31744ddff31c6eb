"""The Binance spot endpoints the sim serves: path, method, weight, security and handler."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lyrad.sim.binance import account_api, market_api, trade_api, weights
from lyrad.sim.binance.call import Call
from lyrad.sim.binance.params import Params

Handler = Callable[[Call], object]
Weight = int | Callable[[Params], int]


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One route. `order` endpoints count towards the ORDERS limits; `sapi` ones use SAPI's."""

    method: str
    path: str
    handler: Handler
    weight: Weight = 1
    signed: bool = False
    order: bool = False
    sapi: bool = False

    def weight_of(self, params: Params) -> int:
        return self.weight if isinstance(self.weight, int) else self.weight(params)


API = "/api/v3"
SAPI = "/sapi/v1"

ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("GET", f"{API}/ping", market_api.ping),
    Endpoint("GET", f"{API}/time", market_api.server_time),
    Endpoint("GET", f"{API}/exchangeInfo", market_api.exchange_info, 20),
    Endpoint("GET", f"{API}/depth", market_api.depth, weights.depth),
    Endpoint("GET", f"{API}/trades", market_api.recent_trades, 25),
    Endpoint("GET", f"{API}/aggTrades", market_api.agg_trades, 4),
    Endpoint("GET", f"{API}/klines", market_api.klines, 2),
    Endpoint("GET", f"{API}/ticker/24hr", market_api.ticker_24hr, weights.ticker_24hr),
    Endpoint("GET", f"{API}/ticker/price", market_api.ticker_price, weights.single_or_all),
    Endpoint("GET", f"{API}/ticker/bookTicker", market_api.book_ticker, weights.single_or_all),
    Endpoint("POST", f"{API}/order", trade_api.new_order, 1, signed=True, order=True),
    Endpoint("POST", f"{API}/order/test", trade_api.test_order, weights.order_test, signed=True),
    Endpoint("GET", f"{API}/order", trade_api.query_order, 4, signed=True),
    Endpoint("DELETE", f"{API}/order", trade_api.cancel_order, 1, signed=True),
    Endpoint("GET", f"{API}/openOrders", trade_api.open_orders, weights.open_orders, signed=True),
    Endpoint("DELETE", f"{API}/openOrders", trade_api.cancel_open_orders, 1, signed=True),
    Endpoint("GET", f"{API}/allOrders", trade_api.all_orders, 20, signed=True),
    Endpoint("GET", f"{API}/account", account_api.account, 20, signed=True),
    Endpoint("GET", f"{API}/myTrades", account_api.my_trades, weights.my_trades, signed=True),
    Endpoint("GET", f"{API}/account/commission", account_api.commission, 20, signed=True),
    Endpoint("GET", f"{SAPI}/asset/tradeFee", account_api.trade_fee, 1, signed=True, sapi=True),
    Endpoint("GET", f"{SAPI}/system/status", market_api.system_status, 1, sapi=True),
    Endpoint(
        "GET",
        f"{SAPI}/account/apiRestrictions",
        account_api.api_restrictions,
        1,
        signed=True,
        sapi=True,
    ),
)
