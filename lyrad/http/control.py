"""The control API on the daemon's HTTP server: `ControlApi.register` is its route registrar."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import structlog
from aiohttp import web
from prometheus_client import CollectorRegistry

from lyrad.http.control_auth import FailureThrottle, Gatekeeper, Sleep
from lyrad.http.control_bodies import (
    ApiError,
    AuditQuery,
    EmptyBody,
    HaltBody,
    IntentBody,
    OrdersQuery,
    ResumeBody,
    TokenBody,
    read_body,
    read_query,
)
from lyrad.http.control_metrics import ControlMetrics
from lyrad.http.control_plane import ControlError, ControlPlane, IntentRequest, OrderQuery
from lyrad.http.control_views import error, ok, plain
from lyrad.security.audit import AuditLog
from lyrad.security.config import ControlConfig
from lyrad.security.errors import AuditError, TokenError
from lyrad.security.redaction import Redactor
from lyrad.security.roles import Permission
from lyrad.security.tokens import TokenRecord, TokenStore

log = structlog.get_logger("lyrad.http.control", component="http")

T = TypeVar("T")
_ORDER_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
_TOKEN_ID = re.compile(r"^[0-9a-f]{12}$")
PREFIX = "/v1/"


@dataclass(frozen=True, slots=True)
class Call:
    """An admitted request and the token it came with."""

    request: web.Request
    principal: TokenRecord

    @property
    def actor(self) -> str:
        return f"token:{self.principal.id}"


Handler = Callable[[Call], Awaitable[web.Response]]


@dataclass(frozen=True, slots=True)
class Route:
    method: str
    path: str
    name: str  # the metric label and audit field: bounded, never the raw path
    permission: Permission
    handler: Handler


class ControlApi:
    """Routes, authentication, validation and auditing; the work is the ControlPlane's."""

    def __init__(
        self,
        *,
        plane: ControlPlane,
        tokens: TokenStore,
        audit: AuditLog,
        config: ControlConfig,
        monotonic: Callable[[], float],
        registry: CollectorRegistry,
        redactor: Redactor | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._plane = plane
        self._tokens = tokens
        self._audit = audit
        self._config = config
        self._redactor = redactor
        self._metrics = ControlMetrics(registry)
        self._gate = Gatekeeper(
            tokens=tokens,
            audit=audit,
            throttle=FailureThrottle(
                window_s=config.auth_failure_window.total_seconds(),
                free=config.auth_free_failures,
                base_delay_s=config.auth_failure_delay.total_seconds(),
                max_delay_s=config.auth_failure_max_delay.total_seconds(),
                monotonic=monotonic,
            ),
            metrics=self._metrics,
            sleep=sleep,
            max_delayed=config.auth_max_delayed,
        )

    def routes(self) -> list[Route]:
        P = Permission
        return [
            Route("GET", "/v1/status", "status", P.READ, self._status),
            Route("GET", "/v1/orders", "orders", P.READ, self._orders),
            Route("GET", "/v1/positions", "positions", P.READ, self._positions),
            Route("POST", "/v1/intents", "intents", P.TRADE, self._submit),
            Route("POST", "/v1/orders/{id}/cancel", "cancel", P.TRADE, self._cancel),
            Route("POST", "/v1/halt", "halt", P.OPERATE, self._halt),
            Route("POST", "/v1/resume", "resume", P.OPERATE, self._resume),
            Route("POST", "/v1/reload", "reload", P.OPERATE, self._reload),
            Route("POST", "/v1/rollout/advance", "rollout_advance", P.OPERATE, self._advance),
            Route("GET", "/v1/audit", "audit", P.AUDIT, self._read_audit),
            Route("GET", "/v1/tokens", "tokens", P.TOKENS, self._list_tokens),
            Route("POST", "/v1/tokens", "token_create", P.TOKENS, self._create_token),
            Route("POST", "/v1/tokens/{id}/revoke", "token_revoke", P.TOKENS, self._revoke_token),
        ]

    def register(self, app: web.Application) -> None:
        """The registrar for `HttpServer`."""
        app.middlewares.append(_json_refusals)
        for route in self.routes():
            app.router.add_route(route.method, route.path, self._bind(route))

    def _bind(self, route: Route) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def handle(request: web.Request) -> web.Response:
            response = await self._serve(route, request)
            self._metrics.requests.labels(route.name, str(response.status)).inc()
            return response

        return handle

    async def _serve(self, route: Route, request: web.Request) -> web.Response:
        try:
            principal = await self._gate.admit(request, route.name, route.permission)
            return await route.handler(Call(request, principal))
        except ApiError as e:
            return error(e.status, self._safe(e.message), e.headers)
        except ControlError as e:
            return error(e.status, self._safe(str(e)))
        except web.HTTPException as e:
            return error(e.status, e.reason)
        except Exception:
            log.exception("control_request_failed", route=route.name)
            return error(500, "internal error; see the daemon log")

    def _safe(self, text: str) -> str:
        return self._redactor.redact_text(text) if self._redactor else text

    def _scrub(self, value: Any) -> Any:
        """Every string in an answer with known secrets masked (keys stay as they are)."""
        if isinstance(value, str):
            return self._safe(value)
        if isinstance(value, dict):
            return {k: self._scrub(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._scrub(v) for v in value]
        return value

    def _ok(self, body: Any, status: int = 200) -> web.Response:
        return ok(self._scrub(body), status)

    # --- auditing: an action runs only after its record is durable -------------------

    async def _perform(
        self, call: Call, event: str, details: Mapping[str, Any], action: Callable[[], Awaitable[T]]
    ) -> T:
        record = {"role": call.principal.role.value, **details}
        try:
            await asyncio.to_thread(self._audit.append, event, call.actor, record)
        except AuditError as e:
            log.error("audit_append_failed", audit_event=event, reason=str(e))
            raise ApiError(503, "audit log unavailable; the action was refused") from None
        try:
            return await action()
        except Exception as e:
            reason = str(e) if isinstance(e, ControlError) else "internal error"
            await self._note(f"{event}_failed", call.actor, {"error": self._safe(reason)})
            raise

    async def _note(self, event: str, actor: str, details: Mapping[str, Any]) -> None:
        try:
            await asyncio.to_thread(self._audit.append, event, actor, details)
        except AuditError as e:
            log.error("audit_append_failed", audit_event=event, reason=str(e))

    # --- reads ------------------------------------------------------------------------

    async def _status(self, call: Call) -> web.Response:
        return self._ok(plain(await self._plane.status()))

    async def _orders(self, call: Call) -> web.Response:
        q = read_query(call.request, OrdersQuery)
        query = OrderQuery(q.state == "open", q.venue, q.symbol, q.limit)
        return self._ok({"orders": plain(await self._plane.orders(query))})

    async def _positions(self, call: Call) -> web.Response:
        return self._ok({"positions": plain(await self._plane.positions())})

    async def _read_audit(self, call: Call) -> web.Response:
        q = read_query(call.request, AuditQuery)
        try:
            records = await asyncio.to_thread(self._audit.read, q.after, q.limit)
        except AuditError as e:
            raise ApiError(503, str(e)) from None
        last = records[-1].seq if records else q.after
        return self._ok({"records": [r.to_json() for r in records], "next_after": last})

    # --- trading ----------------------------------------------------------------------

    async def _submit(self, call: Call) -> web.Response:
        body = await read_body(call.request, IntentBody, self._config.max_body_bytes)
        request = IntentRequest(
            body.venue,
            body.symbol,
            body.side,
            body.type,
            body.amount,
            body.price,
            body.time_in_force,
            body.reduce_only,
            source=f"api:{call.principal.id}",
        )
        details = plain(body.model_dump())
        outcome = await self._perform(
            call, "intent_submitted", details, lambda: self._plane.submit_intent(request)
        )
        if not outcome.accepted:
            await self._note(
                "intent_rejected",
                call.actor,
                {"intent_id": outcome.intent_id, "reason": outcome.reason},
            )
            return self._ok(
                {
                    "error": f"rejected by the risk gate: {outcome.reason}",
                    "intent_id": outcome.intent_id,
                },
                status=422,
            )
        return self._ok(plain(outcome), status=201)

    async def _cancel(self, call: Call) -> web.Response:
        order_id = call.request.match_info["id"]
        if not _ORDER_ID.match(order_id):
            raise ApiError(400, "id: not a valid client order id")
        await read_body(call.request, EmptyBody, self._config.max_body_bytes)
        outcome = await self._perform(
            call,
            "order_cancel",
            {"client_order_id": order_id},
            lambda: self._plane.cancel(order_id),
        )
        return self._ok(plain(outcome), status=202)

    # --- operations -------------------------------------------------------------------

    async def _halt(self, call: Call) -> web.Response:
        body = await read_body(call.request, HaltBody, self._config.max_body_bytes)
        reason = f"{call.actor}: {body.reason}"
        status = await self._perform(
            call,
            "halt",
            {"flatten": body.flatten, "reason": body.reason},
            lambda: self._plane.halt(body.flatten, reason),
        )
        return self._ok(plain(status))

    async def _resume(self, call: Call) -> web.Response:
        body = await read_body(call.request, ResumeBody, self._config.max_body_bytes)
        reason = f"{call.actor}: {body.reason}"
        status = await self._perform(
            call, "resume", {"reason": body.reason}, lambda: self._plane.resume(reason)
        )
        return self._ok(plain(status))

    async def _reload(self, call: Call) -> web.Response:
        await read_body(call.request, EmptyBody, self._config.max_body_bytes)
        outcome = await self._perform(call, "config_reload", {}, self._plane.reload)
        if not outcome.applied:
            await self._note("config_reload_refused", call.actor, {"message": outcome.message})
            return error(422, f"config not applied: {self._safe(outcome.message)}")
        return self._ok(plain(outcome))

    async def _advance(self, call: Call) -> web.Response:
        await read_body(call.request, EmptyBody, self._config.max_body_bytes)
        state = await self._perform(
            call, "rollout_advance", {}, lambda: self._plane.advance_rollout(call.actor)
        )
        return self._ok(dict(state))

    # --- tokens -----------------------------------------------------------------------

    async def _list_tokens(self, call: Call) -> web.Response:
        now = self._tokens.now()
        return self._ok({"tokens": [r.public_json(now) for r in self._tokens.records()]})

    async def _create_token(self, call: Call) -> web.Response:
        body = await read_body(call.request, TokenBody, self._config.max_body_bytes)
        try:
            issued = await asyncio.to_thread(
                self._tokens.create,
                body.role,
                body.expires,
                body.name,
                audit=self._audit,
                actor=call.actor,
            )
        except TokenError as e:
            raise ApiError(400, str(e)) from None
        except AuditError:
            raise ApiError(503, "audit log unavailable; the token was not created") from None
        answer = self._ok(
            {"token": issued.token, **issued.record.public_json(self._tokens.now())}, 201
        )
        if self._redactor is not None:
            self._redactor.register(issued.token)  # from now on, never in a log line
        return answer

    async def _revoke_token(self, call: Call) -> web.Response:
        token_id = call.request.match_info["id"]
        if not _TOKEN_ID.match(token_id):
            raise ApiError(400, "id: not a token id (12 hex digits)")
        await read_body(call.request, EmptyBody, self._config.max_body_bytes)
        try:
            record = await asyncio.to_thread(
                self._tokens.revoke, token_id, audit=self._audit, actor=call.actor
            )
        except TokenError as e:
            raise ApiError(404, str(e)) from None
        except AuditError:
            raise ApiError(503, "audit log unavailable; the token was not revoked") from None
        return self._ok(record.public_json(self._tokens.now()))


@web.middleware
async def _json_refusals(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Unknown paths and methods under /v1/ answer in JSON like every other refusal."""
    if not request.path.startswith(PREFIX):
        return await handler(request)
    try:
        return await handler(request)
    except web.HTTPException as e:
        if e.status < 400:
            raise
        return error(
            e.status, e.reason, {"Allow": e.headers["Allow"]} if "Allow" in e.headers else None
        )
