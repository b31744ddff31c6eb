"""What the supervisor runs: a component is one coroutine that reports readiness once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

ReadyCallback = Callable[[], None]


class Component(Protocol):
    async def run(self, ready: ReadyCallback) -> None:
        """Acquire resources, call `ready()`, then work until cancelled; teardown on unwind."""
        ...


ComponentFactory = Callable[[], Component]


@dataclass(frozen=True, slots=True)
class ComponentSpec:
    """How to build and supervise one component.

    `sections` names the config sections whose change on reload restarts it;
    `after` names the components that must be ready before it starts.
    """

    name: str
    factory: ComponentFactory
    after: tuple[str, ...] = ()
    critical: bool = False
    sections: frozenset[str] = frozenset()


class ComponentState(StrEnum):
    STARTING = "starting"
    RUNNING = "running"
    BACKOFF = "backoff"  # failed; waiting to be restarted
    STOPPING = "stopping"
    STOPPED = "stopped"
    FAILED = "failed"  # restart budget spent; stays down


@dataclass(frozen=True, slots=True)
class ComponentStatus:
    name: str
    state: ComponentState
    critical: bool
    restarts: int
    last_error: str | None


def dependency_order(specs: list[ComponentSpec]) -> list[ComponentSpec]:
    """Order specs so each comes after everything it names in `after` (stable otherwise)."""
    by_name = {spec.name: spec for spec in specs}
    ordered: list[ComponentSpec] = []
    visiting: set[str] = set()
    done: set[str] = set()

    def visit(spec: ComponentSpec) -> None:
        if spec.name in done:
            return
        if spec.name in visiting:
            raise ValueError(f"component dependency cycle through {spec.name!r}")
        visiting.add(spec.name)
        for dep in spec.after:
            if dep not in by_name:
                raise ValueError(f"component {spec.name!r} depends on unknown {dep!r}")
            visit(by_name[dep])
        visiting.discard(spec.name)
        done.add(spec.name)
        ordered.append(spec)

    for spec in specs:
        visit(spec)
    return ordered
