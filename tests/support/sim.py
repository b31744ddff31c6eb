"""Helpers to run and poke a SimServer in tests: scenarios, rich accounts, admin calls."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import aiohttp

from lyrad.sim.engine import AccountSpec
from lyrad.sim.scenarios import Scenario, load_scenario
from lyrad.sim.server import SimServer

RICH_BALANCES = {"USDT": Decimal(1_000_000), "BTC": Decimal(100), "ETH": Decimal(1000)}


def account(name: str, *, can_trade: bool = True, **balances: Decimal) -> AccountSpec:
    """A test account whose key and secret are derived from its name."""
    return AccountSpec(
        name=name,
        api_key=f"{name}-api-key",
        secret=f"{name}-secret",
        balances=balances or dict(RICH_BALANCES),
        can_trade=can_trade,
    )


def scenario(name: str = "calm", **changes: Any) -> Scenario:
    """A shipped scenario with some fields replaced (faults, rate_limit, clock_skew_ms, ...)."""
    return dataclasses.replace(load_scenario(name), **changes)


async def admin(
    server: SimServer, method: str, path: str, body: object = None, *, token: str | None = None
) -> tuple[int, Any]:
    """Call the admin API; returns (status, decoded JSON body)."""
    headers = {"Authorization": f"Bearer {server.admin_token if token is None else token}"}
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, server.admin_url + path, json=body, headers=headers) as response,
    ):
        return response.status, await response.json()


async def request_log(server: SimServer) -> list[dict[str, Any]]:
    status, body = await admin(server, "GET", "/requests")
    assert status == 200
    records: list[dict[str, Any]] = body["requests"]
    return records
