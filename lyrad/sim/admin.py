"""The sim's admin HTTP API (separate loopback port, bearer token): faults, venue modes, request
log, state, price shocks and liquidity, for tests and operators driving a running venue."""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from lyrad.sim.engine import EngineRejection, LiquidityProfile
from lyrad.sim.faults import (
    NO_MODES,
    FaultRuleError,
    modes_from_json,
    modes_to_json,
    rule_to_json,
    rules_from_json,
)
from lyrad.sim.marketdata import Shock
from lyrad.sim.venue import Venue

_PROFILE_FIELDS = ("spread_bps", "levels", "level_step_bps", "level_qty_quote", "depth_growth")


class _BadRequest(ValueError):
    pass


def _json(body: object, status: int = 200) -> web.Response:
    return web.Response(status=status, text=json.dumps(body), content_type="application/json")


async def _body(request: web.Request) -> object:
    try:
        return await request.json()
    except ValueError as e:
        raise _BadRequest(f"body is not JSON: {e}") from e


def _decimal(payload: Mapping[str, object], key: str) -> Decimal:
    value = payload.get(key)
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _BadRequest(f"{key}: expected a number")
    try:
        number = Decimal(str(value))
    except InvalidOperation as e:
        raise _BadRequest(f"{key}: not a number") from e
    if not number.is_finite():
        raise _BadRequest(f"{key}: not a finite number")
    return number


def _object(payload: object) -> Mapping[str, object]:
    if not isinstance(payload, dict):
        raise _BadRequest("expected a JSON object")
    return payload


class AdminApi:
    """Request handlers over one venue."""

    def __init__(self, venue: Venue) -> None:
        self.venue = venue

    async def get_faults(self, request: web.Request) -> web.Response:
        return _json([rule_to_json(rule) for rule in self.venue.faults.rules])

    async def put_faults(self, request: web.Request) -> web.Response:
        try:
            rules = rules_from_json(await _body(request))
        except FaultRuleError as e:
            raise _BadRequest(str(e)) from e
        self.venue.faults.replace(rules)
        return _json([rule_to_json(rule) for rule in rules])

    async def delete_faults(self, request: web.Request) -> web.Response:
        self.venue.faults.clear()
        return _json([])

    async def get_modes(self, request: web.Request) -> web.Response:
        return _json(modes_to_json(self.venue.modes))

    async def put_modes(self, request: web.Request) -> web.Response:
        try:
            modes = modes_from_json(await _body(request))
        except FaultRuleError as e:
            raise _BadRequest(str(e)) from e
        self.venue.set_modes(modes)
        return _json(modes_to_json(modes))

    async def delete_modes(self, request: web.Request) -> web.Response:
        self.venue.set_modes(NO_MODES)
        return _json(modes_to_json(NO_MODES))

    async def get_requests(self, request: web.Request) -> web.Response:
        try:
            since = int(request.query.get("since", "0"))
        except ValueError as e:
            raise _BadRequest("since: expected an integer") from e
        records = [
            {
                "seq": r.seq,
                "time": r.time_ms,
                "sim_time": r.sim_time_ms,
                "method": r.method,
                "path": r.path,
                "status": r.status,
                "outcome": r.outcome,
            }
            for r in self.venue.request_log
            if r.seq > since
        ]
        return _json({"requests": records})

    async def get_state(self, request: web.Request) -> web.Response:
        return _json(state(self.venue))

    async def post_shock(self, request: web.Request) -> web.Response:
        payload = _object(await _body(request))
        symbol = payload.get("symbol")
        if not isinstance(symbol, str) or symbol not in self.venue.engine.symbols:
            raise _BadRequest("symbol: not a symbol of this venue")
        shock = Shock(
            at_s=self.venue.elapsed_s(),
            duration_s=float(_decimal(payload, "duration_s")) if "duration_s" in payload else 0.0,
            move_pct=float(_decimal(payload, "move_pct")),
            recovery=float(_decimal(payload, "recovery")) if "recovery" in payload else 0.0,
            recovery_s=float(_decimal(payload, "recovery_s")) if "recovery_s" in payload else 0.0,
        )
        if shock.move_pct <= -100 or shock.duration_s < 0 or not 0 <= shock.recovery <= 1:
            raise _BadRequest("move_pct must be > -100, duration_s >= 0, recovery in [0, 1]")
        self.venue.shock(symbol, shock)
        return _json({"symbol": symbol, "at_s": shock.at_s})

    async def post_liquidity(self, request: web.Request) -> web.Response:
        payload = _object(await _body(request))
        if payload.get("reset") is True:
            self.venue.set_liquidity(None)
            return _json(_profile_json(self.venue.liquidity))
        unknown = sorted(set(payload) - set(_PROFILE_FIELDS))
        if unknown:
            raise _BadRequest(f"{unknown[0]}: unknown field")
        current = _profile_fields(self.venue.liquidity)
        for name in _PROFILE_FIELDS:
            if name in payload:
                value = _decimal(payload, name)
                if name == "levels" and value != value.to_integral_value():
                    raise _BadRequest("levels: expected a whole number")
                current[name] = int(value) if name == "levels" else value
        profile = LiquidityProfile(
            spread_bps=Decimal(current["spread_bps"]),
            levels=int(current["levels"]),
            level_step_bps=Decimal(current["level_step_bps"]),
            level_qty_quote=Decimal(current["level_qty_quote"]),
            depth_growth=Decimal(current["depth_growth"]),
        )
        try:
            self.venue.set_liquidity(profile)
        except EngineRejection as e:
            raise _BadRequest(e.message) from e
        return _json(_profile_json(self.venue.liquidity))


def _profile_fields(profile: LiquidityProfile) -> dict[str, Decimal | int]:
    return {name: getattr(profile, name) for name in _PROFILE_FIELDS}


def _profile_json(profile: LiquidityProfile) -> dict[str, object]:
    return {name: str(getattr(profile, name)) for name in _PROFILE_FIELDS}


def state(venue: Venue) -> dict[str, object]:
    """The venue's state as JSON: scenario, clocks, prices, liquidity, modes and balances."""
    engine = venue.engine
    return {
        "scenario": {
            "name": venue.scenario.name,
            "description": venue.scenario.description,
            "duration_s": venue.scenario.duration_s,
        },
        "seed": venue.seed,
        "speed": venue.clock.speed,
        "sim_time": venue.now_ms(),
        "server_time": venue.server_ms(),
        "elapsed_s": venue.elapsed_s(),
        "symbols": [
            {"symbol": spec.symbol, "reference_price": str(engine.reference_price(spec.symbol))}
            for spec in venue.specs
        ],
        "liquidity": _profile_json(venue.liquidity),
        "modes": modes_to_json(venue.modes),
        "accounts": [
            {
                "name": account.name,
                "balances": {
                    b.asset: {"free": str(b.free), "locked": str(b.locked)}
                    for b in engine.balances(account.name)
                },
            }
            for account in venue.accounts
        ],
        "fees_collected": {asset: str(fee) for asset, fee in engine.fees_collected().items()},
    }


def _auth(token: str) -> Middleware:
    expected = f"Bearer {token}".encode()

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        given = request.headers.get("Authorization", "").encode()
        if not hmac.compare_digest(given, expected):
            return web.Response(
                status=401,
                text=json.dumps({"error": "unauthorized"}),
                content_type="application/json",
                headers={"WWW-Authenticate": "Bearer"},
            )
        try:
            return await handler(request)
        except _BadRequest as e:
            return _json({"error": str(e)}, status=400)

    return middleware


def admin_application(venue: Venue, token: str) -> web.Application:
    """The admin API: GET/PUT/DELETE /faults and /modes, GET /requests and /state, POST /shock
    and /liquidity."""
    api = AdminApi(venue)
    app = web.Application(middlewares=[_auth(token)])
    app.router.add_get("/faults", api.get_faults)
    app.router.add_put("/faults", api.put_faults)
    app.router.add_delete("/faults", api.delete_faults)
    app.router.add_get("/modes", api.get_modes)
    app.router.add_put("/modes", api.put_modes)
    app.router.add_delete("/modes", api.delete_modes)
    app.router.add_get("/requests", api.get_requests)
    app.router.add_get("/state", api.get_state)
    app.router.add_post("/shock", api.post_shock)
    app.router.add_post("/liquidity", api.post_liquidity)
    return app
