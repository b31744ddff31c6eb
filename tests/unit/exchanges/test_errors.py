"""Every ccxt error class lands in lyrad's tree by what the caller must do."""

from __future__ import annotations

import importlib
import inspect
import json
from typing import Any

import ccxt
import pytest

from lyrad.domain.errors import (
    AmbiguousOutcome,
    AuthenticationFailed,
    BadVenueResponse,
    InsufficientFunds,
    OrderNotFound,
    OrderRejected,
    RateLimited,
    RetryableVenueError,
    VenueError,
    VenueFatal,
)
from lyrad.exchanges.ccxt_adapter import failure_class_names
from lyrad.exchanges.errors import (
    DISPOSITIONS,
    Failure,
    outcome_of,
    scrub,
    translate,
    venue_reason,
)
from lyrad.exchanges.metrics import OUTCOMES

ERRORS_MODULE = importlib.import_module("ccxt.base.errors")
ALL_CCXT_ERRORS = sorted(
    (
        cls
        for _, cls in inspect.getmembers(ERRORS_MODULE, inspect.isclass)
        if issubclass(cls, ccxt.BaseError)
    ),
    key=lambda cls: cls.__name__,
)

# The oracle: what each ccxt class means when the venue answered it with a 400 (or 429) body.
# Classes that describe the transport are listed under TRANSPORT below.
ANSWERED: dict[str, type[VenueError]] = {
    "BaseError": VenueFatal,
    "ExchangeError": OrderRejected,
    "AuthenticationError": AuthenticationFailed,
    "PermissionDenied": AuthenticationFailed,
    "AccountNotEnabled": AuthenticationFailed,
    "AccountSuspended": AuthenticationFailed,
    "ManualInteractionNeeded": AuthenticationFailed,
    "RestrictedLocation": AuthenticationFailed,
    "ArgumentsRequired": OrderRejected,
    "BadRequest": OrderRejected,
    "BadSymbol": OrderRejected,
    "OperationRejected": OrderRejected,
    "NoChange": OrderRejected,
    "MarginModeAlreadySet": OrderRejected,
    "MarketClosed": OrderRejected,
    "InvalidAddress": OrderRejected,
    "AddressPending": OrderRejected,
    "InvalidOrder": OrderRejected,
    "OrderImmediatelyFillable": OrderRejected,
    "OrderNotFillable": OrderRejected,
    "DuplicateOrderId": OrderRejected,
    "ContractUnavailable": OrderRejected,
    "InsufficientFunds": InsufficientFunds,
    "OrderNotFound": OrderNotFound,
    "OrderNotCached": OrderNotFound,
    "NotSupported": VenueFatal,
    "InvalidProxySettings": VenueFatal,
    "ExchangeClosedByUser": VenueFatal,
    "UnsubscribeError": VenueFatal,
    "DDoSProtection": RateLimited,
    "RateLimitExceeded": RateLimited,
    "InvalidNonce": RetryableVenueError,
    "BadResponse": BadVenueResponse,
    "NullResponse": BadVenueResponse,
}
TRANSPORT = {
    "OperationFailed",
    "NetworkError",
    "ExchangeNotAvailable",
    "OnMaintenance",
    "RequestTimeout",
    "ChecksumError",
}


def failure_for(cls: type[Exception], *, sent: bool, status: int | None) -> Failure:
    return Failure(failure_class_names(cls("binance boom")), "binance boom", sent, status)


def run(failure: Failure, *, write: bool) -> VenueError:
    return translate("binance", failure, write=write, default_retry_after_s=60)


def test_the_walk_finds_the_whole_hierarchy() -> None:
    names = {cls.__name__ for cls in ALL_CCXT_ERRORS}
    assert {"BaseError", "DDoSProtection", "InvalidNonce", "CancelPending"} <= names
    assert len(names) >= 40


@pytest.mark.parametrize("cls", ALL_CCXT_ERRORS, ids=lambda cls: cls.__name__)
def test_every_ccxt_class_has_its_own_entry(cls: type[Exception]) -> None:
    assert cls.__name__ in DISPOSITIONS
    assert cls.__name__ in ANSWERED or cls.__name__ in TRANSPORT or cls.__name__ == "CancelPending"


@pytest.mark.parametrize("cls", ALL_CCXT_ERRORS, ids=lambda cls: cls.__name__)
@pytest.mark.parametrize("write", [False, True], ids=["read", "write"])
def test_each_class_maps_to_one_lyrad_class(cls: type[Exception], write: bool) -> None:
    name = cls.__name__
    status = 429 if name in ("DDoSProtection", "RateLimitExceeded") else 400
    error = run(failure_for(cls, sent=True, status=status), write=write)
    assert isinstance(error, VenueError)
    assert error.venue == "binance"
    if name in ANSWERED:
        assert type(error) is ANSWERED[name]
    elif name == "CancelPending":
        assert type(error) is (AmbiguousOutcome if write else RetryableVenueError)
    else:  # an answered 4xx with a transport class: the venue refused the request
        assert type(error) is OrderRejected


@pytest.mark.parametrize("name", sorted(TRANSPORT | {"ExchangeError"}))
def test_a_lost_answer_is_ambiguous_for_writes_and_retryable_for_reads(name: str) -> None:
    cls = getattr(ERRORS_MODULE, name)
    for status in (None, 500, 502, 503, 504):
        failure = failure_for(cls, sent=True, status=status)
        assert type(run(failure, write=True)) is AmbiguousOutcome, status
        assert type(run(failure, write=False)) is RetryableVenueError, status


@pytest.mark.parametrize("name", sorted(TRANSPORT | {"ExchangeError"}))
def test_a_request_that_never_left_is_retryable_even_for_writes(name: str) -> None:
    failure = failure_for(getattr(ERRORS_MODULE, name), sent=False, status=None)
    for write in (False, True):
        assert type(run(failure, write=write)) is RetryableVenueError


def test_a_408_was_not_processed() -> None:
    failure = failure_for(ccxt.RequestTimeout, sent=True, status=408)
    assert type(run(failure, write=True)) is RetryableVenueError


def test_rate_limited_carries_the_wait_or_the_default() -> None:
    told = Failure(("DDoSProtection",), "binance 429", True, 429, retry_after_s=7.0)
    error = run(told, write=False)
    assert isinstance(error, RateLimited)
    assert error.retry_after_s == 7.0
    untold = Failure(("RateLimitExceeded",), "slow down", True, 429)
    error = run(untold, write=True)
    assert isinstance(error, RateLimited)
    assert error.retry_after_s == 60


def test_an_unknown_class_name_is_fatal() -> None:
    assert type(run(Failure(("SomethingNew",), "x", True, 400), write=False)) is VenueFatal


@pytest.mark.parametrize(
    ("status", "body", "write", "expected"),
    [
        (400, {"code": -2010, "msg": "Account has insufficient balance for requested action."},
         True, InsufficientFunds),
        (400, {"code": -2013, "msg": "Order does not exist."}, False, OrderNotFound),
        (400, {"code": -2011, "msg": "Unknown order sent."}, True, OrderNotFound),
        (400, {"code": -1013, "msg": "Filter failure: NOTIONAL"}, True, OrderRejected),
        (400, {"code": -1121, "msg": "Invalid symbol."}, False, OrderRejected),
        (401, {"code": -2015, "msg": "Invalid API-key, IP, or permissions for action."},
         False, AuthenticationFailed),
        (400, {"code": -1021, "msg": "Timestamp for this request is outside of the recvWindow."},
         False, RetryableVenueError),
        (429, {"code": -1003, "msg": "Too much request weight used."}, False, RateLimited),
        (418, {"code": -1003, "msg": "Way too much request weight used; IP banned."},
         True, RateLimited),
        (503, {"code": -1001, "msg": "Internal error; unable to process your request."},
         True, AmbiguousOutcome),
    ],
)  # fmt: skip
def test_real_binance_answers_through_real_ccxt(
    status: int, body: dict[str, object], write: bool, expected: type[VenueError]
) -> None:
    client = ccxt.binance()
    text = json.dumps(body)
    url = "https://api.binance.com/api/v3/order?symbol=BTCUSDT&signature=abc123"
    with pytest.raises(ccxt.BaseError) as excinfo:
        answer(client, status, url, text, body)
    names = failure_class_names(excinfo.value)
    error = run(Failure(names, str(excinfo.value), True, status), write=write)
    assert type(error) is expected
    if expected not in (AmbiguousOutcome,):
        assert str(body["msg"]) in error.reason


def answer(client: Any, status: int, url: str, text: str, body: dict[str, object]) -> None:
    """What ccxt does with an answer: Binance's own checks, then the generic status table."""
    client.handle_errors(status, "", url, "POST", {}, text, body, {}, "")
    client.handle_http_status_code(status, "", url, "POST", text)


def test_the_reason_is_the_venues_code_and_message() -> None:
    message = 'binance {"code":-2010,"msg":"Account has insufficient balance."}'
    assert venue_reason(message) == "-2010: Account has insufficient balance."
    assert venue_reason("binance GET http://x/api 503 Service Unavailable") == (
        "binance GET http://x/api 503 Service Unavailable"
    )
    assert len(venue_reason("x" * 5000)) == 300
    assert venue_reason("   ") == "no reason given"


def test_scrub_removes_query_strings_signatures_and_secrets() -> None:
    message = (
        "binance GET http://127.0.0.1:9/api/v3/order?symbol=BTCUSDT&timestamp=1&"
        "signature=deadbeef RequestTimeout; X-MBX-APIKEY key-123; body signature=cafe "
        '{"apiKey":"key-123","password":"hunter2"} secret-456'
    )
    scrubbed = scrub(message, ["key-123", "secret-456", None, ""])
    for leaked in ("deadbeef", "cafe", "key-123", "hunter2", "secret-456", "timestamp=1"):
        assert leaked not in scrubbed
    assert "http://127.0.0.1:9/api/v3/order?***" in scrubbed
    assert "RequestTimeout" in scrubbed


def test_a_translated_error_never_carries_the_signature() -> None:
    url = "http://127.0.0.1:9/api/v3/order?symbol=BTCUSDT&signature=deadbeef"
    message = scrub(f"binance DELETE {url}", ["the-api-key"])
    error = run(Failure(("RequestTimeout", "NetworkError"), message, True, None), write=True)
    assert isinstance(error, AmbiguousOutcome)
    assert "deadbeef" not in str(error)
    assert "the-api-key" not in str(error)


def test_outcome_labels_are_the_metric_set() -> None:
    samples: list[VenueError] = [
        InsufficientFunds("v", "m"),
        OrderNotFound("v", "m"),
        OrderRejected("v", "m"),
        RateLimited("v", "m", 1),
        RetryableVenueError("v", "m"),
        AmbiguousOutcome("v", "m"),
        AuthenticationFailed("v", "m"),
        BadVenueResponse("v", "m"),
        VenueFatal("v", "m"),
    ]
    labels = [outcome_of(error) for error in samples]
    assert len(set(labels)) == len(samples)
    assert set(labels) <= set(OUTCOMES)


def test_an_ambiguous_reason_says_what_happened() -> None:
    timeout = Failure(("RequestTimeout", "NetworkError"), "POST http://h/api/v3/order", True)
    assert run(timeout, write=True).reason == "no answer in time: POST http://h/api/v3/order"
    reset = Failure(("ExchangeNotAvailable", "NetworkError"), "POST http://h/o", True)
    assert run(reset, write=True).reason.startswith("connection lost before the answer")
    answered = Failure(
        ("ExchangeNotAvailable",), '{"code":-1001,"msg":"Internal error."}', True, 503
    )
    assert run(answered, write=False).reason == "HTTP 503: -1001: Internal error."
