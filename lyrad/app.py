"""Composition root: Settings -> objects -> components -> Supervisor. Nothing else builds."""

from __future__ import annotations

import asyncio
import random
import time
from pathlib import Path
from typing import Any

from lyrad.config.settings import Settings, load_settings
from lyrad.http.server import HttpServer
from lyrad.logging import configure_logging
from lyrad.metrics import DaemonMetrics, new_registry
from lyrad.runtime.backoff import RestartPolicy
from lyrad.runtime.component import ComponentSpec
from lyrad.runtime.daemon import Daemon, Outcome
from lyrad.runtime.sdnotify import SdNotifier
from lyrad.runtime.signals import SignalIntents
from lyrad.runtime.supervisor import Supervisor
from lyrad.security.redaction import Redactor
from lyrad.trading.state import TradingState, TradingStateHolder


class App:
    """Holds the objects that live as long as the process; builds component specs per settings."""

    def __init__(self, settings: Settings) -> None:
        self.redactor = Redactor()
        self.registry = new_registry()
        self.metrics = DaemonMetrics(self.registry)
        self.trading = TradingStateHolder()
        daemon = settings.daemon
        self.supervisor = Supervisor(
            policy=RestartPolicy(
                initial_backoff_s=daemon.restart_initial_backoff.total_seconds(),
                max_backoff_s=daemon.restart_max_backoff.total_seconds(),
                budget=daemon.restart_budget,
                window_s=daemon.restart_window.total_seconds(),
            ),
            ready_timeout_s=daemon.ready_timeout.total_seconds(),
            stop_timeout_s=daemon.stop_timeout.total_seconds(),
            metrics=self.metrics,
            monotonic=time.monotonic,
            rng=random.Random(),
        )

    def components(self, settings: Settings) -> list[ComponentSpec]:
        http = settings.http
        return [
            ComponentSpec(
                "http",
                lambda: HttpServer(http, self.registry, self),
                critical=True,
                sections=frozenset({"http"}),
            ),
        ]

    def apply(self, settings: Settings) -> None:
        configure_logging(level=settings.log.level, fmt=settings.log.format, redactor=self.redactor)

    def on_stopping(self) -> None:
        self.trading.set(TradingState.REDUCING, "daemon stopping")

    def readiness(self) -> tuple[bool, dict[str, Any]]:
        statuses = self.supervisor.statuses()
        ready = self.supervisor.is_ready()
        body = {
            "ready": ready,
            "trading_state": self.trading.state.value,
            "trading_reason": self.trading.status.reason,
            "components": [
                {
                    "name": s.name,
                    "state": s.state.value,
                    "critical": s.critical,
                    "restarts": s.restarts,
                    "last_error": self.redactor.redact_text(s.last_error) if s.last_error else None,
                }
                for s in statuses
            ],
        }
        return ready, body


async def run_daemon(settings: Settings, config_path: Path | None) -> bool:
    """Run until stopped; True for a clean stop, False when the daemon failed."""
    loop = asyncio.get_running_loop()
    app = App(settings)
    intents = SignalIntents()
    intents.install(loop)
    try:
        daemon = Daemon(
            settings=settings,
            load=lambda: load_settings(config_path),
            assembly=app,
            notifier=SdNotifier.from_env(),
            metrics=app.metrics,
            intents=intents,
        )
        return await daemon.run() is Outcome.STOPPED
    finally:
        intents.uninstall(loop)
