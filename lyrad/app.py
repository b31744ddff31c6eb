"""Composition root: Settings -> objects -> components -> Supervisor. Nothing else builds."""

from __future__ import annotations

import asyncio
import os
import random
import ssl
import time
from pathlib import Path
from typing import Any

from lyrad.config.sections import MarketMakerConfig, VenueConfig
from lyrad.config.settings import Settings, load_settings
from lyrad.config.types import SecretRef
from lyrad.control_plane import DaemonControlPlane
from lyrad.exchanges.adapter import ExchangeAdapter
from lyrad.exchanges.ccxt_adapter import CcxtAdapter
from lyrad.exchanges.clock import SystemClock
from lyrad.exchanges.embedded_sim import EmbeddedSimService, VenueEndpoint
from lyrad.exchanges.metrics import VenueMetrics
from lyrad.exchanges.observed import ObservedAdapter
from lyrad.exchanges.quirks import quirks_for
from lyrad.exchanges.rate_limit import WeightedRateLimiter
from lyrad.exchanges.venue_service import VenueService
from lyrad.http.control import ControlApi
from lyrad.http.control_plane import ReloadOutcome
from lyrad.http.control_tls import exposure_problem, server_ssl_context
from lyrad.http.server import HttpServer
from lyrad.journal.component import JournalService
from lyrad.journal.journal import Journal
from lyrad.logging import configure_logging
from lyrad.metrics import DaemonMetrics, new_registry
from lyrad.runtime.backoff import RestartPolicy
from lyrad.runtime.component import ComponentSpec, ComponentState
from lyrad.runtime.daemon import Daemon, Outcome
from lyrad.runtime.sdnotify import SdNotifier
from lyrad.runtime.signals import SignalIntents
from lyrad.runtime.slot import Slot
from lyrad.runtime.supervisor import Supervisor
from lyrad.security.errors import SecurityError
from lyrad.security.redaction import Redactor
from lyrad.security.secrets import resolve_secret
from lyrad.security.startup import SecurityServices, start_security
from lyrad.strategies.market_maker import MarketMaker
from lyrad.trading.metrics import TradingMetrics
from lyrad.trading.risk.runtime import RiskRuntime
from lyrad.trading.service import (
    ExecutionService,
    JournalKv,
    TradingCore,
    TradingHandle,
    VenueTrading,
)
from lyrad.trading.state import TradingState, TradingStateHolder
from lyrad.trading.stops import StopManager
from lyrad.trading.stops.candles import AdapterCandles
from lyrad.trading.stops.store import LiveStore
from lyrad.validate.cli import DEFAULT_REPORT_DIR
from lyrad.validate.metrics import ValidationMetrics


def wall_clock_ms() -> int:
    return time.time_ns() // 1_000_000


class App:
    """Holds the objects that live as long as the process; builds component specs per settings."""

    def __init__(self, settings: Settings) -> None:
        self.redactor = Redactor()
        self.registry = new_registry()
        self.metrics = DaemonMetrics(self.registry)
        self.trading_metrics = TradingMetrics(self.registry)
        self.venue_metrics = VenueMetrics(self.registry)
        self.validation_metrics = ValidationMetrics(self.registry)
        self.trading = TradingStateHolder()
        self.clock = SystemClock()
        self.journal: Slot[Journal] = Slot("journal")
        self.core: Slot[TradingCore] = Slot("trading core")
        self.handle = TradingHandle(self.core)
        self.stops: Slot[StopManager] = Slot("stops")
        self.risk = RiskRuntime.build(
            settings.risk,
            clock=self.clock,
            trading=self.trading,
            registry=self.registry,
            store=JournalKv(self.journal),
        )
        self.adapters: dict[str, ExchangeAdapter] = {}
        self.venue_trading: dict[str, VenueTrading] = {}
        self._endpoints: dict[str, Slot[VenueEndpoint]] = {}
        self._limiters: dict[str, WeightedRateLimiter] = {}
        self.security: SecurityServices | None = None
        self.plane = DaemonControlPlane(
            core=self.core,
            journal=self.journal,
            trading=self.trading,
            board=self.risk.board,
            rollout=self.risk.rollout,
            readiness=self._states,
        )
        self.control_api: ControlApi | None = None
        self._ssl: ssl.SSLContext | None = None
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

    def start_security(self, settings: Settings) -> None:
        """Audit log, vault, secrets, tokens, control API; SecurityError stops the start."""
        problem = exposure_problem(settings.http.listen, settings.control)
        if problem is not None:
            raise SecurityError(problem)
        self.security = start_security(
            settings,
            vault=settings.vault,
            control=settings.control,
            audit=settings.audit,
            redactor=self.redactor,
            environ=os.environ,
        )
        self._ssl = server_ssl_context(settings.control)
        if settings.control.enabled:
            self.control_api = ControlApi(
                plane=self.plane,
                tokens=self.security.tokens,
                audit=self.security.audit,
                config=settings.control,
                monotonic=time.monotonic,
                registry=self.registry,
                redactor=self.redactor,
            )

    # --- components -----------------------------------------------------------------------

    def components(self, settings: Settings) -> list[ComponentSpec]:
        specs = [self._journal_spec(settings)]
        venue_specs: list[ComponentSpec] = []
        for name, venue in settings.venues.items():
            venue_specs.extend(self._venue_specs(name, venue))
        specs.extend(venue_specs)
        specs.append(self._executor_spec(settings))
        if settings.stops.enabled:
            specs.append(self._stops_spec(settings))
        for name, strategy in settings.strategies.items():
            if strategy.enabled:
                specs.append(self._strategy_spec(name, strategy))
        http = settings.http
        registrars = [self.control_api.register] if self.control_api is not None else []
        specs.append(
            ComponentSpec(
                "http",
                # Last to start (list order), but built on nothing: it must keep answering
                # health probes while other components restart.
                lambda: HttpServer(http, self.registry, self, registrars, self._ssl),
                critical=True,
                sections=frozenset({"http"}),
            )
        )
        return specs

    def _journal_spec(self, settings: Settings) -> ComponentSpec:
        config = settings.journal
        return ComponentSpec(
            "journal",
            lambda: JournalService(config, self.registry, self.journal, self.trading),
            critical=True,
            sections=frozenset({"journal"}),
        )

    def _venue_specs(self, name: str, config: VenueConfig) -> list[ComponentSpec]:
        endpoint = self._endpoints.setdefault(name, Slot(f"venue {name} endpoint"))
        section = frozenset({f"venues.{name}"})
        specs = []
        after: tuple[str, ...] = ()
        if config.kind == "sim":
            specs.append(
                ComponentSpec(
                    f"sim.{name}",
                    lambda: EmbeddedSimService(name, config, endpoint, self.redactor),
                    sections=section,
                )
            )
            after = (f"sim.{name}",)
        specs.append(
            ComponentSpec(
                f"venue.{name}",
                lambda: VenueService(
                    name,
                    config.symbols,
                    lambda: self._build_adapter(name, config, endpoint),
                    self.adapters,
                ),
                after=after,
                sections=section,
            )
        )
        return specs

    def _build_adapter(
        self, name: str, config: VenueConfig, endpoint: Slot[VenueEndpoint]
    ) -> ExchangeAdapter:
        if config.kind == "sim":
            reach = endpoint.get()
        else:
            reach = VenueEndpoint(
                config.url,
                self._resolve(config.api_key),
                self._resolve(config.secret),
                self._resolve(config.password),
            )
        quirks = quirks_for(config.exchange)
        limiter = self._limiters.get(name)
        if limiter is None:
            gauge = self.venue_metrics.weight_used.labels(venue=name)
            limiter = WeightedRateLimiter(
                name, quirks.windows, clock=self.clock, on_weight_used=gauge.set
            )
            self._limiters[name] = limiter
        adapter = CcxtAdapter(
            name,
            config.exchange,
            base_url=reach.base_url,
            api_key=reach.api_key,
            secret=reach.secret,
            password=reach.password,
            timeout_s=config.request_timeout.total_seconds(),
            limiter=limiter,
            metrics=self.venue_metrics,
            clock=self.clock,
            quirks=quirks,
        )
        # Every answer (or its absence) feeds the venue-health breakers.
        return ObservedAdapter(adapter, self.risk.board.record_request)

    def _resolve(self, ref: SecretRef | None) -> str | None:
        if ref is None:
            return None
        vault = self.security.vault if self.security is not None else None
        return resolve_secret(ref, redactor=self.redactor, vault=vault, environ=os.environ)

    def _executor_spec(self, settings: Settings) -> ComponentSpec:
        fresh = {
            name: VenueTrading(
                symbols=config.symbols,
                reconcile_interval_s=config.reconcile_interval.total_seconds(),
                unknown_grace_ms=int(config.unknown_grace.total_seconds() * 1000),
                balance_tolerance=config.balance_tolerance,
                send_timeout_s=config.request_timeout.total_seconds() + 5,
            )
            for name, config in settings.venues.items()
        }
        # One live mapping: the running executor sees a reload's venue settings at once.
        self.venue_trading.clear()
        self.venue_trading.update(fresh)
        venues = self.venue_trading
        instance_id = settings.daemon.instance_id
        drain_s = settings.daemon.stop_timeout.total_seconds() / 2
        return ComponentSpec(
            "executor",
            lambda: ExecutionService(
                journal=self.journal,
                adapters=self.adapters,
                venues=venues,
                instance_id=instance_id,
                risk=self.risk,
                metrics=self.trading_metrics,
                clock_ms=wall_clock_ms,
                core_slot=self.core,
                drain_timeout_s=drain_s,
            ),
            # Starts after the venues (list order) but does not restart with them: it follows
            # venues coming and going, and reconciles each one when it (re)connects.
            after=("journal",),
            critical=True,
        )

    def _stops_spec(self, settings: Settings) -> ComponentSpec:
        config = settings.stops
        venues = {name: venue.symbols for name, venue in settings.venues.items()}
        return ComponentSpec(
            "stops",
            lambda: StopManager(
                config=config,
                store=LiveStore(self.journal.get),
                gateway=self.handle,
                market_view=self.handle,
                portfolio=self.handle,
                clock=self.clock,
                venues=venues,
                candles=AdapterCandles(self.adapters),
                published=self.stops,
            ),
            after=("executor",),
            # Positions are unprotected without it: its budget spent, the daemon stops.
            critical=True,
            sections=frozenset({"stops"}),
        )

    def _strategy_spec(self, name: str, config: MarketMakerConfig) -> ComponentSpec:
        return ComponentSpec(
            f"strategy.{name}",
            lambda: MarketMaker(name, config, self.handle, self.handle, self.handle),
            after=("executor",),
            sections=frozenset({f"strategies.{name}"}),
        )

    # --- lifecycle hooks ------------------------------------------------------------------

    def apply(self, settings: Settings) -> None:
        configure_logging(level=settings.log.level, fmt=settings.log.format, redactor=self.redactor)
        # The last `lyrad validate` verdict per venue (re-read at start and on every reload).
        self.validation_metrics.refresh(DEFAULT_REPORT_DIR)
        if settings.risk != self.risk.config:
            # Limits apply to the next intent; trips, peaks and counters are kept.
            self.risk.update_config(settings.risk)
            if self.core.is_set:
                self.core.get().gate.update_config(settings.risk.limits)

    def on_stopping(self) -> None:
        if self.trading.state is TradingState.ACTIVE:
            self.risk.board.reduce("daemon stopping")

    def on_reload(self, applied: bool, message: str) -> None:
        if self.security is not None:
            self.security.audit.append(
                "config_reloaded" if applied else "config_reload_refused",
                "daemon",
                {"message": message},
            )

    def _states(self) -> tuple[bool, dict[str, str]]:
        ready, body = self.readiness()
        return ready, {c["name"]: c["state"] for c in body["components"]}

    def readiness(self) -> tuple[bool, dict[str, Any]]:
        statuses = self.supervisor.statuses()
        venues_up = all(
            s.state is ComponentState.RUNNING for s in statuses if s.name.startswith("venue.")
        )
        ready = self.supervisor.is_ready() and venues_up
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
    app.apply(settings)  # logging first: security start-up reports through it
    app.start_security(settings)
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

        async def reload() -> ReloadOutcome:
            result = await daemon.reload()
            return ReloadOutcome(result.applied, result.message, result.changed)

        app.plane.set_reloader(reload)
        return await daemon.run() is Outcome.STOPPED
    finally:
        intents.uninstall(loop)
