"""Running the suite in process against a SimServer, through the real ccxt adapter path."""

from __future__ import annotations

import dataclasses
import io
import json
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from lyrad.logging import configure_logging
from lyrad.security.redaction import Redactor
from lyrad.sim.engine import AccountSpec
from lyrad.sim.scenarios import FaultRule
from lyrad.sim.server import SimServer
from lyrad.validate.context import Mode, RunOptions, Timing
from lyrad.validate.deviations import load_deviations
from lyrad.validate.model import CheckResult, State
from lyrad.validate.session import Session, SessionResult, run_session
from lyrad.validate.wiring import VenueAccess
from tests.integration.validate.extended_adapter import extended_builder
from tests.support.sim import admin, scenario

SYMBOL = "BTC/USDT"
TIMING = Timing(visibility_s=1.0, poll_s=0.05)
CANARY = "planted-canary-5f2e9d0c"


def calm_venue(seed: int) -> SimServer:
    """The calm scenario with exchangeInfo taking 5 ms, as the real one takes far longer: a
    1 ms timeout (PRD-10) then never races a fast loopback answer."""
    slow_markets = FaultRule(kind="latency", route="GET /api/v3/exchangeInfo", latency_ms=5)
    return SimServer(
        scenario=scenario("calm", faults=(slow_markets,)), seed=seed, accounts=[trader()]
    )


def trader(name: str = "trader") -> AccountSpec:
    """A sim account with the default account's balances and unguessable-looking credentials."""
    return AccountSpec(
        name=name,
        api_key=f"{name}-key-7Hq2xPz9LmV4kR8s",
        secret=f"{name}-secret-Vb3Nw6Yt1QcJ5dFg",
        balances={"USDT": Decimal(10000), "BTC": Decimal(1), "ETH": Decimal(10)},
    )


async def run_suite(
    sim: SimServer,
    report_dir: Path,
    *,
    credentials: bool = True,
    baseline: Mapping[str, object] | None = None,
    leak_canary: bool = False,
    **flags: Any,
) -> tuple[SessionResult, str]:
    """One run with logging captured as the CLI does it; (result, what was logged).

    `leak_canary` plants the run's canary in the log text, as a leaking code path would.
    """
    account = sim.accounts[0]
    key, secret = (account.api_key, account.secret) if credentials else (None, None)
    access = VenueAccess("sim", "binance", sim.base_url, key, secret, None, 10.0)
    if flags.get("allow_trades"):
        flags.setdefault("max_loss", Decimal(1))
        flags.setdefault("max_notional", Decimal(20))
    options = RunOptions(
        venue="sim",
        exchange="binance",
        symbol=SYMBOL,
        mode=Mode.SIM,
        has_credentials=credentials,
        credential_source="literal",
        key_id=access.key_id,
        **flags,
    )
    redactor = Redactor()
    for value in (key, secret):
        if value:
            redactor.register(value)
    stream = io.StringIO()
    configure_logging(level="info", fmt="json", redactor=redactor, stream=stream)
    session = Session(
        options=options,
        access=access,
        report_dir=report_dir,
        deviations=load_deviations("sim"),
        redactor=redactor,
        baseline=baseline,
        timing=TIMING,
        builder=extended_builder,
        log_text=lambda: stream.getvalue() + (f"debug: secret={CANARY}" if leak_canary else ""),
    )
    if leak_canary:
        session = dataclasses.replace(session, canary=CANARY)
    result = await run_session(session)
    return result, stream.getvalue()


def written(result: SessionResult) -> Any:
    """The JSON report as written to disk (the source of truth), for free navigation."""
    return json.loads(result.paths["json"].read_text(encoding="utf-8"))


def states(results: list[CheckResult]) -> dict[str, State]:
    return {r.spec.id: r.state for r in results}


async def open_orders(sim: SimServer, account: str = "trader") -> list[Any]:
    return list(sim.venue.engine.open_orders(account))


async def order_requests(sim: SimServer) -> list[str]:
    """Every order placement or cancel the venue has seen (from the admin request log)."""
    _, body = await admin(sim, "GET", "/requests")
    return [
        f"{r['method']} {r['path']}"
        for r in body["requests"]
        if r["path"] in ("/api/v3/order", "/api/v3/openOrders", "/api/v3/order/cancelReplace")
        and r["method"] in ("POST", "DELETE")
    ]
