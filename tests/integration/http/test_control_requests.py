"""Bodies, limits, refusals and what each action leaves in the audit log."""

import json
from pathlib import Path
from typing import Any

import pytest

from lyrad.http.control_plane import ReloadOutcome, Unavailable
from lyrad.security.audit_verify import verify_audit
from lyrad.security.config import ControlConfig
from lyrad.security.roles import Role
from lyrad.security.tokens import TokenRecord
from tests.integration.http.control_support import control_harness
from tests.integration.http.test_control_roles import INTENT

ADMIN = Role.ADMIN


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({**INTENT, "amount": "0"}, "amount: Input should be greater than 0"),
        ({**INTENT, "amount": "NaN"}, "amount: Input should be a finite number"),
        ({**INTENT, "amount": "1e-30"}, "amount: Decimal input should have no more than 18"),
        ({**INTENT, "side": "sideways"}, "side: Input should be 'buy' or 'sell'"),
        ({**INTENT, "symbol": "btc-usdt"}, "symbol: String should match pattern"),
        ({**INTENT, "price": None}, "price: a limit order needs a price"),
        ({**INTENT, "type": "market"}, "price: a market order takes no price"),
        ({**INTENT, "leverage": 100}, "leverage: Extra inputs are not permitted"),
        ({k: v for k, v in INTENT.items() if k != "venue"}, "venue: Field required"),
        ([1, 2], "body: Input should be an object"),
        ("text", "body: Input should be an object"),
    ],
)
async def test_a_bad_intent_is_400_naming_the_field(
    tmp_path: Path, body: Any, message: str
) -> None:
    async with control_harness(tmp_path) as h:
        status, answer = await h.call("POST", "/v1/intents", role=ADMIN, body=body)
        assert status == 400
        assert answer["error"].startswith(message), answer
        assert h.plane.intents == []
        assert "intent_submitted" not in h.audit_events()


async def test_malformed_json_wrong_type_and_oversized_bodies(tmp_path: Path) -> None:
    config = ControlConfig(tokens_path=tmp_path / "tokens.json", max_body_bytes=1024)
    async with control_harness(tmp_path, config=config) as h:
        json_type = {"Content-Type": "application/json"}
        assert await h.call(
            "POST", "/v1/intents", role=ADMIN, data=b"{nope", headers=json_type
        ) == (400, {"error": "body is not valid JSON"})
        assert await h.call(
            "POST",
            "/v1/halt",
            role=ADMIN,
            data=b'{"flatten": true}',
            headers={"Content-Type": "text/plain"},
        ) == (415, {"error": "Content-Type must be application/json"})
        big = json.dumps({**INTENT, "pad": "x" * 2000}).encode()
        assert await h.call("POST", "/v1/intents", role=ADMIN, data=big, headers=json_type) == (
            413,
            {"error": "body is larger than 1024 bytes"},
        )
        over_server = b"x" * (70 * 1024)
        status, _ = await h.call(
            "POST", "/v1/halt", role=ADMIN, data=over_server, headers=json_type
        )
        assert status == 413
        assert h.plane.calls == []


async def test_unknown_paths_methods_and_queries_answer_in_json(tmp_path: Path) -> None:
    async with control_harness(tmp_path) as h:
        assert (await h.call("GET", "/v1/nothing", role=ADMIN))[0] == 404
        status, body = await h.call("DELETE", "/v1/status", role=ADMIN)
        assert status == 405
        assert "error" in body
        assert await h.call("GET", "/v1/orders?state=closed", role=ADMIN) == (
            400,
            {"error": "state: Input should be 'open' or 'all'"},
        )
        assert await h.call("GET", "/v1/orders?limit=1&limit=2", role=ADMIN) == (
            400,
            {"error": "limit: given more than once"},
        )
        assert await h.call("GET", "/v1/orders?color=red", role=ADMIN) == (
            400,
            {"error": "color: Extra inputs are not permitted"},
        )
        assert (await h.call("POST", "/v1/orders/bad%20id/cancel", role=ADMIN))[0] == 400


async def test_reads_return_exact_decimals(tmp_path: Path) -> None:
    async with control_harness(tmp_path) as h:
        status, body = await h.call("GET", "/v1/orders", role=Role.VIEWER)
        assert status == 200
        assert [o["client_order_id"] for o in body["orders"]] == ["c1"]
        assert body["orders"][0]["price"] == "30000.10"
        status, body = await h.call("GET", "/v1/orders?state=all&symbol=ETH/USDT", role=Role.VIEWER)
        assert [o["state"] for o in body["orders"]] == ["filled"]
        status, body = await h.call("GET", "/v1/positions", role=Role.VIEWER)
        assert body["positions"][0]["average_cost"] == "29000.5"
        status, body = await h.call("GET", "/v1/status", role=Role.VIEWER)
        assert body["trading_state"] == "active"


async def test_actions_are_audited_before_they_run(tmp_path: Path) -> None:
    async with control_harness(tmp_path) as h:
        status, body = await h.call("POST", "/v1/intents", role=Role.TRADER, body=INTENT)
        assert status == 201
        assert body["accepted"] is True
        assert h.plane.intents[0].source.startswith("api:")
        assert h.plane.intents[0].amount.as_tuple() == (0, (1,), -2)
        status, body = await h.call(
            "POST", "/v1/halt", role=Role.OPERATOR, body={"flatten": True, "reason": "drill"}
        )
        assert (status, body["trading_state"]) == (200, "halted")
        assert "drill" in body["trading_reason"]
        assert h.plane.calls[-2] == "halt(flatten=True)"
        assert (await h.call("POST", "/v1/resume", role=Role.OPERATOR))[0] == 200
        assert (await h.call("POST", "/v1/orders/c1/cancel", role=Role.TRADER))[0] == 202
        assert (await h.call("POST", "/v1/reload", role=Role.OPERATOR))[0] == 200
        records = h.audit.read(limit=100)
        actions = [r for r in records if r.event not in ("token_created",)]
        assert [r.event for r in actions] == [
            "intent_submitted",
            "halt",
            "resume",
            "order_cancel",
            "config_reload",
        ]
        halt = actions[1]
        assert halt.details == {"role": "operator", "flatten": True, "reason": "drill"}
        assert halt.actor == f"token:{_record(h.store.records(), Role.OPERATOR).id}"
        assert verify_audit(h.audit.path).is_intact


def _record(records: list[TokenRecord], role: Role) -> TokenRecord:
    return next(r for r in records if r.role is role)


async def test_plane_refusals_map_to_4xx_and_are_audited(tmp_path: Path) -> None:
    async with control_harness(tmp_path) as h:
        assert await h.call("POST", "/v1/orders/zz9/cancel", role=ADMIN) == (
            404,
            {"error": "no order zz9"},
        )
        assert await h.call("POST", "/v1/orders/c2/cancel", role=ADMIN) == (
            409,
            {"error": "order c2 is already filled"},
        )
        h.plane.reject_reason = "max_notional"
        assert await h.call("POST", "/v1/intents", role=ADMIN, body=INTENT) == (
            422,
            {"error": "rejected by the risk gate: max_notional", "intent_id": "api-1"},
        )
        h.plane.reload_outcome = ReloadOutcome(False, "cfg.toml: http.port: unknown key")
        assert await h.call("POST", "/v1/reload", role=ADMIN) == (
            422,
            {"error": "config not applied: cfg.toml: http.port: unknown key"},
        )
        h.plane.fail_with = Unavailable("the daemon is stopping")
        assert await h.call("POST", "/v1/resume", role=ADMIN) == (
            503,
            {"error": "the daemon is stopping"},
        )
        events = h.audit_events()
        assert events.count("order_cancel_failed") == 2
        assert "intent_rejected" in events
        assert "config_reload_refused" in events
        assert events[-2:] == ["resume", "resume_failed"]


async def test_an_unexpected_plane_error_is_500_without_details(tmp_path: Path) -> None:
    async with control_harness(tmp_path) as h:
        h.plane.fail_with = RuntimeError("db at /secret/path exploded")
        assert await h.call("GET", "/v1/status", role=ADMIN) == (
            500,
            {"error": "internal error; see the daemon log"},
        )


async def test_no_action_runs_when_the_audit_log_cannot_record_it(tmp_path: Path) -> None:
    async with control_harness(tmp_path) as h:
        h.audit.path.unlink()
        h.audit.path.mkdir()  # appends now fail
        for method, path, body in [
            ("POST", "/v1/halt", None),
            ("POST", "/v1/intents", INTENT),
            ("POST", "/v1/orders/c1/cancel", None),
            ("POST", "/v1/tokens", {"role": "admin", "expires": "1h"}),
        ]:
            status, answer = await h.call(method, path, role=ADMIN, body=body)
            assert status == 503, (path, answer)
            assert "audit log unavailable" in answer["error"]
        assert h.plane.calls == []
        assert len(h.store.records()) == len(Role)  # no token was created


async def test_admin_manages_tokens_over_the_api(tmp_path: Path) -> None:
    async with control_harness(tmp_path) as h:
        status, body = await h.call(
            "POST",
            "/v1/tokens",
            role=ADMIN,
            body={"role": "trader", "expires": "2h", "name": "bot"},
        )
        assert status == 201
        new_token, new_id = body["token"], body["id"]
        assert body["expires_at"] == "2025-06-01T14:00:00.000Z"
        assert new_token not in h.store.path.read_text()
        assert (await h.call("GET", "/v1/status", token=new_token))[0] == 200
        status, listing = await h.call("GET", "/v1/tokens", role=ADMIN)
        assert new_id in [t["id"] for t in listing["tokens"]]
        assert all("digest" not in t for t in listing["tokens"])
        assert (await h.call("POST", f"/v1/tokens/{new_id}/revoke", role=ADMIN))[1]["status"] == (
            "revoked"
        )
        assert await h.call("GET", "/v1/status", token=new_token) == (
            401,
            {"error": "token revoked"},
        )
        assert (await h.call("POST", "/v1/tokens/000000000000/revoke", role=ADMIN))[0] == 404
        assert (
            await h.call("POST", "/v1/tokens", role=ADMIN, body={"role": "root", "expires": "1h"})
        )[0] == 400
        too_long = {"role": "viewer", "expires": "400d"}
        assert await h.call("POST", "/v1/tokens", role=ADMIN, body=too_long) == (
            400,
            {"error": "a token lives more than 0s and at most 365d"},
        )
