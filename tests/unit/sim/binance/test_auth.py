from __future__ import annotations

import hashlib
import hmac

import pytest

from lyrad.sim.binance import auth
from lyrad.sim.binance.errors import BinanceError
from lyrad.sim.binance.params import Params

SECRET = "s3cr3t"
NOW = 1_700_000_000_000


def _sign(payload: str) -> str:
    return hmac.new(SECRET.encode(), payload.encode(), hashlib.sha256).hexdigest()


def _lookup(key: str) -> tuple[str, str] | None:
    return ("alice", SECRET) if key == "KEY" else None


def test_signed_payload_is_query_then_body_without_the_signature() -> None:
    payload, signature = auth.signed_payload("symbol=LTCBTC&side=BUY", "quantity=1&signature=ab")
    assert payload == "symbol=LTCBTC&side=BUYquantity=1"
    assert signature == "ab"


def test_binance_documented_example_verifies() -> None:
    # Binance's documented HMAC example (query + body concatenated without a separator).
    secret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
    query = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC"
    body = "quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559"
    payload, _ = auth.signed_payload(query, body)
    expected = "0fd168b8ddb4876a0358a8d14d0c9f3da0e9b20c5d52b2a00fcf7d1c602f9a77"
    auth.check_signature(secret, payload, expected)


def test_bad_signature_is_1022() -> None:
    with pytest.raises(BinanceError) as excinfo:
        auth.check_signature(SECRET, "a=1", _sign("a=2"))
    assert (excinfo.value.status, excinfo.value.code) == (400, -1022)
    assert excinfo.value.msg == "Signature for this request is not valid."


def test_missing_signature_is_1102() -> None:
    with pytest.raises(BinanceError) as excinfo:
        auth.check_signature(SECRET, "a=1", None)
    assert excinfo.value.code == -1102


def test_uppercase_hex_signature_is_accepted() -> None:
    auth.check_signature(SECRET, "a=1", _sign("a=1").upper())


def test_api_key_checks() -> None:
    assert auth.authenticate("KEY", _lookup) == ("alice", SECRET)
    with pytest.raises(BinanceError) as missing:
        auth.authenticate(None, _lookup)
    assert (missing.value.status, missing.value.code) == (401, -2014)
    with pytest.raises(BinanceError) as unknown:
        auth.authenticate("OTHER", _lookup)
    assert (unknown.value.status, unknown.value.code) == (401, -2015)
    assert unknown.value.msg == "Invalid API-key, IP, or permissions for action."


@pytest.mark.parametrize(
    ("timestamp", "recv_window", "code", "fragment"),
    [
        (NOW - 5001, None, -1021, "outside of the recvWindow"),
        (NOW + 1000, None, -1021, "1000ms ahead"),
        (NOW - 20_000, "10000", -1021, "outside of the recvWindow"),
        (NOW, "60001", -1131, "recvWindow must be less than 60000"),
    ],
)
def test_timestamp_window(
    timestamp: int, recv_window: str | None, code: int, fragment: str
) -> None:
    values = {"timestamp": str(timestamp)}
    if recv_window is not None:
        values["recvWindow"] = recv_window
    with pytest.raises(BinanceError) as excinfo:
        auth.check_timestamp(Params(values), NOW)
    assert excinfo.value.code == code
    assert fragment in excinfo.value.msg


@pytest.mark.parametrize(
    ("delta", "recv_window"), [(0, None), (-5000, None), (999, None), (-60000, "60000")]
)
def test_timestamp_accepted(delta: int, recv_window: str | None) -> None:
    values = {"timestamp": str(NOW + delta)}
    if recv_window is not None:
        values["recvWindow"] = recv_window
    auth.check_timestamp(Params(values), NOW)


def test_missing_timestamp_is_1102() -> None:
    with pytest.raises(BinanceError) as excinfo:
        auth.check_timestamp(Params({}), NOW)
    assert "'timestamp'" in excinfo.value.msg
