"""Who may call the control API: bearer tokens, roles, and slowing down failed attempts."""

from __future__ import annotations

import asyncio
import math
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Final, NoReturn

import structlog
from aiohttp import web

from lyrad.http.control_bodies import ApiError
from lyrad.http.control_metrics import ControlMetrics
from lyrad.security.audit import AuditSink
from lyrad.security.errors import AuditError, TokenError
from lyrad.security.roles import Permission, is_allowed
from lyrad.security.tokens import AuthFailure, TokenRecord, TokenStore

log = structlog.get_logger("lyrad.http.control", component="http")

Sleep = Callable[[float], Awaitable[None]]
MAX_TRACKED_ADDRESSES: Final = 10_000
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="lyrad"'}
_MESSAGES = {
    AuthFailure.MISSING: "missing bearer token (send Authorization: Bearer <token>)",
    AuthFailure.MALFORMED: "malformed bearer token",
    AuthFailure.UNKNOWN: "invalid token",
    AuthFailure.EXPIRED: "token expired",
    AuthFailure.REVOKED: "token revoked",
}
_ACTIONS = {
    Permission.READ: "read daemon state",
    Permission.TRADE: "submit or cancel orders",
    Permission.OPERATE: "halt, resume or reload",
    Permission.TOKENS: "manage tokens",
    Permission.AUDIT: "read the audit log",
}


class FailureThrottle:
    """Counts failures per client address in a sliding window; past a free allowance each
    further failure is answered after a delay that doubles up to a ceiling."""

    def __init__(
        self,
        *,
        window_s: float,
        free: int,
        base_delay_s: float,
        max_delay_s: float,
        monotonic: Callable[[], float],
    ) -> None:
        self._window = window_s
        self._free = free
        self._base = base_delay_s
        self._max = max_delay_s
        self._monotonic = monotonic
        self._seen: dict[str, deque[float]] = {}

    def failure(self, key: str) -> float:
        """Record one failure from `key`; the delay (seconds) before refusing it."""
        now = self._monotonic()
        times = self._seen.pop(key, None) or deque()
        while times and times[0] <= now - self._window:
            times.popleft()
        times.append(now)
        self._seen[key] = times  # most recent last, so eviction drops the stalest
        if len(self._seen) > MAX_TRACKED_ADDRESSES:
            del self._seen[next(iter(self._seen))]
        excess = len(times) - self._free
        if excess <= 0:
            return 0.0
        return min(self._max, self._base * 2.0 ** min(excess - 1, 62))

    def failures(self, key: str) -> int:
        now = self._monotonic()
        return sum(1 for t in self._seen.get(key, ()) if t > now - self._window)


def _bearer(header: str | None) -> str | AuthFailure:
    if header is None or not header.strip():
        return AuthFailure.MISSING
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return AuthFailure.MALFORMED
    return token.strip()


class Gatekeeper:
    """Authenticates a request, checks its role and records every refusal."""

    def __init__(
        self,
        *,
        tokens: TokenStore,
        audit: AuditSink,
        throttle: FailureThrottle,
        metrics: ControlMetrics,
        sleep: Sleep,
        max_delayed: int,
    ) -> None:
        self._tokens = tokens
        self._audit = audit
        self._throttle = throttle
        self._metrics = metrics
        self._sleep = sleep
        self._max_delayed = max_delayed
        self._delayed = 0

    async def admit(self, request: web.Request, route: str, permission: Permission) -> TokenRecord:
        """The caller's token record, or ApiError 401/403/429/503."""
        token = _bearer(request.headers.get("Authorization"))
        try:
            outcome = token if isinstance(token, AuthFailure) else self._tokens.authenticate(token)
        except TokenError as e:
            log.error("token_store_unreadable", reason=str(e))
            raise ApiError(503, "token store unavailable; see the daemon log") from None
        if isinstance(outcome, AuthFailure):
            await self._refuse(request, route, outcome)
        if not is_allowed(outcome.role, permission):
            self._metrics.denied.labels(route).inc()
            await self._record(
                "access_denied",
                f"token:{outcome.id}",
                {"route": route, "role": outcome.role.value, "needs": permission.value},
            )
            raise ApiError(403, f"role {outcome.role} may not {_ACTIONS[permission]}")
        return outcome

    async def _refuse(self, request: web.Request, route: str, failure: AuthFailure) -> NoReturn:
        remote = request.remote or "unknown"
        delay = self._throttle.failure(remote)
        self._metrics.auth_failures.labels(failure.value).inc()
        if delay > 0 and self._delayed >= self._max_delayed:
            retry = str(max(1, math.ceil(delay)))
            raise ApiError(429, "too many failed attempts; slow down", {"Retry-After": retry})
        await self._record("auth_failed", f"remote:{remote}", {"route": route, "reason": failure})
        if delay > 0:
            self._delayed += 1
            try:
                await self._sleep(delay)
            finally:
                self._delayed -= 1
        raise ApiError(401, _MESSAGES[failure], _CHALLENGE)

    async def _record(self, event: str, actor: str, details: dict[str, object]) -> None:
        # A refusal stands even when it cannot be recorded; the failure is logged loudly.
        try:
            await asyncio.to_thread(self._audit.append, event, actor, details)
        except AuditError as e:
            log.error("audit_append_failed", audit_event=event, reason=str(e))
