"""A place one component publishes a running resource for the components that start after it."""

from __future__ import annotations

from typing import Generic, TypeVar

T = TypeVar("T")


class ResourceUnavailable(Exception):
    """The resource's component is not running (starting, restarting or stopped)."""


class Slot(Generic[T]):
    def __init__(self, name: str) -> None:
        self._name = name
        self._value: T | None = None

    def set(self, value: T) -> None:
        self._value = value

    def clear(self) -> None:
        self._value = None

    def get(self) -> T:
        if self._value is None:
            raise ResourceUnavailable(f"{self._name} is not running")
        return self._value

    @property
    def is_set(self) -> bool:
        return self._value is not None
