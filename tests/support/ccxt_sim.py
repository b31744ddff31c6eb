"""A real `ccxt.async_support.binance` pointed at a running SimServer.

How any ccxt binance client must be configured for the sim (the daemon's adapter does the same):

- `urls.api`: every key of binance's `urls['api']` rewritten to the sim's base URL with the
  same path (`https://api.binance.com/api/v3` -> `http://127.0.0.1:P/api/v3`, `.../sapi/v1` ->
  `http://127.0.0.1:P/sapi/v1`, the futures keys too, so that nothing can leave loopback);
- `options`: `fetchMarkets.types = ["spot"]`, `fetchCurrencies = False`, `fetchMargins = False`,
  `defaultType = "spot"`;
- `exceptions`: binance's `exceptions['spot']` tables merged over the generic ones. ccxt picks
  the spot tables in `handle_errors` only when the URL starts with `https://api.binance.com/`
  (`get_exceptions_by_url`); on a loopback URL it would use the generic tables alone, so the
  spot-specific codes are configured explicitly to map as they do against the real host.
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
        "enableRateLimit": False,
    }
    if account is not None:
        config["apiKey"] = account.api_key
        config["secret"] = account.secret
    options = extra.pop("options", None)
    config.update(extra)
    if options:
        config["options"].update(options)
    return config


def sim_client(server: SimServer, account: int | None = 0, **extra: Any) -> Any:
    """A ccxt binance client for `server`, signed as `server.accounts[account]` (None: public).

    Tests also drop ccxt's 250 ms pause on close (meant for TLS shutdown; this is plain HTTP).
    """
    info = None if account is None else server.accounts[account]
    extra.setdefault("timeout_on_exit", 0)
    return ccxt_async.binance(sim_config(server.base_url, info, **extra))


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
