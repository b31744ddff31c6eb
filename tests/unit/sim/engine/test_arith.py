"""The exact-arithmetic context and unit rounding."""

from __future__ import annotations

import decimal
from decimal import Decimal

import pytest

from lyrad.sim.engine.arith import ceil_to, exact, floor_to, unit_of

D = Decimal


def test_exact_runs_under_a_trapping_context_and_restores_the_callers() -> None:
    @exact
    def third() -> Decimal:
        return D(1) / D(3)

    before = decimal.getcontext()
    with pytest.raises(decimal.Inexact):
        third()
    assert decimal.getcontext() is before


def test_exact_keeps_sixty_digits() -> None:
    @exact
    def product() -> Decimal:
        return D("123456789012345.12345678") * D("98765.43210987")

    result = product()
    assert len(result.as_tuple().digits) == 36  # beyond the default 28 digits, unrounded
    assert result == decimal.Context(prec=100).multiply(
        D("123456789012345.12345678"), D("98765.43210987")
    )


def test_rounding_to_units() -> None:
    assert floor_to(D("0.0738000123"), unit_of(8)) == D("0.07380001")
    assert ceil_to(D("60000.001"), D("0.01")) == D("60000.01")
    assert ceil_to(D("60000.01"), D("0.01")) == D("60000.01")
    assert unit_of(2) == D("0.01")
