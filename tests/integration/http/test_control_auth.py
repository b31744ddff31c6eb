"""Failed authentication is counted, audited and slowed down; valid tokens never wait."""

import asyncio
from datetime import timedelta
from pathlib import Path

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client import CollectorRegistry

from lyrad.http.control import ControlApi
from lyrad.http.control_auth import FailureThrottle
from lyrad.security.audit import AuditLog
from lyrad.security.config import ControlConfig
from lyrad.security.roles import Role
from lyrad.security.tokens import TokenStore
from tests.integration.http.control_support import Clock, control_harness
from tests.integration.http.fake_plane import FakeControlPlane

BAD = "lyrad_000000000000_" + "A" * 43


def test_throttle_is_free_then_doubles_up_to_a_ceiling_then_forgets() -> None:
    clock = Clock()
    throttle = FailureThrottle(
        window_s=60, free=2, base_delay_s=0.5, max_delay_s=3, monotonic=clock.monotonic
    )
    delays = [throttle.failure("10.0.0.1") for _ in range(7)]
    assert delays == [0, 0, 0.5, 1, 2, 3, 3]
    assert throttle.failure("10.0.0.2") == 0  # per address
    clock.advance(61)
    assert throttle.failures("10.0.0.1") == 0
    assert throttle.failure("10.0.0.1") == 0


async def test_failures_are_audited_counted_and_delayed(tmp_path: Path) -> None:
    async with control_harness(tmp_path) as h:
        for _ in range(6):
            assert await h.call("GET", "/v1/status", token=BAD) == (401, {"error": "invalid token"})
        assert h.delays == [0.25, 0.5, 1.0]
        for _ in range(3):
            assert (await h.call("GET", "/v1/status", role=Role.VIEWER))[0] == 200
        assert len(h.delays) == 3  # a valid token never waits
        failures = [r for r in h.audit.read(limit=100) if r.event == "auth_failed"]
        assert len(failures) == 6
        assert failures[0].details == {"route": "status", "reason": "unknown"}
        assert failures[0].actor == "remote:127.0.0.1"
        value = h.registry.get_sample_value(
            "lyrad_control_auth_failures_total", {"reason": "unknown"}
        )
        assert value == 6
        assert BAD not in h.audit.path.read_text()


async def test_too_many_waiting_failures_get_429_at_once(tmp_path: Path) -> None:
    clock = Clock()
    config = ControlConfig(
        tokens_path=tmp_path / "tokens.json", auth_free_failures=0, auth_max_delayed=1
    )
    entered, release = asyncio.Event(), asyncio.Event()

    async def held_sleep(seconds: float) -> None:
        entered.set()
        await release.wait()

    store = TokenStore(config.tokens_path, now=clock.now, max_lifetime=timedelta(days=1))
    api = ControlApi(
        plane=FakeControlPlane(),
        tokens=store,
        audit=AuditLog(tmp_path / "audit.jsonl", now=clock.now),
        config=config,
        monotonic=clock.monotonic,
        registry=CollectorRegistry(),
        sleep=held_sleep,
    )
    app = web.Application()
    api.register(app)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        headers = {"Authorization": f"Bearer {BAD}"}

        async def first() -> int:
            async with client.get("/v1/status", headers=headers) as response:
                return response.status

        async with asyncio.TaskGroup() as tg:
            waiting = tg.create_task(first())
            await entered.wait()
            async with client.get("/v1/status", headers=headers) as second:
                assert second.status == 429
                assert second.headers["Retry-After"] == "1"
                assert await second.json() == {"error": "too many failed attempts; slow down"}
            release.set()
        assert waiting.result() == 401


async def test_an_unreadable_token_store_fails_closed(tmp_path: Path) -> None:
    async with control_harness(tmp_path) as h:
        h.store.path.write_text("{not json")
        assert await h.call("GET", "/v1/status", role=Role.ADMIN) == (
            503,
            {"error": "token store unavailable; see the daemon log"},
        )
        assert h.plane.calls == []
