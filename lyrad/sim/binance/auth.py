"""Signed-endpoint security as Binance checks it: API key, timestamp in recvWindow, HMAC-SHA256."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable

from lyrad.sim.binance import errors
from lyrad.sim.binance.params import Params

DEFAULT_RECV_WINDOW_MS = 5000
MAX_RECV_WINDOW_MS = 60000
MAX_AHEAD_MS = 1000
_API_KEY = re.compile(r"^[\x21-\x7e]{1,128}$")

SecretLookup = Callable[[str], "tuple[str, str] | None"]
"""api key -> (account name, secret), or None for an unknown key."""


def signed_payload(raw_query: str, raw_body: str) -> tuple[str, str | None]:
    """The text Binance signs (query then body, signature pair removed) and the signature."""
    signature: str | None = None
    parts: list[str] = []
    for raw in (raw_query, raw_body):
        kept = []
        for pair in raw.split("&") if raw else []:
            if pair.split("=", 1)[0] == "signature":
                signature = pair.split("=", 1)[1] if "=" in pair else ""
                continue
            kept.append(pair)
        parts.append("&".join(kept))
    return parts[0] + parts[1], signature


def authenticate(api_key: str | None, lookup: SecretLookup) -> tuple[str, str]:
    """The account name and secret behind the `X-MBX-APIKEY` header."""
    if api_key is None or not _API_KEY.match(api_key):
        raise errors.api_key_format_invalid()
    found = lookup(api_key)
    if found is None:
        raise errors.rejected_api_key()
    return found


def check_timestamp(params: Params, server_ms: int) -> None:
    """Binance's rule: timestamp < serverTime + 1000 and serverTime - timestamp <= recvWindow."""
    timestamp = params.integer("timestamp")
    if timestamp is None:
        raise errors.mandatory("timestamp")
    recv_window = params.integer("recvWindow")
    if recv_window is None:
        recv_window = DEFAULT_RECV_WINDOW_MS
    if recv_window > MAX_RECV_WINDOW_MS:
        raise errors.recv_window_too_large()
    if timestamp >= server_ms + MAX_AHEAD_MS:
        raise errors.timestamp_ahead()
    if server_ms - timestamp > recv_window:
        raise errors.timestamp_outside_recv_window()


def check_signature(secret: str, payload: str, signature: str | None) -> None:
    if not signature:
        raise errors.mandatory("signature")
    if not signature.isascii():
        raise errors.invalid_signature()
    expected = hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature.lower()):
        raise errors.invalid_signature()
