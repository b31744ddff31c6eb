"""A real `ccxt.async_support.binance` pointed at a running SimServer.

How any ccxt binance client must be configured for the sim (the daemon's adapter does the
same; `sim_config` builds exactly this):

- `urls.api`: every key of binance's `urls['api']` (public, private, v1, sapi, sapiV2..V4,
  fapi*, dapi*, eapi*, papi*) rewritten to the sim's base URL with the same path:
  `https://api.binance.com/api/v3` -> `http://127.0.0.1:P/api/v3`, `.../sapi/v1` ->
  `http://127.0.0.1:P/sapi/v1`, `https://fapi.binance.com/fapi/v1` -> `http://127.0.0.1:P/fapi/v1`
  (the sim answers 404 there), so that no call can leave loopback;
- `options`: `fetchMarkets = {"types": ["spot"]}`, `fetchCurrencies = False` (no
  sapi capital/config/getall at load_markets), `fetchMargins = False` (no margin pair lists),
  `defaultType = "spot"`;
- `exceptions`: binance's `exceptions['spot']['exact'|'broad']` merged over the generic
  `exceptions['exact'|'broad']` (deep-merged by the constructor). ccxt's `handle_errors`
  consults the spot tables only when `get_exceptions_by_url` recognises the URL: it must start
  with `https://api.<hostname>/` (hostname `binance.com`), `https://demo-api` or
  `https://testnet.binance.vision`. On `http://127.0.0.1:P` it would use the generic tables
  alone, so spot-only codes (-1131 recvWindow, -1108, -1004, -2008, -2026, ...) would map
  differently from the real host; merging the spot tables in restores the real mapping.
- `apiKey`/`secret`: the sim account's.

Unchanged and still meaningful: `recvWindow` (ccxt sends 10000 by default; the sim enforces
it against its own clock, which carries the scenario's skew: use `adjustForTimeDifference`
or `load_time_difference()` for the clock_skew scenario) and `timeout`.
Test-only tweaks (`TEST_TWEAKS`): ccxt's client-side throttle off, so tests can hit the
sim's limits, and no 250 ms pause on close (it exists for TLS; the sim is plain HTTP).
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import ccxt
import ccxt.async_support as ccxt_async

from lyrad.sim.server import SimAccountInfo, SimServer


@cache
def _binance_description() -> dict[str, Any]:
    description: dict[str, Any] = ccxt_async.binance().describe()
    return description


def sim_urls(base_url: str) -> dict[str, str]:
    """Binance's API URLs with the host replaced by the sim's base URL, paths unchanged."""
    template = _binance_description()["urls"]["api"]
    return {key: base_url + urlsplit(url).path for key, url in template.items()}


def spot_exceptions() -> dict[str, dict[str, Any]]:
    """Binance's spot error tables, to merge over the generic ones (see the module docstring)."""
    spot = _binance_description()["exceptions"]["spot"]
    return {"exact": dict(spot.get("exact", {})), "broad": dict(spot.get("broad", {}))}


def sim_config(base_url: str, account: SimAccountInfo | None, **extra: Any) -> dict[str, Any]:
    """The constructor config for a ccxt binance client that talks to the sim."""
    config: dict[str, Any] = {
        "urls": {"api": sim_urls(base_url)},
        "options": {
            "fetchMarkets": {"types": ["spot"]},
            "fetchCurrencies": False,
            "fetchMargins": False,
            "defaultType": "spot",
        },
        "exceptions": spot_exceptions(),
    }
    if account is not None:
        config["apiKey"] = account.api_key
        config["secret"] = account.secret
    options = extra.pop("options", None)
    config.update(extra)
    if options:
        config["options"].update(options)
    return config


TEST_TWEAKS: dict[str, Any] = {"enableRateLimit": False, "timeout_on_exit": 0}


def sim_client(server: SimServer, account: int | None = 0, **extra: Any) -> Any:
    """A ccxt binance client for `server`, signed as `server.accounts[account]` (None: public)."""
    info = None if account is None else server.accounts[account]
    return ccxt_async.binance(sim_config(server.base_url, info, **{**TEST_TWEAKS, **extra}))


REAL_SPOT_URL = "https://api.binance.com/api/v3/order"


def real_binance_class(status: int, body: object) -> type[Exception]:
    """The ccxt exception an unconfigured client raises for this answer from the real host."""
    client = ccxt.binance()
    text = json.dumps(body)
    try:
        client.handle_errors(status, "", REAL_SPOT_URL, "POST", {}, text, body, {}, "")
        client.handle_http_status_code(status, "", REAL_SPOT_URL, "POST", text)
    except ccxt.BaseError as e:
        return type(e)
    raise AssertionError(f"ccxt raised nothing for {status} {text}")
