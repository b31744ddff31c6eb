"""The role × route matrix: allowed -> 2xx, forbidden -> 403, no/expired/revoked token -> 401."""

from pathlib import Path
from typing import Any

import pytest

from lyrad.security.roles import Permission, Role, is_allowed
from tests.integration.http.control_support import Harness, control_harness

INTENT = {"venue": "sim", "symbol": "BTC/USDT", "side": "buy", "type": "limit"}
INTENT |= {"amount": "0.01", "price": "30000"}

# name -> (method, path, body, permission); the revoke target is filled in per harness.
ROUTES: dict[str, tuple[str, str, Any, Permission]] = {
    "status": ("GET", "/v1/status", None, Permission.READ),
    "orders": ("GET", "/v1/orders?state=all", None, Permission.READ),
    "positions": ("GET", "/v1/positions", None, Permission.READ),
    "intents": ("POST", "/v1/intents", INTENT, Permission.TRADE),
    "cancel": ("POST", "/v1/orders/c1/cancel", None, Permission.TRADE),
    "halt": ("POST", "/v1/halt", {"flatten": True, "reason": "matrix"}, Permission.OPERATE),
    "resume": ("POST", "/v1/resume", {"reason": "matrix"}, Permission.OPERATE),
    "reload": ("POST", "/v1/reload", None, Permission.OPERATE),
    "rollout_advance": ("POST", "/v1/rollout/advance", None, Permission.OPERATE),
    "audit": ("GET", "/v1/audit?limit=5", None, Permission.AUDIT),
    "tokens": ("GET", "/v1/tokens", None, Permission.TOKENS),
    "token_create": ("POST", "/v1/tokens", {"role": "viewer", "expires": "1h"}, Permission.TOKENS),
    "token_revoke": ("POST", "/v1/tokens/{spare}/revoke", None, Permission.TOKENS),
}


def _spare(h: Harness) -> str:
    return next(r.id for r in h.store.records() if r.role is Role.AUDITOR)


async def _status_of(h: Harness, name: str, **auth: Any) -> tuple[int, dict[str, Any]]:
    method, path, body, _ = ROUTES[name]
    return await h.call(method, path.replace("{spare}", _spare(h)), body=body, **auth)


@pytest.mark.parametrize("role", list(Role))
async def test_each_role_gets_exactly_its_routes(tmp_path: Path, role: Role) -> None:
    async with control_harness(tmp_path) as h:
        got: dict[str, int] = {}
        expected: dict[str, int] = {}
        for name, (_, _, _, permission) in ROUTES.items():
            calls_before = len(h.plane.calls)
            status, body = await _status_of(h, name, role=role)
            got[name] = status // 100 * 100 if status < 300 else status
            expected[name] = 200 if is_allowed(role, permission) else 403
            if status == 403:
                assert body["error"].startswith(f"role {role.value} may not "), body
                assert len(h.plane.calls) == calls_before  # nothing was done
        assert got == expected
        denied = h.audit_events().count("access_denied")
        assert denied == list(expected.values()).count(403)


async def test_without_a_token_every_route_is_401(tmp_path: Path) -> None:
    async with control_harness(tmp_path) as h:
        for name in ROUTES:
            status, body = await _status_of(h, name)
            assert (name, status) == (name, 401)
            assert body == {"error": "missing bearer token (send Authorization: Bearer <token>)"}
        assert h.plane.calls == []


async def test_expired_and_revoked_tokens_are_refused_everywhere(tmp_path: Path) -> None:
    async with control_harness(tmp_path) as h:
        h.store.revoke(
            next(r.id for r in h.store.records() if r.role is Role.ADMIN),
            audit=h.audit,
            actor="test",
        )
        for name in ROUTES:
            status, body = await _status_of(h, name, role=Role.ADMIN)
            assert (name, status, body) == (name, 401, {"error": "token revoked"})
        h.clock.advance(86_400)  # every token was made for one day
        for name in ROUTES:
            status, body = await _status_of(h, name, role=Role.OPERATOR)
            assert (name, status, body) == (name, 401, {"error": "token expired"})
        assert h.plane.calls == []


async def test_bad_and_forged_tokens_are_401(tmp_path: Path) -> None:
    async with control_harness(tmp_path) as h:
        admin = h.tokens[Role.ADMIN]
        forged = admin[:-1] + ("A" if admin[-1] != "A" else "B")
        cases = {
            forged: "invalid token",
            "not-a-token": "malformed bearer token",
            admin + "x": "malformed bearer token",
        }
        for token, message in cases.items():
            assert await h.call("GET", "/v1/status", token=token) == (401, {"error": message})
        for header in ("Basic abc", "Bearer", "Bearer   ", admin):
            status, body = await h.call("GET", "/v1/status", headers={"Authorization": header})
            assert status == 401, header
            assert body["error"] in {"malformed bearer token", "missing bearer token"} or (
                body["error"].startswith("missing bearer token")
            )
