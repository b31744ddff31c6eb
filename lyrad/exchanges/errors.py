"""ccxt's errors sorted into lyrad's error tree by what the caller must do.

This module never imports ccxt: the adapter describes a failure by the names of the exception's
classes (most specific first) plus what the wire showed (did the request leave, which status
came back), and `translate` picks the lyrad error. Every class in `ccxt.base.errors` has an
entry in `DISPOSITIONS`; a test walks ccxt's hierarchy to keep it so.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from types import MappingProxyType

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

MAX_REASON_CHARS = 300


class Disposition(Enum):
    NOT_FOUND = "not_found"
    INSUFFICIENT_FUNDS = "insufficient_funds"
    REJECTED = "rejected"  # the venue refused: nothing changed
    AUTH = "auth"
    RATE_LIMITED = "rate_limited"
    TRANSPORT = "transport"  # lost, timed out or 5xx: depends on whether the request left
    CLOCK = "clock"  # our timestamp was refused: retry after a time resync
    PENDING = "pending"  # accepted but not final (a cancel in progress)
    EXCHANGE = "exchange"  # ccxt's catch-all: judged by the HTTP status
    BAD_RESPONSE = "bad_response"
    FATAL = "fatal"  # the call cannot work as configured


_D = Disposition
DISPOSITIONS: Mapping[str, Disposition] = MappingProxyType(
    {
        "BaseError": _D.FATAL,
        "ExchangeError": _D.EXCHANGE,
        "AuthenticationError": _D.AUTH,
        "PermissionDenied": _D.AUTH,
        "AccountNotEnabled": _D.AUTH,
        "AccountSuspended": _D.AUTH,
        "ArgumentsRequired": _D.REJECTED,
        "BadRequest": _D.REJECTED,
        "BadSymbol": _D.REJECTED,
        "OperationRejected": _D.REJECTED,
        "NoChange": _D.REJECTED,
        "MarginModeAlreadySet": _D.REJECTED,
        "MarketClosed": _D.REJECTED,
        # Account-level refusals that only an operator can lift, like a refused key.
        "ManualInteractionNeeded": _D.AUTH,
        "RestrictedLocation": _D.AUTH,
        "InsufficientFunds": _D.INSUFFICIENT_FUNDS,
        "InvalidAddress": _D.REJECTED,
        "AddressPending": _D.REJECTED,
        "InvalidOrder": _D.REJECTED,
        "OrderNotFound": _D.NOT_FOUND,
        "OrderNotCached": _D.NOT_FOUND,
        "OrderImmediatelyFillable": _D.REJECTED,
        "OrderNotFillable": _D.REJECTED,
        "DuplicateOrderId": _D.REJECTED,
        "ContractUnavailable": _D.REJECTED,
        "NotSupported": _D.FATAL,
        "InvalidProxySettings": _D.FATAL,
        "ExchangeClosedByUser": _D.FATAL,
        "OperationFailed": _D.TRANSPORT,
        "NetworkError": _D.TRANSPORT,
        # ccxt raises DDoSProtection for Binance's 429 and 418, not RateLimitExceeded.
        "DDoSProtection": _D.RATE_LIMITED,
        "RateLimitExceeded": _D.RATE_LIMITED,
        "ExchangeNotAvailable": _D.TRANSPORT,
        "OnMaintenance": _D.TRANSPORT,
        "InvalidNonce": _D.CLOCK,
        "ChecksumError": _D.TRANSPORT,  # a stream's book checksum: fetch again
        "RequestTimeout": _D.TRANSPORT,
        "BadResponse": _D.BAD_RESPONSE,
        "NullResponse": _D.BAD_RESPONSE,
        "CancelPending": _D.PENDING,
        "UnsubscribeError": _D.FATAL,
    }
)


@dataclass(frozen=True, slots=True)
class Failure:
    """One failed venue call as the wire saw it."""

    class_names: tuple[str, ...]  # the exception's classes, most specific first
    message: str  # already scrubbed of credentials
    sent: bool  # the request's headers left the process
    status: int | None = None  # HTTP status of the answer, None when none arrived
    retry_after_s: float | None = None  # the wait the answer asked for


def disposition_of(class_names: Iterable[str]) -> Disposition:
    for name in class_names:
        if name in DISPOSITIONS:
            return DISPOSITIONS[name]
    return Disposition.FATAL


_PLAIN: Mapping[Disposition, type[VenueError]] = MappingProxyType(
    {
        Disposition.NOT_FOUND: OrderNotFound,
        Disposition.INSUFFICIENT_FUNDS: InsufficientFunds,
        Disposition.REJECTED: OrderRejected,
        Disposition.AUTH: AuthenticationFailed,
        Disposition.BAD_RESPONSE: BadVenueResponse,
        Disposition.FATAL: VenueFatal,
    }
)


def translate(
    venue: str, failure: Failure, *, write: bool, default_retry_after_s: float
) -> VenueError:
    """The lyrad error for a failed call; `write` is True for create and cancel."""
    disposition = disposition_of(failure.class_names)
    reason = venue_reason(failure.message)
    if disposition is Disposition.EXCHANGE:
        disposition = _judge_by_status(failure)
    plain = _PLAIN.get(disposition)
    if plain is not None:
        return plain(venue, reason)
    if disposition is Disposition.RATE_LIMITED:
        wait = failure.retry_after_s
        return RateLimited(venue, reason, default_retry_after_s if wait is None else wait)
    if disposition is Disposition.CLOCK:
        return RetryableVenueError(venue, f"clock out of step with the venue: {reason}")
    if disposition is Disposition.PENDING:
        return AmbiguousOutcome(venue, reason) if write else RetryableVenueError(venue, reason)
    return _transport(venue, failure, reason, write=write)


def _judge_by_status(failure: Failure) -> Disposition:
    """ccxt's bare ExchangeError: an answered 4xx (or an error in a 2xx body) is a refusal."""
    if failure.status is not None and failure.status < 500:
        return Disposition.REJECTED
    return Disposition.TRANSPORT


def _transport(venue: str, failure: Failure, reason: str, *, write: bool) -> VenueError:
    status = failure.status
    if status == 408:
        return RetryableVenueError(venue, f"the venue timed out reading the request: {reason}")
    if status is not None and 400 <= status < 500:
        return OrderRejected(venue, reason)  # ccxt calls some answered 4xx "not available"
    if not failure.sent and status is None:
        return RetryableVenueError(venue, f"the request never left: {reason}")
    what = _what_happened(failure)
    if write:
        # Sent, then a timeout, a reset or a 5xx: the venue may have applied it.
        return AmbiguousOutcome(venue, f"{what}: {reason}")
    return RetryableVenueError(venue, f"{what}: {reason}")


def _what_happened(failure: Failure) -> str:
    if failure.status is not None:
        return f"HTTP {failure.status}"
    if "RequestTimeout" in failure.class_names:
        return "no answer in time"
    return "connection lost before the answer"


# --- messages --------------------------------------------------------------------------

_URL_QUERY = re.compile(r"(https?://[^\s?#]+)\?\S*", re.IGNORECASE)
_SIGNED_FIELD = re.compile(
    r"((?:signature|api[-_]?key|apikey|secret|password|passphrase|token)[\"']?\s*[=:]\s*[\"']?)"
    r"[^\s&\"',}]+",
    re.IGNORECASE,
)
_MASK = "***"


def scrub(message: str, secrets: Iterable[str | None] = ()) -> str:
    """The message without query strings, signatures or any of `secrets`."""
    text = _URL_QUERY.sub(r"\1?" + _MASK, message)
    text = _SIGNED_FIELD.sub(r"\1" + _MASK, text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, _MASK)
    return text


def venue_reason(message: str) -> str:
    """The venue's own words: `code: msg` from a JSON error body when there is one."""
    start = message.find("{")
    if start >= 0:
        try:
            body = json.loads(message[start:])
        except ValueError:
            body = None
        if isinstance(body, dict) and isinstance(body.get("msg"), str):
            code = body.get("code")
            text = f"{code}: {body['msg']}" if code is not None else body["msg"]
            return text[:MAX_REASON_CHARS]
    return message.strip()[:MAX_REASON_CHARS] or "no reason given"


def outcome_of(error: VenueError) -> str:
    """The metric outcome label of an error (see metrics.OUTCOMES)."""
    for cls, label in _OUTCOMES:
        if isinstance(error, cls):
            return label
    return "fatal"


_OUTCOMES: tuple[tuple[type[VenueError], str], ...] = (
    (InsufficientFunds, "insufficient_funds"),
    (OrderNotFound, "not_found"),
    (OrderRejected, "rejected"),
    (RateLimited, "rate_limited"),
    (RetryableVenueError, "retryable"),
    (AmbiguousOutcome, "ambiguous"),
    (AuthenticationFailed, "auth_failed"),
    (BadVenueResponse, "bad_response"),
    (VenueFatal, "fatal"),
)
