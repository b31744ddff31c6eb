from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

import pytest

from lyrad.sim.binance.errors import BinanceError
from lyrad.sim.binance.params import Params


class Side(StrEnum):
    BUY = "BUY"
    SELL = "SELL"


def _error(excinfo: pytest.ExceptionInfo[BinanceError]) -> tuple[int, int, str]:
    return excinfo.value.status, excinfo.value.code, excinfo.value.msg


def test_query_and_body_merge() -> None:
    params = Params.parse("symbol=BTCUSDT&limit=5", "side=BUY")
    assert params.names() == {"symbol", "limit", "side"}
    assert params.required_symbol() == "BTCUSDT"
    assert params.limit("limit", default=500, maximum=1000) == 5


def test_a_parameter_sent_twice_is_1101() -> None:
    with pytest.raises(BinanceError) as excinfo:
        Params.parse("symbol=BTCUSDT", "symbol=ETHUSDT")
    assert _error(excinfo) == (400, -1101, "Duplicate values for a parameter detected.")


def test_missing_mandatory_parameter_is_1102() -> None:
    with pytest.raises(BinanceError) as excinfo:
        Params.parse("", "").required_symbol()
    assert _error(excinfo) == (
        400,
        -1102,
        "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.",
    )


def test_empty_value_counts_as_missing() -> None:
    with pytest.raises(BinanceError) as excinfo:
        Params.parse("symbol=", "").required_symbol()
    assert excinfo.value.code == -1102


@pytest.mark.parametrize("raw", ["abc", "-1", "1e5", "1.2.3", "{}", "0x10"])
def test_non_decimal_is_illegal_chars(raw: str) -> None:
    with pytest.raises(BinanceError) as excinfo:
        Params({"quantity": raw}).decimal("quantity")
    assert excinfo.value.code == -1100
    assert "parameter 'quantity'" in excinfo.value.msg


def test_decimal_is_exact() -> None:
    assert Params({"price": "55000.10"}).decimal("price") == Decimal("55000.10")


@pytest.mark.parametrize("raw", ["btcusdt", 'BTC"]', "BTC USDT", '{"a":1'])
def test_malformed_symbol_is_illegal_chars(raw: str) -> None:
    with pytest.raises(BinanceError) as excinfo:
        Params({"symbol": raw}).symbol()
    assert _error(excinfo) == (
        400,
        -1100,
        "Illegal characters found in parameter 'symbol'; legal range is '^[A-Z0-9-_.]{1,20}$'.",
    )


def test_symbols_json_array() -> None:
    assert Params({"symbols": '["BTCUSDT","ETHUSDT"]'}).symbols() == ["BTCUSDT", "ETHUSDT"]
    with pytest.raises(BinanceError) as excinfo:
        Params({"symbols": "[BTCUSDT]"}).symbols()
    assert excinfo.value.code == -1100
    with pytest.raises(BinanceError) as dup:
        Params({"symbols": '["BTCUSDT","BTCUSDT"]'}).symbols()
    assert dup.value.code == -1151


def test_enum_with_its_own_error() -> None:
    invalid = BinanceError(400, -1117, "Invalid side.")
    assert Params({"side": "SELL"}).enum("side", Side, invalid) is Side.SELL
    with pytest.raises(BinanceError) as excinfo:
        Params({"side": "sell"}).enum("side", Side, invalid)
    assert excinfo.value is invalid


def test_integer_overflow_and_garbage() -> None:
    with pytest.raises(BinanceError) as garbage:
        Params({"orderId": "12a"}).integer("orderId")
    assert garbage.value.code == -1100
    with pytest.raises(BinanceError) as overflow:
        Params({"orderId": "99999999999999999999"}).integer("orderId")
    assert overflow.value.code == -1108


def test_client_order_ids() -> None:
    assert Params({"newClientOrderId": "x-R4BD3S82_a-1"}).client_order_id("newClientOrderId")
    with pytest.raises(BinanceError) as empty_orig:
        Params({"origClientOrderId": ""}).client_order_id("origClientOrderId")
    assert empty_orig.value.code == -1119
    with pytest.raises(BinanceError) as illegal:
        Params({"newClientOrderId": "a b"}).client_order_id("newClientOrderId")
    assert illegal.value.code == -1100


def test_undecodable_bytes_are_illegal_chars() -> None:
    with pytest.raises(BinanceError) as excinfo:
        Params.parse("symbol=%ff%fe", "")
    assert _error(excinfo) == (400, -1100, "Illegal characters found in a parameter.")


def test_limit_bounds() -> None:
    assert Params({"limit": "5000"}).limit("limit", default=500, maximum=1000) == 1000
    with pytest.raises(BinanceError) as excinfo:
        Params({"limit": "0"}).limit("limit", default=500, maximum=1000)
    assert excinfo.value.code == -1130
