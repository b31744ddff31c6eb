"""The supervisor: starts components in dependency order, restarts failures, stops in reverse."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from types import TracebackType

import structlog

from lyrad.metrics import DaemonMetrics
from lyrad.runtime.backoff import RestartPolicy, RestartTracker
from lyrad.runtime.component import (
    ComponentSpec,
    ComponentState,
    ComponentStatus,
    dependency_order,
)

log = structlog.get_logger("lyrad.supervisor", component="supervisor")


class StartupFailed(Exception):
    """A critical component did not become ready in time."""


class _Runner:
    """Runs one component: builds it from its factory and restarts it while the budget lasts."""

    def __init__(
        self,
        spec: ComponentSpec,
        tracker: RestartTracker,
        metrics: DaemonMetrics,
        on_fatal: Callable[[str], None],
    ) -> None:
        self.spec = spec
        self.state = ComponentState.STARTING
        self.restarts = 0
        self.last_error: str | None = None
        self.ready = asyncio.Event()
        self.settled = asyncio.Event()  # ready, or failed for good
        self._tracker = tracker
        self._metrics = metrics
        self._on_fatal = on_fatal
        self._up = metrics.component_up.labels(component=spec.name)
        self._restarts = metrics.component_restarts.labels(component=spec.name)

    def _set_state(self, state: ComponentState) -> None:
        self.state = state
        self._up.set(1 if state is ComponentState.RUNNING else 0)

    def mark_stopping(self) -> None:
        self._set_state(ComponentState.STOPPING)

    def _on_ready(self) -> None:
        self._set_state(ComponentState.RUNNING)
        self._tracker.record_healthy()
        self.ready.set()
        self.settled.set()
        log.info("component_ready", name=self.spec.name)

    async def loop(self) -> None:
        name = self.spec.name
        try:
            while True:
                self._set_state(ComponentState.STARTING)
                self.ready.clear()
                try:
                    await self.spec.factory().run(self._on_ready)
                    self.last_error = "returned without being cancelled"
                    log.error("component_exited", name=name)
                except asyncio.CancelledError:
                    raise
                except Exception as e:  # a component fault is the supervisor's business
                    self.last_error = f"{type(e).__name__}: {e}"
                    log.exception("component_failed", name=name)
                delay = self._tracker.record_failure()
                if delay is None:
                    self._set_state(ComponentState.FAILED)
                    self.settled.set()
                    log.error("component_gave_up", name=name, critical=self.spec.critical)
                    if self.spec.critical:
                        self._on_fatal(f"critical component {name} failed: {self.last_error}")
                    return
                self._set_state(ComponentState.BACKOFF)
                self.restarts += 1
                self._restarts.inc()
                log.warning("component_restart_scheduled", name=name, delay_s=round(delay, 3))
                await asyncio.sleep(delay)
        finally:
            if self.state is not ComponentState.FAILED:
                self._set_state(ComponentState.STOPPED)

    def status(self) -> ComponentStatus:
        return ComponentStatus(
            self.spec.name, self.state, self.spec.critical, self.restarts, self.last_error
        )


class Supervisor:
    """Owns every component task in one TaskGroup; use as `async with`."""

    def __init__(
        self,
        *,
        policy: RestartPolicy,
        ready_timeout_s: float,
        stop_timeout_s: float,
        metrics: DaemonMetrics,
        monotonic: Callable[[], float],
        rng: random.Random | None = None,
    ) -> None:
        self._policy = policy
        self._ready_timeout_s = ready_timeout_s
        self._stop_timeout_s = stop_timeout_s
        self._metrics = metrics
        self._monotonic = monotonic
        self._rng = rng or random.Random()
        self._runners: dict[str, _Runner] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._order: list[str] = []
        self._tg = asyncio.TaskGroup()
        self.fatal = asyncio.Event()
        self.fatal_reason: str | None = None

    async def __aenter__(self) -> Supervisor:
        await self._tg.__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            await self.stop_all()
        finally:
            # Every child is stopped by now; the body's own exception (if any) propagates
            # as itself instead of wrapped in the TaskGroup's ExceptionGroup.
            await self._tg.__aexit__(None, None, None)

    def _declare_fatal(self, reason: str) -> None:
        if self.fatal_reason is None:
            self.fatal_reason = reason
        self.fatal.set()

    async def start_all(self, specs: list[ComponentSpec]) -> None:
        for spec in dependency_order(specs):
            await self.start(spec)

    async def start(self, spec: ComponentSpec) -> None:
        """Start one component and wait until it is ready (or settles as failed)."""
        if spec.name in self._tasks:
            raise ValueError(f"component {spec.name!r} already runs")
        tracker = RestartTracker(self._policy, self._monotonic, self._rng)
        runner = _Runner(spec, tracker, self._metrics, self._declare_fatal)
        self._runners[spec.name] = runner
        if spec.name not in self._order:
            self._order.append(spec.name)
        self._tasks[spec.name] = self._tg.create_task(runner.loop(), name=f"component:{spec.name}")
        try:
            await asyncio.wait_for(runner.settled.wait(), self._ready_timeout_s)
        except TimeoutError:
            log.error("component_not_ready", name=spec.name, timeout_s=self._ready_timeout_s)
            if spec.critical:
                raise StartupFailed(
                    f"critical component {spec.name} not ready within {self._ready_timeout_s}s"
                ) from None
            return
        if runner.state is ComponentState.FAILED and spec.critical:
            raise StartupFailed(f"critical component {spec.name} failed: {runner.last_error}")

    async def stop(self, name: str) -> None:
        """Cancel one component and wait up to the stop timeout for its teardown."""
        task = self._tasks.pop(name, None)
        runner = self._runners.get(name)
        if task is None or runner is None:
            return
        if not task.done():
            runner.mark_stopping()
            task.cancel()
            done, _ = await asyncio.wait({task}, timeout=self._stop_timeout_s)
            if not done:
                log.error("component_stop_timeout", name=name, timeout_s=self._stop_timeout_s)
                return
        log.info("component_stopped", name=name)

    async def restart(self, spec: ComponentSpec) -> None:
        """Replace a component with a freshly built one (used by config reload)."""
        await self.stop(spec.name)
        await self.start(spec)

    async def remove(self, name: str) -> None:
        """Stop a component and forget it (it is no longer configured)."""
        await self.stop(name)
        self._runners.pop(name, None)
        if name in self._order:
            self._order.remove(name)

    async def stop_all(self) -> None:
        for name in reversed(self._order):
            await self.stop(name)

    def force_stop(self) -> None:
        """Second signal: cancel everything now, without ordered teardown."""
        for task in self._tasks.values():
            task.cancel()

    def statuses(self) -> list[ComponentStatus]:
        return [self._runners[name].status() for name in self._order if name in self._runners]

    def names(self) -> list[str]:
        return list(self._tasks)

    def all_critical_running(self) -> bool:
        return all(
            r.state is ComponentState.RUNNING for r in self._runners.values() if r.spec.critical
        )

    def is_ready(self) -> bool:
        """Every critical component runs and nothing is being (re)started."""
        return self.all_critical_running() and bool(self._runners)
