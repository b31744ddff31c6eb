"""The whole suite against `lyrad sim` (calm), through the real ccxt and the daemon's adapter path.

One full run with --allow-trades is shared by the module: GO, full coverage, nothing left open,
foreign orders untouched, no secret anywhere. Read-only, dry-run and credential-less runs each
run once more.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from lyrad.domain.orders import OrderState
from lyrad.sim.server import SimServer
from lyrad.validate.model import State
from lyrad.validate.scoring import Verdict
from lyrad.validate.session import SessionResult
from tests.integration.validate.chromium import chromium, read_png, run_chromium
from tests.integration.validate.support import (
    CANARY,
    calm_venue,
    open_orders,
    order_requests,
    run_suite,
    states,
    written,
)
from tests.support.ccxt_sim import sim_client

pytestmark = pytest.mark.asyncio(loop_scope="module")

FOREIGN_IDS = ("manual-grid-1", "manual-grid-2")
GO_GREEN = (0x2E, 0x7D, 0x32)  # .v-GO in the report's style


@dataclass
class FullRun:
    sim: SimServer
    result: SessionResult
    logged: str
    foreign: list[str]  # venue ids of the orders placed by hand before the run


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def sim() -> AsyncIterator[SimServer]:
    async with calm_venue(21) as server:
        yield server


@pytest_asyncio.fixture(loop_scope="module")
async def fresh() -> AsyncIterator[SimServer]:
    """A venue of its own: a venue counts every run's request weight in its minute."""
    async with calm_venue(22) as server:
        yield server


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def full(sim: SimServer, tmp_path_factory: pytest.TempPathFactory) -> FullRun:
    client = sim_client(sim)
    try:
        book = await client.fetch_order_book("BTC/USDT", 5)
        foreign = []
        for n, cid in enumerate(FOREIGN_IDS):
            price = round(book["bids"][0][0] * (0.90 - n / 100), 2)
            order = await client.create_order(
                "BTC/USDT", "limit", "buy", 0.001, price, {"clientOrderId": cid}
            )
            foreign.append(str(order["id"]))
    finally:
        await client.close()
    report_dir = tmp_path_factory.mktemp("full")
    result, logged = await run_suite(sim, report_dir, allow_trades=True)
    return FullRun(sim, result, logged, foreign)


async def test_full_run_is_go_with_full_coverage(full: FullRun) -> None:
    card = full.result.card
    assert card.verdict is Verdict.GO, card.reasons
    assert card.total >= 85
    assert card.coverage == 1.0  # every check the sim supports ran
    run = states(full.result.results)
    assert State.ERROR not in run.values()
    assert State.NOT_RUN not in run.values()
    not_applicable = {c for c, s in run.items() if s is State.NOT_APPLICABLE}
    # streams (ccxt.async_support has none), and the live-only key and transport checks
    assert not_applicable == {"TEC-11", "TRD-12", "PRD-11", "SEC-01", "SEC-08", "SEC-09"}


async def test_full_run_leaves_nothing_open_and_foreign_orders_untouched(full: FullRun) -> None:
    remaining = await open_orders(full.sim)
    assert sorted(o.client_order_id for o in remaining) == list(FOREIGN_IDS)
    assert sorted(str(o.order_id) for o in remaining) == sorted(full.foreign)
    orders = written(full.result)["orders"]
    assert isinstance(orders, dict)
    ledger = orders["ledger"]
    assert isinstance(ledger, list)
    assert all(str(e["client_order_id"]).startswith("lyrav-") for e in ledger)
    assert orders["orders_sent"] <= 10
    assert orders["cancels_sent"] <= 10
    assert states(full.result.results)["TRD-18"] is State.PASS


async def test_every_order_was_journaled_and_ended_final(full: FullRun) -> None:
    journal = full.result.paths["json"].with_suffix(".journal.sqlite3")
    with sqlite3.connect(journal) as db:
        rows = db.execute("SELECT client_order_id, state FROM orders").fetchall()
        first_events = db.execute(
            "SELECT client_order_id, MIN(seq) FROM events WHERE client_order_id IS NOT NULL "
            "GROUP BY client_order_id"
        ).fetchall()
        kinds = dict(db.execute("SELECT seq, kind FROM events").fetchall())
    assert len(rows) >= 10
    assert all(cid.startswith("lyrav-") for cid, _ in rows)
    live = {s.value for s in OrderState if s.is_live}
    assert not [cid for cid, state in rows if state in live]
    # the first thing journaled about each order is its insertion (intent before send)
    assert {kinds[seq] for _, seq in first_events} == {"order_created"}


async def test_no_secret_in_report_logs_or_journal(full: FullRun) -> None:
    account = full.sim.accounts[0]
    texts = {name: path.read_text(encoding="utf-8") for name, path in full.result.paths.items()}
    journal = full.result.paths["json"].with_suffix(".journal.sqlite3")
    texts["journal"] = journal.read_bytes().decode("latin-1")
    texts["logs"] = full.logged
    assert full.logged  # the run did log
    for name, text in texts.items():
        assert account.api_key not in text, name
        assert account.secret not in text, name
    header = written(full.result)["header"]
    assert isinstance(header, dict)
    assert header["key_id"] == "…" + account.api_key[-4:]
    assert states(full.result.results)["SEC-10"] is State.PASS


async def test_the_html_report_renders_every_section(full: FullRun) -> None:
    html = full.result.paths["html"].read_text(encoding="utf-8")
    assert re.search(r'<div id="verdict" class="verdict v-GO">GO</div>', html)
    for section in ("Checks", "Latency", "Rate-limit usage", "Orders ledger", "Capability matrix"):
        assert f"<h2>{section}</h2>" in html
    assert html.count("<svg") >= 6  # category bars, four histograms, the timeline
    assert "<script" not in html
    markdown = full.result.paths["md"].read_text(encoding="utf-8")
    assert "**Verdict: GO**" in markdown


def _near(pixel: tuple[int, int, int], color: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 8 for a, b in zip(pixel, color, strict=True))


async def test_the_html_report_shows_its_verdict_in_headless_chromium(
    full: FullRun, tmp_path: Path
) -> None:
    browser = chromium()
    page = full.result.paths["html"].as_uri()
    dom = run_chromium(browser, tmp_path / "dom-profile", "--dump-dom", page).stdout
    assert re.search(r'<div id="verdict" class="verdict v-GO">GO</div>', dom)
    shot = tmp_path / "report.png"
    run_chromium(
        browser,
        tmp_path / "shot-profile",
        f"--screenshot={shot}",
        "--window-size=800,600",
        "--hide-scrollbars",
        page,
    )
    image = read_png(shot.read_bytes(), rows=260)
    assert len(set(image.pixels)) > 20  # not blank
    green = sum(1 for pixel in image.pixels if _near(pixel, GO_GREEN))
    assert green > 2000  # the verdict box (and the category bars) are on screen


async def test_read_only_is_incomplete_and_places_nothing(fresh: SimServer, tmp_path: Path) -> None:
    before = await order_requests(fresh)
    result, _ = await run_suite(fresh, tmp_path, read_only=True)
    assert result.card.verdict is Verdict.INCOMPLETE
    assert await order_requests(fresh) == before
    run = states(result.results)
    assert run["TRD-02"] is State.NOT_RUN
    assert run["SEC-04"] is State.PASS


async def test_dry_run_sends_no_order_and_reports_the_plan(
    fresh: SimServer, tmp_path: Path
) -> None:
    before = await order_requests(fresh)
    result, _ = await run_suite(fresh, tmp_path, dry_run=True, allow_trades=True)
    assert await order_requests(fresh) == before  # the sim's request log proves it
    plan = written(result)["order_plan"]
    assert isinstance(plan, list)
    purposes = [step["purpose"] for step in plan]
    assert purposes == ["TRD-02 far buy", "TRD-03 far sell", "TRD-14 micro round-trip"]
    assert result.card.verdict is Verdict.INCOMPLETE


async def test_without_credentials_only_public_checks_run(fresh: SimServer, tmp_path: Path) -> None:
    result, _ = await run_suite(fresh, tmp_path, credentials=False)
    assert result.card.verdict is Verdict.INCOMPLETE
    run = states(result.results)
    assert run["TEC-04"] is State.PASS
    assert run["SEC-02"] is State.NOT_RUN
    reasons = {r.summary for r in result.results if r.spec.id in ("SEC-02", "TRD-02")}
    assert reasons == {"no credentials: public checks only"}


async def test_a_planted_canary_in_the_logs_fails_sec_10(fresh: SimServer, tmp_path: Path) -> None:
    result, _ = await run_suite(fresh, tmp_path, only=frozenset({"SEC-10"}), leak_canary=True)
    sec_10 = next(r for r in result.results if r.spec.id == "SEC-10")
    assert sec_10.state is State.FAIL
    assert sec_10.summary == "the canary appears in the logs"
    assert CANARY not in result.paths["json"].read_text(encoding="utf-8")
    assert result.card.verdict is Verdict.NO_GO


async def test_baseline_shows_what_changed(fresh: SimServer, full: FullRun, tmp_path: Path) -> None:
    baseline: dict[str, Any] = json.loads(full.result.paths["json"].read_text(encoding="utf-8"))
    result, _ = await run_suite(fresh, tmp_path, read_only=True, baseline=baseline)
    diff = written(result)["diff"]
    assert isinstance(diff, dict)
    assert (diff["verdict_before"], diff["verdict_after"]) == ("GO", "INCOMPLETE")
    changed = {c["id"]: (c["before"], c["after"]) for c in diff["changed"]}
    assert changed["TRD-02"] == ("PASS", "NOT RUN")
    assert "TEC-04" not in changed
