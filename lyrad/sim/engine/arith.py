"""Exact decimal arithmetic for the engine: a trapping context and rounding to units.

Every public engine call runs under `EXACT`: 60 digits and `Inexact` trapped, so a balance can
never be silently rounded; the only intended roundings (commission, quantities bought with a
quote amount, synthetic quote sizes) use `floor_to`/`ceil_to` or `//`, which are exact.

The engine's methods run inside a private `contextvars.Context` whose decimal context is
EXACT (`exact_method`): entering a Context is a pointer swap, whereas `decimal.setcontext`
rebuilds the context-variable mapping (measured at a seventh of an order's cost, twice).
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable
from decimal import (
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
    getcontext,
    setcontext,
)
from typing import Concatenate, Final, ParamSpec, Protocol, TypeVar

EXACT = Context(prec=60, traps=[InvalidOperation, DivisionByZero, Overflow, Inexact])
# For the few computations that are approximate by nature (the synthetic ladder's shape).
ROUNDING = Context(prec=28, traps=[InvalidOperation, DivisionByZero, Overflow])
ZERO: Final = Decimal(0)

_P = ParamSpec("_P")
_R = TypeVar("_R")


class HasExactContext(Protocol):
    """An object whose methods run in its own decimal context (see `exact_context`)."""

    @property
    def exact_context(self) -> contextvars.Context: ...


_S = TypeVar("_S", bound=HasExactContext)


def new_exact_context() -> contextvars.Context:
    """A private context-variable context in which decimal arithmetic runs under EXACT."""
    context = contextvars.Context()
    context.run(setcontext, EXACT)
    return context


def exact_method(method: Callable[Concatenate[_S, _P], _R]) -> Callable[Concatenate[_S, _P], _R]:
    """Run `method` inside its object's exact context (not re-entrant: do not nest calls)."""

    @functools.wraps(method)
    def wrapper(self: _S, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        return self.exact_context.run(method, self, *args, **kwargs)

    return wrapper


def exact(method: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run `method` under the EXACT context and restore the caller's context afterwards."""

    @functools.wraps(method)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        saved = getcontext()
        setcontext(EXACT)
        try:
            return method(*args, **kwargs)
        finally:
            setcontext(saved)

    return wrapper


def floor_to(value: Decimal, unit: Decimal) -> Decimal:
    """Largest multiple of `unit` not above `value` (value >= 0)."""
    return (value // unit) * unit


def ceil_to(value: Decimal, unit: Decimal) -> Decimal:
    """Smallest multiple of `unit` not below `value` (value >= 0)."""
    steps = value // unit
    if steps * unit != value:
        steps += 1
    return steps * unit


def places(value: Decimal) -> int:
    """How many decimals the value of `value` has (0 for a whole number, whatever its exponent).

    `value` must be finite.
    """
    if not value:
        return 0
    exponent = value.normalize(EXACT).as_tuple().exponent
    assert isinstance(exponent, int)  # finite
    return max(0, -exponent)


@functools.lru_cache(maxsize=64)  # a dict hit beats scaleb on the market order path
def unit_of(precision: int) -> Decimal:
    """The smallest amount at `precision` decimals, e.g. 8 -> 0.00000001."""
    return Decimal(1).scaleb(-precision)
