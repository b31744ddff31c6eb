"""Fast construction of frozen slots dataclasses on the engine's hot path.

A frozen dataclass's `__init__` sets every field through `object.__setattr__`, which costs
several times a plain slots `__init__` (measured about 2.6 us against 0.5 us for the 16 fields
of an OrderSnapshot). `builder(cls)` returns a mutable twin class with the very same slot
layout whose `__init__` stores the fields plainly and then gives the instance its real class.
What it returns IS a `cls` instance: equal, hashable and immutable like one built by `cls(...)`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TypeVar

_T = TypeVar("_T")


def builder(cls: type[_T]) -> Callable[..., _T]:
    """A constructor for frozen slots dataclass `cls` taking every field, positionally."""
    if not dataclasses.is_dataclass(cls) or "__slots__" not in cls.__dict__:
        raise TypeError(f"{cls.__name__} is not a slots dataclass")
    names = tuple(f.name for f in dataclasses.fields(cls))
    if names != cls.__dict__["__slots__"]:  # __class__ assignment needs equal layouts
        raise TypeError(f"{cls.__name__} has a slot layout the builder cannot mirror")
    lines = [f"def __init__(self, {', '.join(names)}):"]
    lines += [f"    self.{name} = {name}" for name in names]
    lines.append("    self.__class__ = cls")
    namespace: dict[str, object] = {}
    # Generated like dataclasses generates __init__: field names are identifiers, nothing else
    # reaches the source.
    exec("\n".join(lines), {"cls": cls}, namespace)  # noqa: S102
    twin: Callable[..., _T] = type(
        f"_{cls.__name__}Builder",
        (),
        {"__slots__": names, "__init__": namespace["__init__"], "__module__": cls.__module__},
    )
    return twin
