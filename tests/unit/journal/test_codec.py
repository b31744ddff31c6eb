from __future__ import annotations

import json
from decimal import Decimal

import pytest

from lyrad.journal import codec
from tests.unit.journal.factories import make_fill, make_order


@pytest.mark.parametrize(
    "value", ["0.1", "1E+2", "0.1000000000000000000000000000001", "-0", "123456789.000000001"]
)
def test_decimals_survive_the_round_trip_exactly(value: str) -> None:
    order = make_order(amount=value, price=value)
    back = codec.order_from_row(codec.order_params(order))
    assert back == order
    assert str(back.amount) == value


def test_fills_survive_the_round_trip() -> None:
    fill = make_fill(make_order(), fee="0.00000001", fee_currency="BTC")
    assert codec.fill_from_row(codec.fill_params(fill)) == fill


def test_payloads_carry_decimals_as_strings_and_refuse_the_rest() -> None:
    encoded = codec.dump_json({"price": Decimal("0.30"), "n": 1, "nested": [Decimal("2")]})
    assert json.loads(encoded) == {"price": "0.30", "n": 1, "nested": ["2"]}
    with pytest.raises(TypeError, match="set"):
        codec.dump_json({"bad": {1, 2}})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="JSON"):
        codec.dump_json({"bad": float("nan")})
