"""The Binance dialect as an aiohttp application over a Venue."""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

from lyrad.sim.binance import auth, errors
from lyrad.sim.binance.call import Call
from lyrad.sim.binance.errors import BinanceError
from lyrad.sim.binance.gateway import LOST_RESPONSE_HOLD_S, gateway
from lyrad.sim.binance.params import Params
from lyrad.sim.binance.ratelimit import RateLimiter, Usage
from lyrad.sim.binance.routes import ENDPOINTS, Endpoint
from lyrad.sim.engine import AccountSpec
from lyrad.sim.venue import Venue

log = logging.getLogger(__name__)

_JSON = "application/json"


@dataclass(frozen=True, slots=True)
class SapiRules:
    """SAPI's IP limit (12000 weight per minute); no order limits or background load there."""

    request_weight_per_minute: int = 12000
    orders_per_10s: int = 1_000_000
    orders_per_day: int = 1_000_000_000
    background_weight_per_second: int = 0
    ban_after_violations: int = 3
    ban_seconds: int = 120


def _json(status: int, body: object, headers: dict[str, str]) -> web.Response:
    return web.Response(
        status=status,
        text=json.dumps(body, separators=(",", ":")),
        content_type=_JSON,
        charset="UTF-8",
        headers=headers,
    )


def _usage_headers(usage: Usage | None, *, sapi: bool) -> dict[str, str]:
    if usage is None:
        return {}
    if sapi:
        return {"X-SAPI-USED-IP-WEIGHT-1M": str(usage.used_weight)}
    headers = {
        "X-MBX-USED-WEIGHT": str(usage.used_weight),
        "X-MBX-USED-WEIGHT-1M": str(usage.used_weight),
    }
    if usage.orders_10s is not None:
        headers["X-MBX-ORDER-COUNT-10S"] = str(usage.orders_10s)
        headers["X-MBX-ORDER-COUNT-1D"] = str(usage.orders_1d)
    return headers


class BinanceDialect:
    """Serves Binance spot's REST API from a Venue; it only translates wire <-> venue calls."""

    def __init__(self, venue: Venue) -> None:
        self.venue = venue
        self._rng = random.Random(venue.seed ^ 0xB1A7CE)
        self._sapi_limiter = RateLimiter(SapiRules(), venue.server_ms)

    def application(self, *, lost_response_hold_s: float = LOST_RESPONSE_HOLD_S) -> web.Application:
        app = web.Application(
            middlewares=[gateway(self.venue, lost_response_hold_s=lost_response_hold_s)],
            client_max_size=64 * 1024,
        )
        for endpoint in ENDPOINTS:
            app.router.add_route(endpoint.method, endpoint.path, self._handler(endpoint))
        app.router.add_route("*", "/{tail:.*}", _not_found)
        return app

    def _handler(self, endpoint: Endpoint) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def handle(request: web.Request) -> web.Response:
            raw_body = await request.read() if request.body_exists else b""
            return self.serve(endpoint, request, raw_body)

        return handle

    def serve(self, endpoint: Endpoint, request: web.Request, raw_body: bytes) -> web.Response:
        """Parse, limit, authenticate and run one request; every failure is a Binance error."""
        usage: Usage | None = None
        try:
            raw_query = request.raw_path.partition("?")[2]
            body_text = _decode_body(raw_body)
            params = Params.parse(raw_query, body_text)
            limiter = self._sapi_limiter if endpoint.sapi else self.venue.limiter
            usage = limiter.admit(endpoint.weight_of(params), is_order=endpoint.order)
            caller = (
                self._caller(request, params, raw_query, body_text) if endpoint.signed else None
            )
            now = self.venue.sync()
            body = endpoint.handler(Call(self.venue, params, now, caller, self._rng))
            return _json(200, body, _usage_headers(usage, sapi=endpoint.sapi))
        except BinanceError as e:
            headers = _usage_headers(usage, sapi=endpoint.sapi)
            headers.update(e.headers)
            return _json(e.status, e.body(), headers)
        except Exception:
            log.exception("binance_handler_failed", extra={"path": endpoint.path})
            error = errors.unknown()
            return _json(error.status, error.body(), _usage_headers(usage, sapi=endpoint.sapi))

    def _caller(
        self, request: web.Request, params: Params, raw_query: str, body_text: str
    ) -> AccountSpec:
        engine = self.venue.engine

        def lookup(key: str) -> tuple[str, str] | None:
            account = engine.account_by_api_key(key)
            return None if account is None else (account.name, account.secret)

        name, secret = auth.authenticate(request.headers.get("X-MBX-APIKEY"), lookup)
        auth.check_timestamp(params, self.venue.server_ms())
        payload, signature = auth.signed_payload(raw_query, body_text)
        auth.check_signature(secret, payload, signature)
        return engine.account(name)


def _decode_body(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise errors.illegal_chars_anywhere() from e


async def _not_found(request: web.Request) -> web.Response:
    return web.Response(status=404, text="")
