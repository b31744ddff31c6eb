"""Each wire error the sim produces maps, through ccxt, to the class real Binance's answer maps to.

For every case the sim's answer must be Binance's exact (status, code, msg); the expected ccxt
class is computed by handing that same answer, as if it came from https://api.binance.com, to
an unconfigured ccxt binance client. The sim-side client is configured as documented in
tests/support/ccxt_sim.py, so the classes agree only if that configuration is right.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import ccxt
import pytest

from lyrad.sim.server import SimServer
from tests.support.ccxt_sim import real_binance_class, sim_client

pytestmark = pytest.mark.asyncio(loop_scope="module")

SYMBOL = "BTC/USDT"

Action = Callable[[Any], Awaitable[object]]


@dataclass(frozen=True)
class Case:
    id: str
    action: Action
    status: int
    code: int
    msg: str
    client: dict[str, Any] = field(default_factory=dict)
    account: int = 0


async def _far_bid(exchange: Any, factor: float) -> float:
    book = await exchange.fetch_order_book(SYMBOL, 5)
    return float(round(book["bids"][0][0] * factor, 2))


async def _insufficient(exchange: Any) -> object:
    return await exchange.create_order(SYMBOL, "limit", "buy", 50, await _far_bid(exchange, 0.99))


async def _would_match(exchange: Any) -> object:
    book = await exchange.fetch_order_book(SYMBOL, 5)
    price = round(book["asks"][0][0] * 1.01, 2)
    return await exchange.create_order(SYMBOL, "limit", "buy", 0.001, price, {"postOnly": True})


async def _duplicate(exchange: Any) -> object:
    price = await _far_bid(exchange, 0.5)
    params = {"clientOrderId": "dup-client-id-1"}
    await exchange.create_order(SYMBOL, "limit", "buy", 0.001, price, params)
    return await exchange.create_order(SYMBOL, "limit", "buy", 0.001, price, params)


def _raw_order(**overrides: str) -> Action:
    async def act(exchange: Any) -> object:
        params = {
            "symbol": "BTCUSDT",
            "side": "BUY",
            "type": "LIMIT",
            "timeInForce": "GTC",
            "quantity": "0.001",
            "price": "30000",
        }
        params.update(overrides)
        return await exchange.private_post_order(params)

    return act


CASES = [
    Case("insufficient_balance", _insufficient, 400, -2010,
         "Account has insufficient balance for requested action."),
    Case("limit_maker_would_take", _would_match, 400, -2010,
         "Order would immediately match and take."),
    Case("duplicate_client_order_id", _duplicate, 400, -2010, "Duplicate order sent."),
    Case("price_filter", _raw_order(price="30000.001"), 400, -1013, "Filter failure: PRICE_FILTER"),
    Case("lot_size", _raw_order(quantity="0.0000011"), 400, -1013, "Filter failure: LOT_SIZE"),
    Case("notional", _raw_order(quantity="0.00001"), 400, -1013, "Filter failure: NOTIONAL"),
    Case("too_much_precision", _raw_order(quantity="0.000000001"), 400, -1111,
         "Parameter 'quantity' has too much precision."),
    Case("illegal_characters", _raw_order(quantity="1e-3"), 400, -1100,
         "Illegal characters found in parameter 'quantity'; legal range is "
         "'^([0-9]{1,20})(\\.[0-9]{1,20})?$'."),
    Case("invalid_side", _raw_order(side="HOLD"), 400, -1117, "Invalid side."),
    Case("invalid_type", _raw_order(type="ICEBERG"), 400, -1116, "Invalid orderType."),
    Case("missing_time_in_force", _raw_order(timeInForce=""), 400, -1102,
         "Mandatory parameter 'timeInForce' was not sent, was empty/null, or malformed."),
    Case("market_with_price", _raw_order(type="MARKET", timeInForce=""), 400, -1106,
         "Parameter 'price' sent when not required."),
    Case("market_without_amount", _raw_order(type="MARKET", timeInForce="", price="",
                                             quantity=""), 400, -1102,
         "Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty/null!"),
    Case("limit_maker_with_time_in_force", _raw_order(type="LIMIT_MAKER"), 400, -1106,
         "Parameter 'timeInForce' sent when not required."),
    Case("zero_quantity", _raw_order(quantity="0"), 400, -1013, "Invalid quantity."),
    Case("iceberg_unsupported", _raw_order(icebergQty="0.0001"), 400, -2010,
         "Iceberg orders are not supported for this symbol."),
    Case("bad_response_type", _raw_order(newOrderRespType="ALL"), 400, -1100,
         "Illegal characters found in parameter 'newOrderRespType'; legal range is "
         "'^(ACK|RESULT|FULL)$'."),
    Case("stop_loss_limit_unsupported", _raw_order(type="STOP_LOSS_LIMIT", stopPrice="29000"),
         400, -2010,
         "Stop loss limit orders are not supported for this symbol."),
    Case("account_cannot_trade", _raw_order(), 400, -2010,
         "This account may not place or cancel orders.", account=2),
    Case("unknown_order_fetch", lambda e: e.fetch_order("987654321", SYMBOL), 400, -2013,
         "Order does not exist."),
    Case("unknown_order_cancel", lambda e: e.cancel_order("987654321", SYMBOL), 400, -2011,
         "Unknown order sent."),
    Case("cancel_all_nothing_open", lambda e: e.cancel_all_orders("ETH/USDT"), 400, -2011,
         "Unknown order sent."),
    Case("order_key_missing", lambda e: e.private_get_order({"symbol": "BTCUSDT"}), 400, -1102,
         "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!"),
    Case("order_id_overflow",
         lambda e: e.private_get_order({"symbol": "BTCUSDT", "orderId": "99999999999999999999"}),
         400, -1108, "Parameter 'orderId' overflowed."),
    Case("bad_symbol", lambda e: e.public_get_ticker_24hr({"symbol": "NOPEUSDT"}), 400, -1121,
         "Invalid symbol."),
    Case("bad_interval",
         lambda e: e.public_get_klines({"symbol": "BTCUSDT", "interval": "7m"}), 400, -1120,
         "Invalid interval."),
    Case("unknown_api_key", lambda e: e.fetch_balance(), 401, -2015,
         "Invalid API-key, IP, or permissions for action.", client={"apiKey": "no-such-key"}),
    Case("api_key_format", lambda e: e.fetch_balance(), 401, -2014, "API-key format invalid.",
         client={"apiKey": "bad key"}),
    Case("bad_signature", lambda e: e.fetch_balance(), 400, -1022,
         "Signature for this request is not valid.", client={"secret": "not-the-secret"}),
    Case("timestamp_too_old", lambda e: e.fetch_balance(), 400, -1021,
         "Timestamp for this request is outside of the recvWindow.",
         client={"options": {"timeDifference": 30_000}}),
    Case("timestamp_ahead", lambda e: e.fetch_balance(), 400, -1021,
         "Timestamp for this request was 1000ms ahead of the server's time.",
         client={"options": {"timeDifference": -5_000}}),
    Case("recv_window_too_large", lambda e: e.fetch_balance({"recvWindow": 70_000}), 400, -1131,
         "recvWindow must be less than 60000"),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
async def test_sim_error_maps_like_real_binance(shared_sim: SimServer, case: Case) -> None:
    client = sim_client(shared_sim, account=case.account, **case.client)
    try:
        await client.load_markets()
        with pytest.raises(ccxt.BaseError) as excinfo:
            await case.action(client)
        body = json.loads(client.last_http_response)
    finally:
        await client.close()
    last = list(shared_sim.venue.request_log)[-1]
    assert (last.status, body) == (case.status, {"code": case.code, "msg": case.msg})
    expected = real_binance_class(case.status, body)
    assert type(excinfo.value) is expected, f"{case.id}: {excinfo.value!r}"


async def test_the_spot_tables_matter_on_a_loopback_url() -> None:
    # Without the spot tables ccxt would map the spot-only code -1131 to a bare ExchangeError.
    body = {"code": -1131, "msg": "recvWindow must be less than 60000"}
    plain = ccxt.binance()
    with pytest.raises(ccxt.ExchangeError) as excinfo:
        plain.handle_errors(400, "", "http://127.0.0.1:1/api/v3/account", "GET", {},
                            json.dumps(body), body, {}, "")  # fmt: skip
    assert type(excinfo.value) is ccxt.ExchangeError
    assert real_binance_class(400, body) is ccxt.BadRequest
