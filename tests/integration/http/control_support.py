"""A control API on the real HttpServer app, served by aiohttp's test server on 127.0.0.1."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Mapping, MutableMapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import structlog
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client import CollectorRegistry

from lyrad.config.sections import HttpConfig
from lyrad.http.control import ControlApi
from lyrad.http.server import HttpServer
from lyrad.security.audit import AuditLog
from lyrad.security.config import ControlConfig
from lyrad.security.redaction import Redactor
from lyrad.security.roles import Role
from lyrad.security.tokens import TokenStore
from tests.integration.http.fake_plane import FakeControlPlane


class Clock:
    def __init__(self) -> None:
        self.wall = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
        self.mono = 1000.0

    def now(self) -> datetime:
        return self.wall

    def monotonic(self) -> float:
        return self.mono

    def advance(self, seconds: float) -> None:
        self.wall += timedelta(seconds=seconds)
        self.mono += seconds


class Ready:
    def readiness(self) -> tuple[bool, dict[str, Any]]:
        return True, {"ready": True}


@dataclass
class Harness:
    client: TestClient[web.Request, web.Application]
    plane: FakeControlPlane
    store: TokenStore
    audit: AuditLog
    clock: Clock
    registry: CollectorRegistry
    tokens: dict[Role, str]
    delays: list[float] = field(default_factory=list)
    logs: list[MutableMapping[str, Any]] = field(default_factory=list)  # every log event

    async def call(
        self,
        method: str,
        path: str,
        *,
        role: Role | None = None,
        token: str | None = None,
        body: object = None,
        data: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[int, dict[str, Any]]:
        sent = dict(headers or {})
        bearer = token if token is not None else (self.tokens[role] if role else None)
        if bearer is not None:
            sent["Authorization"] = f"Bearer {bearer}"
        if body is not None:
            data = json.dumps(body).encode()
            sent.setdefault("Content-Type", "application/json")
        async with self.client.request(method, path, data=data, headers=sent) as response:
            text = await response.text()
            assert response.content_type == "application/json", text
            parsed: dict[str, Any] = json.loads(text)
            return response.status, parsed

    def audit_events(self) -> list[str]:
        return [r.event for r in self.audit.read(limit=10_000)]


@asynccontextmanager
async def control_harness(
    tmp_path: Path,
    *,
    config: ControlConfig | None = None,
    plane: FakeControlPlane | None = None,
    redactor: Redactor | None = None,
    capture_logs: bool = True,
) -> AsyncIterator[Harness]:
    """With `capture_logs`, log events are collected in `Harness.logs` instead of printed."""
    clock = Clock()
    cfg = config or ControlConfig(tokens_path=tmp_path / "tokens.json")
    store = TokenStore(cfg.tokens_path, now=clock.now, max_lifetime=cfg.max_token_lifetime)
    audit = AuditLog(tmp_path / "audit.jsonl", now=clock.now, redactor=redactor)
    fake = plane or FakeControlPlane()
    registry = CollectorRegistry()
    delays: list[float] = []

    async def sleep(seconds: float) -> None:
        delays.append(seconds)

    api = ControlApi(
        plane=fake,
        tokens=store,
        audit=audit,
        config=cfg,
        monotonic=clock.monotonic,
        registry=registry,
        redactor=redactor,
        sleep=sleep,
    )
    server = HttpServer(HttpConfig(), CollectorRegistry(), Ready(), registrars=[api.register])
    logs: list[MutableMapping[str, Any]] = []
    with structlog.testing.capture_logs() if capture_logs else contextlib.nullcontext(logs) as logs:
        tokens = {
            role: store.create(role, timedelta(days=1), role.value, audit=audit, actor="t").token
            for role in Role
        }
        async with TestClient(TestServer(server.build_app(), host="127.0.0.1")) as client:
            yield Harness(client, fake, store, audit, clock, registry, tokens, delays, logs)
