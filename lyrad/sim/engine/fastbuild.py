"""Fast construction of frozen slots dataclasses on the engine's hot path.

A frozen dataclass's `__init__` sets every field through `object.__setattr__`, which costs
several times a plain slots `__init__` (measured about 2.6 us against 0.5 us for the 16 fields
of an OrderSnapshot). `builder(cls)` makes a mutable twin with the very same slot layout,
builds the instance with the twin's plain `__init__`, then gives it its real class. The result
IS a `cls` instance: equal, hashable and immutable like one built by `cls(...)`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

_T = TypeVar("_T")


def builder(cls: type[_T]) -> Callable[..., _T]:
    """A positional constructor for frozen slots dataclass `cls`, same fields and defaults."""
    if not dataclasses.is_dataclass(cls) or "__slots__" not in cls.__dict__:
        raise TypeError(f"{cls.__name__} is not a slots dataclass")
    spec: list[tuple[str, Any, Any]] = []
    for f in dataclasses.fields(cls):
        if f.default is dataclasses.MISSING:
            spec.append((f.name, f.type, dataclasses.field()))
        else:
            spec.append((f.name, f.type, dataclasses.field(default=f.default)))
    twin = dataclasses.make_dataclass(f"_{cls.__name__}Builder", spec, slots=True)
    if (
        twin.__dict__["__slots__"] != cls.__dict__["__slots__"]
    ):  # __class__ assignment needs equal layouts
        raise TypeError(f"{cls.__name__} has a slot layout the builder cannot mirror")

    def build(*args: Any) -> _T:
        obj: _T = twin(*args)
        obj.__class__ = cls
        return obj

    build.__name__ = f"build_{cls.__name__}"
    return build
