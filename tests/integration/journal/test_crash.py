from __future__ import annotations

import asyncio
import sqlite3
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from lyrad.domain.values import ZERO, Side
from lyrad.journal import open_readonly
from tests.integration.journal import crash_writer

REPO_ROOT = Path(__file__).resolve().parents[3]


async def run_until_killed(path: Path, fills_before_kill: int) -> None:
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.integration.journal.crash_writer",
        str(path),
        cwd=REPO_ROOT,
        stdout=asyncio.subprocess.PIPE,
    )
    assert child.stdout is not None
    try:
        while True:
            line = await asyncio.wait_for(child.stdout.readline(), timeout=60)
            assert line, "the writer process died on its own"
            if line.strip().isdigit() and int(line) >= fills_before_kill:
                break
    finally:
        child.kill()  # SIGKILL: no cleanup, the writer thread stops wherever it is
        await child.wait()


@pytest.mark.parametrize("fills_before_kill", [40, 400])
async def test_a_killed_writer_leaves_every_fill_whole_or_absent(
    tmp_path: Path, fills_before_kill: int
) -> None:
    path = tmp_path / "journal.sqlite3"
    await run_until_killed(path, fills_before_kill)

    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    with open_readonly(path) as view:
        fills = view.fills()
        orders = view.orders()
        (position,) = view.positions()
        balances = view.balances("sim")
        applied_events = [e for e in view.events(limit=100_000) if e.kind == "fill_applied"]

    assert len(fills) >= fills_before_kill
    assert len(applied_events) == len(fills)
    for order in orders:
        mine = [f for f in fills if f.client_order_id == order.client_order_id]
        assert order.filled == sum((f.amount for f in mine), ZERO)
        assert order.cost == sum((f.cost for f in mine), ZERO)
        assert order.fee == sum((f.fee for f in mine), ZERO)
    signed = sum((f.amount * f.side.sign for f in fills), ZERO)
    assert position.quantity == signed
    assert position.fees_paid == sum((f.fee for f in fills), ZERO)
    quote_flow = sum((-f.cost * f.side.sign - f.fee for f in fills), ZERO)
    assert balances["BTC"].total == crash_writer.START_BTC + signed
    assert balances["USDT"].total == crash_writer.START_USDT + quote_flow
    assert {f.side for f in fills} == {Side.BUY, Side.SELL}
    assert all(f.fee == Decimal("0.0127") for f in fills)
