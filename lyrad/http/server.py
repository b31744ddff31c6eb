"""aiohttp server component: /healthz, /readyz, /metrics; more routes plug in by registrar."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import structlog
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from lyrad.config.sections import HttpConfig
from lyrad.runtime.component import ReadyCallback

log = structlog.get_logger("lyrad.http", component="http")

RouteRegistrar = Callable[[web.Application], None]
MAX_BODY_BYTES = 64 * 1024


class ReadinessView(Protocol):
    def readiness(self) -> tuple[bool, dict[str, Any]]:
        """(ready, body): body lists component states and the trading state."""
        ...


class HttpServer:
    """Serves health and metrics on the configured address; signals are left to lyrad."""

    def __init__(
        self,
        config: HttpConfig,
        registry: CollectorRegistry,
        readiness: ReadinessView,
        registrars: Sequence[RouteRegistrar] = (),
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self._config = config
        self._registry = registry
        self._readiness = readiness
        self._registrars = registrars
        self._ssl_context = ssl_context

    def build_app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_BODY_BYTES)
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/readyz", self._readyz)
        app.router.add_get("/metrics", self._metrics)
        for register in self._registrars:
            register(app)
        return app

    async def run(self, ready: ReadyCallback) -> None:
        runner = web.AppRunner(self.build_app(), handle_signals=False, access_log=None)
        await runner.setup()
        try:
            listen = self._config.listen
            site = web.TCPSite(
                runner, listen.host, listen.port, reuse_address=True, ssl_context=self._ssl_context
            )
            await site.start()
            log.info("http_listening", address=str(listen))
            ready()
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()

    async def _healthz(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def _readyz(self, request: web.Request) -> web.Response:
        is_ready, body = self._readiness.readiness()
        return web.json_response(body, status=200 if is_ready else 503)

    async def _metrics(self, request: web.Request) -> web.Response:
        # Rendering walks every series; off the loop it never stalls trading.
        loop = asyncio.get_running_loop()
        payload = await asyncio.wait_for(
            loop.run_in_executor(None, generate_latest, self._registry),
            self._config.metrics_render_timeout.total_seconds(),
        )
        return web.Response(body=payload, headers={"Content-Type": CONTENT_TYPE_LATEST})
