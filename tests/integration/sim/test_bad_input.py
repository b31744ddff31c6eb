"""Malformed requests get Binance's own error for the case, as JSON, never a 5xx."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
import pytest_asyncio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lyrad.sim.binance.routes import ENDPOINTS
from lyrad.sim.server import SimServer

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def http(shared_sim: SimServer) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(base_url=shared_sim.base_url) as session:
        yield session


def _signed(server: SimServer, params: dict[str, str], *, secret: str | None = None) -> str:
    query = urlencode({**params, "timestamp": str(time.time_ns() // 1_000_000)})
    key = (secret or server.accounts[0].secret).encode()
    return query + "&signature=" + hmac.new(key, query.encode(), hashlib.sha256).hexdigest()


async def _call(
    http: aiohttp.ClientSession,
    method: str,
    path: str,
    *,
    query: str = "",
    body: bytes | str | None = None,
    key: str | None = None,
) -> tuple[int, Any]:
    headers = {"X-MBX-APIKEY": key} if key else {}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    url = path + ("?" + query if query else "")
    async with http.request(method, url, data=body, headers=headers) as response:
        text = await response.text()
        return response.status, json.loads(text) if text else None


async def test_missing_parameter(http: aiohttp.ClientSession) -> None:
    assert await _call(http, "GET", "/api/v3/depth") == (
        400,
        {
            "code": -1102,
            "msg": "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.",
        },
    )


async def test_bad_symbol(http: aiohttp.ClientSession) -> None:
    assert await _call(http, "GET", "/api/v3/depth", query="symbol=DOGEUSDT") == (
        400,
        {"code": -1121, "msg": "Invalid symbol."},
    )


async def test_bad_signature(http: aiohttp.ClientSession, shared_sim: SimServer) -> None:
    query = _signed(shared_sim, {}, secret="not-the-secret")
    status, body = await _call(
        http, "GET", "/api/v3/account", query=query, key=shared_sim.accounts[0].api_key
    )
    assert (status, body) == (
        400,
        {"code": -1022, "msg": "Signature for this request is not valid."},
    )


async def test_signature_over_query_and_body_together(
    http: aiohttp.ClientSession, shared_sim: SimServer
) -> None:
    # Binance signs query string + body concatenated; the sim accepts a request split that way.
    account = shared_sim.accounts[0]
    query = "symbol=BTCUSDT&side=BUY&type=MARKET"
    body = f"quantity=0.001&timestamp={time.time_ns() // 1_000_000}"
    signature = hmac.new(account.secret.encode(), (query + body).encode(), hashlib.sha256)
    status, order = await _call(
        http,
        "POST",
        "/api/v3/order/test",
        query=query,
        body=body + "&signature=" + signature.hexdigest(),
        key=account.api_key,
    )
    assert (status, order) == (200, {})


async def test_unknown_order(http: aiohttp.ClientSession, shared_sim: SimServer) -> None:
    query = _signed(shared_sim, {"symbol": "BTCUSDT", "orderId": "424242424"})
    status, body = await _call(
        http, "GET", "/api/v3/order", query=query, key=shared_sim.accounts[0].api_key
    )
    assert (status, body) == (400, {"code": -2013, "msg": "Order does not exist."})


async def test_missing_api_key_on_signed_endpoint(
    http: aiohttp.ClientSession, shared_sim: SimServer
) -> None:
    status, body = await _call(http, "GET", "/api/v3/account", query=_signed(shared_sim, {}))
    assert (status, body) == (401, {"code": -2014, "msg": "API-key format invalid."})


@pytest.mark.parametrize(
    ("query", "body", "code"),
    [
        ("symbol=BTCUSDT&symbol=ETHUSDT", None, -1101),
        ('symbol={"a":1}', None, -1100),
        ("symbol=BTCUSDT&limit=abc", None, -1100),
        ("symbol=BTCUSDT&limit=99999999999999999999999", None, -1100),
        ("symbol=%ff%fe%fd", None, -1100),
        ('symbols=["BTCUSDT"', None, -1100),
        ("", b"\xff\xfe{not json", -1100),
        ("", b'{"symbol": "BTCUSDT"}', -1102),
    ],
)
async def test_garbage_parameters(
    http: aiohttp.ClientSession, shared_sim: SimServer, query: str, body: bytes | None, code: int
) -> None:
    method = "POST" if body is not None else "GET"
    path = "/api/v3/order/test" if body is not None else "/api/v3/depth"
    if path == "/api/v3/depth" and query.startswith("symbols"):
        path = "/api/v3/ticker/price"
    key = shared_sim.accounts[0].api_key
    status, answer = await _call(http, method, path, query=query, body=body, key=key)
    assert status == 400
    assert answer["code"] == code


async def test_unknown_path_is_404(http: aiohttp.ClientSession) -> None:
    status, _ = await _call(http, "GET", "/api/v3/nothingHere")
    assert status == 404


_PATHS = st.sampled_from([(e.method, e.path) for e in ENDPOINTS])
_NAMES = st.sampled_from(
    ["symbol", "symbols", "limit", "orderId", "origClientOrderId", "side", "type", "quantity",
     "price", "timeInForce", "interval", "startTime", "endTime", "fromId", "newOrderRespType",
     "quoteOrderQty", "timestamp", "recvWindow", "signature", "type"]
)  # fmt: skip
_VALUES = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["BTCUSDT", "1", "0", "-1", "1e9", "0.001", "LIMIT", "BUY", "[]", "null"]),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(route=_PATHS, pairs=st.lists(st.tuples(_NAMES, _VALUES), max_size=6))
async def test_fuzzed_parameters_never_500(
    http: aiohttp.ClientSession,
    shared_sim: SimServer,
    route: tuple[str, str],
    pairs: list[tuple[str, str]],
) -> None:
    method, path = route
    query = urlencode(pairs)
    status, body = await _call(http, method, path, query=query, key=shared_sim.accounts[1].api_key)
    assert status < 500
    if status != 200:
        assert set(body) == {"code", "msg"}
        assert isinstance(body["code"], int)
