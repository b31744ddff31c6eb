"""The daemon's lifecycle: start, serve (watchdog, reload), stop; driven by signal intents."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

import structlog

from lyrad.config.errors import ConfigError
from lyrad.config.reload import plan_reload
from lyrad.config.settings import Settings
from lyrad.metrics import DaemonMetrics
from lyrad.runtime.component import ComponentSpec, dependency_order
from lyrad.runtime.heap import freeze_long_lived
from lyrad.runtime.sdnotify import SdNotifier
from lyrad.runtime.signals import SignalIntents
from lyrad.runtime.supervisor import StartupFailed, Supervisor

log = structlog.get_logger("lyrad.daemon", component="daemon")


@dataclass(frozen=True, slots=True)
class ReloadResult:
    applied: bool
    message: str
    changed: tuple[str, ...] = ()


class Outcome(Enum):
    STOPPED = "stopped"  # asked to stop, stopped cleanly
    FAILED = "failed"  # could not start, or a critical component gave up


class Assembly(Protocol):
    """What the composition root gives the lifecycle."""

    supervisor: Supervisor

    def components(self, settings: Settings) -> list[ComponentSpec]: ...

    def apply(self, settings: Settings) -> None:
        """Adopt settings that need no restart (log level); called at start and on reload."""
        ...

    def on_stopping(self) -> None:
        """Trading stops taking risk before components stop."""
        ...

    def on_reload(self, applied: bool, message: str) -> None:
        """Told after every reload attempt (the audit log records it)."""
        ...


class Daemon:
    def __init__(
        self,
        *,
        settings: Settings,
        load: Callable[[], Settings],
        assembly: Assembly,
        notifier: SdNotifier,
        metrics: DaemonMetrics,
        intents: SignalIntents,
    ) -> None:
        self.settings = settings
        self._load = load
        self._assembly = assembly
        self._notifier = notifier
        self._metrics = metrics
        self._intents = intents
        self._supervisor = assembly.supervisor
        self._reload_lock = asyncio.Lock()  # SIGHUP and the control API may ask at once

    async def run(self) -> Outcome:
        self._assembly.apply(self.settings)
        self._metrics.config_last_reload_success.set(time.time())
        async with self._supervisor:
            try:
                await self._supervisor.start_all(self._assembly.components(self.settings))
            except StartupFailed as e:
                log.error("startup_failed", reason=str(e))
                self._notifier.stopping(f"startup failed: {e}")
                return Outcome.FAILED
            self._notifier.ready("trading: " + ", ".join(self._supervisor.names()))
            log.info("daemon_ready", components=self._supervisor.names())
            _freeze_heap()
            async with asyncio.TaskGroup() as tg:
                watchdog = tg.create_task(self._watchdog(), name="watchdog")
                outcome = await self._serve()
                watchdog.cancel()
            self._notifier.stopping(f"stopping: {self._intents.stop_signal or outcome.value}")
            log.info("daemon_stopping", reason=self._intents.stop_signal or outcome.value)
            self._assembly.on_stopping()
            await self._stop_components()
        log.info("daemon_stopped", outcome=outcome.value)
        return outcome

    async def _serve(self) -> Outcome:
        intents = self._intents
        while True:
            waits = {
                asyncio.ensure_future(intents.stop_requested.wait()),
                asyncio.ensure_future(intents.reload_requested.wait()),
                asyncio.ensure_future(self._supervisor.fatal.wait()),
            }
            try:
                await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for waiter in waits:
                    waiter.cancel()
            if self._supervisor.fatal.is_set():
                log.error("daemon_halting", reason=self._supervisor.fatal_reason)
                return Outcome.FAILED
            if intents.stop_requested.is_set():
                return Outcome.STOPPED
            intents.reload_requested.clear()
            await self.reload()

    async def reload(self) -> ReloadResult:
        """Validate the file again; apply it, restarting only what changed."""
        async with self._reload_lock:
            return await self._reload()

    async def _reload(self) -> ReloadResult:
        self._notifier.reloading()
        try:
            new = self._load()
        except ConfigError as e:
            self._metrics.config_reloads.labels(result="failure").inc()
            log.error("config_reload_refused", errors=list(e.lines))
            self._notifier.ready("reload refused: " + "; ".join(e.lines))
            self._assembly.on_reload(False, "; ".join(e.lines))
            return ReloadResult(False, "; ".join(e.lines))
        plan = plan_reload(self.settings, new)
        for key in plan.refused:
            log.warning("config_field_not_reloadable", key=key, hint="restart the daemon")
        self.settings = plan.settings
        self._assembly.apply(plan.settings)
        await self._restart_changed(plan.changed)
        self._metrics.config_reloads.labels(result="success").inc()
        self._metrics.config_last_reload_success.set(time.time())
        log.info("config_reloaded", changed=sorted(plan.changed), refused=list(plan.refused))
        self._notifier.ready("configuration reloaded")
        if plan.changed:
            _freeze_heap()  # the restarted components' objects are long-lived too
        message = "applied" + (
            f"; needs a restart: {', '.join(plan.refused)}" if plan.refused else ""
        )
        self._assembly.on_reload(True, message)
        return ReloadResult(True, message, tuple(sorted(plan.changed)))

    async def _restart_changed(self, changed: frozenset[str]) -> None:
        specs = dependency_order(self._assembly.components(self.settings))
        running = set(self._supervisor.names())
        wanted = {spec.name for spec in specs}
        # A component whose section changed restarts, and so does everything built on it.
        redo = {spec.name for spec in specs if spec.sections & changed and spec.name in running}
        for spec in specs:
            if set(spec.after) & redo:
                redo.add(spec.name)
        for name in running - wanted:
            await self._supervisor.remove(name)
        for spec in reversed(specs):
            if spec.name in redo:
                await self._supervisor.stop(spec.name)
        for spec in specs:
            if spec.name in redo or spec.name not in running:
                log.info("component_reconfiguring", name=spec.name)
                try:
                    await self._supervisor.restart(spec)
                except StartupFailed as e:
                    # The runner keeps retrying within its budget; the supervisor halts if spent.
                    log.error("component_restart_failed", name=spec.name, reason=str(e))

    async def _watchdog(self) -> None:
        interval = self._notifier.watchdog_interval_s
        if interval is None:
            return
        while True:
            # Silence while a critical component is down lets systemd restart us.
            if self._supervisor.all_critical_running():
                self._notifier.watchdog()
            await asyncio.sleep(interval)

    async def _stop_components(self) -> None:
        async def force_on_second_signal() -> None:
            await self._intents.force_requested.wait()
            log.warning("daemon_forced_stop")
            self._supervisor.force_stop()

        async with asyncio.TaskGroup() as tg:
            forcer = tg.create_task(force_on_second_signal())
            await self._supervisor.stop_all()
            forcer.cancel()


def _freeze_heap() -> None:
    heap = freeze_long_lived()
    log.info("heap_frozen", objects=heap.objects, collect_ms=heap.collect_ms)
