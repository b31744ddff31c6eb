import asyncio
import random
from collections.abc import Callable

import pytest
from prometheus_client import CollectorRegistry

from lyrad.metrics import DaemonMetrics
from lyrad.runtime.backoff import RestartPolicy
from lyrad.runtime.component import (
    Component,
    ComponentSpec,
    ComponentState,
    ReadyCallback,
    dependency_order,
)
from lyrad.runtime.supervisor import StartupFailed, Supervisor


class Recorder:
    def __init__(self) -> None:
        self.events: list[str] = []


class SteadyComponent:
    """Becomes ready and runs until cancelled, recording start and stop."""

    def __init__(self, name: str, recorder: Recorder) -> None:
        self.name = name
        self.recorder = recorder

    async def run(self, ready: ReadyCallback) -> None:
        self.recorder.events.append(f"start {self.name}")
        ready()
        try:
            await asyncio.Event().wait()
        finally:
            self.recorder.events.append(f"stop {self.name}")


class FailingComponent:
    """Becomes ready (optionally), then raises."""

    def __init__(self, attempts: list[int], *, ready_first: bool = True) -> None:
        self.attempts = attempts
        self.ready_first = ready_first

    async def run(self, ready: ReadyCallback) -> None:
        self.attempts.append(1)
        if self.ready_first:
            ready()
        await asyncio.sleep(0)
        raise RuntimeError("boom")


def make_supervisor(
    budget: int = 3, ready_timeout_s: float = 2.0
) -> tuple[Supervisor, CollectorRegistry]:
    registry = CollectorRegistry()
    supervisor = Supervisor(
        policy=RestartPolicy(
            initial_backoff_s=0.001, max_backoff_s=0.004, budget=budget, window_s=60
        ),
        ready_timeout_s=ready_timeout_s,
        stop_timeout_s=1.0,
        metrics=DaemonMetrics(registry),
        monotonic=asyncio.get_running_loop().time,
        rng=random.Random(1),
    )
    return supervisor, registry


def spec(name: str, factory: Callable[[], Component], **kw: object) -> ComponentSpec:
    return ComponentSpec(name, factory, **kw)  # type: ignore[arg-type]


async def test_components_start_in_dependency_order_and_stop_in_reverse() -> None:
    recorder = Recorder()
    supervisor, registry = make_supervisor()
    specs = [
        spec("http", lambda: SteadyComponent("http", recorder), after=("journal",)),
        spec("journal", lambda: SteadyComponent("journal", recorder), critical=True),
    ]
    async with supervisor:
        await supervisor.start_all(specs)
        assert supervisor.is_ready()
        assert registry.get_sample_value("lyrad_component_up", {"component": "http"}) == 1
    assert recorder.events == ["start journal", "start http", "stop http", "stop journal"]
    assert registry.get_sample_value("lyrad_component_up", {"component": "http"}) == 0


async def test_a_failing_component_is_restarted_and_counted() -> None:
    attempts: list[int] = []
    supervisor, registry = make_supervisor(budget=3)
    async with supervisor:
        # start() returns once the component settles: ready, or failed for good.
        await supervisor.start(spec("flaky", lambda: FailingComponent(attempts, ready_first=False)))
        assert supervisor.statuses()[0].state is ComponentState.FAILED
        assert not supervisor.fatal.is_set()  # not critical: it stays down, the daemon goes on
    assert len(attempts) == 4  # the first start plus three restarts within the budget
    assert registry.get_sample_value("lyrad_component_restarts_total", {"component": "flaky"}) == 3
    assert supervisor.statuses()[0].last_error == "RuntimeError: boom"


async def test_a_critical_component_past_its_budget_is_fatal() -> None:
    attempts: list[int] = []
    supervisor, _ = make_supervisor(budget=2)
    async with supervisor:
        await supervisor.start(spec("journal", lambda: FailingComponent(attempts), critical=True))
        await asyncio.wait_for(supervisor.fatal.wait(), 5)
    assert supervisor.fatal_reason is not None
    assert "critical component journal failed" in supervisor.fatal_reason
    assert len(attempts) == 3


async def test_a_critical_component_that_never_gets_ready_fails_startup() -> None:
    attempts: list[int] = []
    supervisor, _ = make_supervisor(budget=1)
    with pytest.raises(StartupFailed, match="journal"):
        async with supervisor:
            await supervisor.start(
                spec(
                    "journal", lambda: FailingComponent(attempts, ready_first=False), critical=True
                )
            )


async def test_a_component_that_ignores_readiness_times_out() -> None:
    class Silent:
        async def run(self, ready: ReadyCallback) -> None:
            await asyncio.Event().wait()

    supervisor, _ = make_supervisor(ready_timeout_s=0.05)
    with pytest.raises(StartupFailed, match="not ready within"):
        async with supervisor:
            await supervisor.start(spec("executor", Silent, critical=True))


async def test_restart_replaces_the_component_with_a_new_instance() -> None:
    recorder = Recorder()
    supervisor, _ = make_supervisor()
    async with supervisor:
        await supervisor.start(spec("http", lambda: SteadyComponent("http-1", recorder)))
        await supervisor.restart(spec("http", lambda: SteadyComponent("http-2", recorder)))
    assert recorder.events == ["start http-1", "stop http-1", "start http-2", "stop http-2"]


def test_dependency_cycles_and_unknown_dependencies_are_refused() -> None:
    def nothing() -> Component:
        raise AssertionError("never built")

    with pytest.raises(ValueError, match="cycle"):
        dependency_order([spec("a", nothing, after=("b",)), spec("b", nothing, after=("a",))])
    with pytest.raises(ValueError, match="unknown"):
        dependency_order([spec("a", nothing, after=("z",))])
