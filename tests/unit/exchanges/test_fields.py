"""Exact numbers in, BadVenueResponse for anything else."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lyrad.domain.errors import BadVenueResponse
from lyrad.exchanges.fields import Reader, exact_decimal, float_to_decimal

D = Decimal


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.30000000", D("0.30000000")),
        (" 12.5 ", D("12.5")),
        ("1e-8", D("1e-8")),
        ("-3", D(-3)),
        (7, D(7)),
        (D("2.50"), D("2.50")),
        ("NaN", None),
        ("inf", None),
        ("1_000", None),
        ("", None),
        ("0x10", None),
        (0.3, None),
        (True, None),
        (None, None),
        (D("NaN"), None),
    ],
)
def test_exact_decimal(value: object, expected: Decimal | None) -> None:
    assert exact_decimal(value) == expected


@given(
    units=st.integers(min_value=1, max_value=10**13),
    exponent=st.integers(min_value=-8, max_value=0),
)
def test_floats_from_exact_text_snap_back_exactly(units: int, exponent: int) -> None:
    step = D(1).scaleb(exponent)
    exact = units * step
    assert float_to_decimal(float(exact), step) == exact


def test_a_float_off_the_step_is_kept_as_its_shortest_text() -> None:
    assert float_to_decimal(0.123, D("0.01")) == D("0.123")
    assert float_to_decimal(float("inf"), D("0.01")) is None
    assert float_to_decimal("1", D("0.01")) is None
    assert float_to_decimal(5, D(0)) == D(5)


def test_reader_names_venue_object_and_field() -> None:
    reader = Reader("binance", "order", {"a": "1", "n": {"b": "x"}, "i": 3})
    with pytest.raises(BadVenueResponse) as excinfo:
        reader.sub("n").decimal("b")
    assert str(excinfo.value) == "binance: order.n: b: not an exact number: 'x'"
    assert reader.text("i") == "3"
    assert reader.optional_text("missing") is None
    assert reader.optional_decimal("missing") is None
    with pytest.raises(BadVenueResponse, match="expected an object"):
        Reader("binance", "order", ["not", "a", "dict"])
    with pytest.raises(BadVenueResponse, match=r"\.\.\.$"):
        Reader("v", "o", {"t": "x" * 100}).integer("t")
