from __future__ import annotations

from decimal import Decimal

import pytest

from lyrad.sim.binance.numbers import fixed8, percent3, plain


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("0.1", "0.10000000"),
        ("43519.34", "43519.34000000"),
        ("0", "0.00000000"),
        ("1E+2", "100.00000000"),
        ("0.000000001", "0.000000001"),
        ("5167027510.68728707", "5167027510.68728707"),
        # more decimals than eight, but only zeros beyond the eighth: eight, not fewer
        ("60.0000000000", "60.00000000"),
        ("0.0000123400000000", "0.00001234"),
        ("2.0000000000000000", "2.00000000"),
        ("0.0000000012300", "0.00000000123"),
    ],
)
def test_fixed8(value: str, text: str) -> None:
    assert fixed8(Decimal(value)) == text


def test_percent3_and_plain() -> None:
    assert percent3(Decimal("1.64712")) == "1.647"
    assert percent3(Decimal("-95.96")) == "-95.960"
    assert plain(Decimal("0.00100000")) == "0.001"
    assert plain(Decimal("1E+1")) == "10"
    assert plain(Decimal("-0")) == "0"
