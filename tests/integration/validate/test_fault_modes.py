"""Each sim fault mode flips exactly the checks it targets (VALIDATION.md §6.3 rule 8).

A calm baseline run, then one run per mode on a fresh venue of the same seed (a venue counts the
request weight of every run in its minute, as Binance counts an IP's); the checks whose state
changed must be exactly the expected ones (checks the tripwire stops may only become NOT RUN).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import pytest_asyncio

from lyrad.sim.server import SimServer
from lyrad.validate.model import State
from lyrad.validate.scoring import Verdict
from tests.integration.validate.support import (
    calm_venue,
    open_orders,
    run_suite,
    states,
    written,
)
from tests.support.sim import admin

pytestmark = pytest.mark.asyncio(loop_scope="module")

F, W, N = State.FAIL, State.WARN, State.NOT_RUN


@dataclass(frozen=True)
class Case:
    modes: Mapping[str, object]
    flips: Mapping[str, State]  # check -> its state under the mode
    verdict: Verdict
    tripwire: bool = False
    extra: Mapping[str, object] = field(default_factory=dict)


CASES = {
    "withdrawal-enabled key": Case({"withdrawals_enabled": True}, {"SEC-04": F}, Verdict.NO_GO),
    "clock skew beyond recvWindow/2": Case({"clock_skew_ms": 7000}, {"PRD-02": F}, Verdict.NO_GO),
    "429 storm": Case(
        {
            "rate_limit_storm": {
                "every": 4,
                "count": 3,
                "route": "GET /api/v3/*",
                "retry_after_s": 0,
            }
        },
        {"PRD-06": F},
        Verdict.NO_GO,
    ),
    "stale book": Case({"stale_market_data_s": 30}, {"TEC-05": F}, Verdict.GO),
    "crossed book": Case({"crossed_book": True}, {"TEC-04": F, "TEC-06": F}, Verdict.GO),
    "a far order that fills": Case(
        {"fill_far_orders": True},
        {"TRD-04": F, "TRD-18": F, "PRD-09": W},
        Verdict.NO_GO,
        tripwire=True,
    ),
}


def venue() -> SimServer:
    return calm_venue(33)


@pytest_asyncio.fixture(loop_scope="module")
async def sim() -> AsyncIterator[SimServer]:
    async with venue() as server:
        yield server


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def baseline(tmp_path_factory: pytest.TempPathFactory) -> dict[str, State]:
    async with venue() as server:
        result, _ = await run_suite(server, tmp_path_factory.mktemp("baseline"))
    assert result.card.verdict is Verdict.GO
    return states(result.results)


@pytest.mark.parametrize("name", list(CASES))
async def test_a_fault_mode_flips_exactly_its_checks(
    sim: SimServer, baseline: dict[str, State], tmp_path: Path, name: str
) -> None:
    case = CASES[name]
    status, _ = await admin(sim, "PUT", "/modes", dict(case.modes))
    assert status == 200
    result, _ = await run_suite(sim, tmp_path)
    now = states(result.results)
    changed = {check: now[check] for check in now if now[check] != baseline[check]}
    stopped = {check for check, state in changed.items() if state is N}
    assert {c: s for c, s in changed.items() if c not in stopped} == dict(case.flips)
    if case.tripwire:
        stopped_by = {r.summary for r in result.results if r.spec.id in stopped}
        assert stopped_by
        assert all(reason.startswith("tripwire:") for reason in stopped_by)
    else:
        assert not stopped
    assert result.card.verdict is case.verdict
    assert [o for o in await open_orders(sim) if o.client_order_id.startswith("lyrav-")] == []


async def test_the_tripwire_reports_the_open_exposure_loudly(
    sim: SimServer, tmp_path: Path
) -> None:
    await admin(sim, "PUT", "/modes", {"fill_far_orders": True})
    try:
        result, logged = await run_suite(
            sim, tmp_path, only=frozenset({"TEC-01", "TRD-02", "TRD-04", "TRD-18"})
        )
    finally:
        await admin(sim, "DELETE", "/modes")
    exposure = written(result)["exposure"]
    assert isinstance(exposure, dict)
    assert exposure["open_exposure"] == f"buy {exposure['filled']}"
    assert '"event": "validation_tripwire"' in logged
    assert "TRIPWIRE" in result.paths["html"].read_text(encoding="utf-8")
    trd_18 = next(r for r in result.results if r.spec.id == "TRD-18")
    assert trd_18.state is State.FAIL
    assert "tripwire" in trd_18.summary


async def test_with_allow_trades_the_tripwire_flattens(sim: SimServer, tmp_path: Path) -> None:
    await admin(sim, "PUT", "/modes", {"fill_far_orders": True})
    try:
        result, _ = await run_suite(
            sim,
            tmp_path,
            allow_trades=True,
            only=frozenset({"TEC-01", "TRD-02", "TRD-04", "TRD-18"}),
        )
    finally:
        await admin(sim, "DELETE", "/modes")
    exposure = written(result)["exposure"]
    assert isinstance(exposure, dict)
    assert exposure["flattened"] is True
    ledger = written(result)["orders"]["ledger"]
    flatten = [e for e in ledger if e["purpose"] == "flatten"]
    assert len(flatten) == 1
    assert flatten[0]["side"] == "sell"
    assert flatten[0]["state"] == "filled"


async def test_maintenance_postpones_the_run(sim: SimServer, tmp_path: Path) -> None:
    await admin(sim, "PUT", "/modes", {"maintenance": True})
    try:
        result, _ = await run_suite(sim, tmp_path)
    finally:
        await admin(sim, "DELETE", "/modes")
    assert result.card.verdict is Verdict.POSTPONED
    assert written(result)["orders"]["orders_sent"] == 0
