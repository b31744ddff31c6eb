"""The venue's front door for HTTP dialects: injected faults and the request log.

Runs before any dialect code so that a fault looks like the network or the venue's gateway
misbehaving: latency before the request is read, an error answer instead of handling, a
connection closed without an answer (request not applied), or a request applied whose
answer never arrives (the connection is held until the client gives up, then closed).
"""

from __future__ import annotations

import asyncio
import json

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from lyrad.sim.binance import errors
from lyrad.sim.faults import FaultDecision
from lyrad.sim.venue import Venue

LOST_RESPONSE_HOLD_S = 120.0
_POLL_S = 0.02


def fault_error_response(decision: FaultDecision) -> web.Response:
    """A Binance-style `{"code","msg"}` body when the rule has a code, else plain text."""
    if decision.code is not None:
        body = json.dumps({"code": decision.code, "msg": decision.message or ""})
        return web.Response(
            status=decision.status, text=body, content_type="application/json", charset="UTF-8"
        )
    return web.Response(status=decision.status, text=decision.message or "")


def storm_response(venue: Venue) -> web.Response:
    """A rate-limit storm's refusal, as Binance answers too much weight (429, -1003)."""
    storm = venue.storm.storm
    retry_after = storm.retry_after_s if storm is not None else 1
    error = errors.too_much_weight(venue.limiter.rules.request_weight_per_minute)
    return web.Response(
        status=error.status,
        text=json.dumps(error.body()),
        content_type="application/json",
        charset="UTF-8",
        headers={"Retry-After": str(retry_after)},
    )


def _close(request: web.Request) -> None:
    transport = request.transport
    if transport is not None:
        transport.close()


async def _hold_until_client_leaves(request: web.Request, hold_s: float) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + hold_s
    while loop.time() < deadline:
        transport = request.transport
        if transport is None or transport.is_closing():
            return
        await asyncio.sleep(_POLL_S)


def gateway(venue: Venue, *, lost_response_hold_s: float = LOST_RESPONSE_HOLD_S) -> Middleware:
    """The aiohttp middleware that applies the venue's faults and records every request."""

    def record(request: web.Request, status: int, outcome: str) -> None:
        venue.request_log.append(
            venue.server_ms(), venue.now_ms(), request.method, request.path, status, outcome
        )

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if venue.storm.refuses(request.method, request.path):
            record(request, errors.TOO_MANY_REQUESTS, "fault_error")
            return storm_response(venue)
        decision = venue.faults.decide(request.method, request.path, venue.elapsed_s())
        if decision.latency_s > 0:
            await asyncio.sleep(decision.latency_s)
        if decision.action == "error":
            record(request, decision.status, "fault_error")
            return fault_error_response(decision)
        if decision.action == "drop":
            record(request, 0, "dropped")
            _close(request)
            return web.Response(status=503)  # never reaches the client: the socket is closed
        response = await handler(request)
        if decision.action == "lost_response":
            record(request, 0, "lost_response")
            await _hold_until_client_leaves(request, lost_response_hold_s)
            _close(request)
            return response
        record(request, response.status, "answered")
        return response

    return middleware
