"""`lyrad orders` / `lyrad positions` read a real journal file."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from lyrad.domain.orders import Order, OrderState
from lyrad.domain.values import Fill, OrderType, Side, TimeInForce
from lyrad.journal.journal import Journal
from tests.e2e.process import run_lyrad

D = Decimal


def order(cid: str, side: Side, price: str) -> Order:
    return Order(
        client_order_id=cid,
        intent_id=f"intent-{cid}",
        venue="sim",
        symbol="BTC/USDT",
        side=side,
        type=OrderType.LIMIT,
        amount=D("0.002"),
        price=D(price),
        time_in_force=TimeInForce.GTC,
        state=OrderState.PENDING_SUBMIT,
        created_ms=1,
        updated_ms=1,
    )


async def seed_journal(path: Path) -> None:
    async with Journal.open(path, synchronous="NORMAL") as journal:
        await journal.insert_order(order("lyrad1-0", Side.BUY, "50000.10"))
        await journal.transition_order("lyrad1-0", OrderState.OPEN, venue_order_id="77")
        await journal.apply_fill(
            Fill(
                venue="sim",
                trade_id="t1",
                client_order_id="lyrad1-0",
                venue_order_id="77",
                symbol="BTC/USDT",
                side=Side.BUY,
                price=D("50000.10"),
                amount=D("0.002"),
                cost=D("100.0002"),
                fee=D("0.000002"),
                fee_currency="BTC",
                is_maker=True,
                timestamp_ms=2,
            )
        )
        await journal.insert_order(order("lyrad1-1", Side.SELL, "50100.00"))


async def test_orders_json_lists_every_order_with_exact_numbers(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    await seed_journal(path)
    result = run_lyrad("orders", "--json", env={"LYRAD_JOURNAL__PATH": str(path)})
    assert result.returncode == 0, result.stderr
    rows = {row["client_order_id"]: row for row in json.loads(result.stdout)}
    assert set(rows) == {"lyrad1-0", "lyrad1-1"}
    filled = rows["lyrad1-0"]
    assert filled["state"] == "filled"
    assert filled["venue_order_id"] == "77"
    assert filled["filled"] == "0.002"
    assert filled["price"] == "50000.10"
    for key in ("venue", "symbol", "side", "type", "amount"):
        assert key in filled
    assert rows["lyrad1-1"]["state"] == "pending_submit"

    only = run_lyrad(
        "orders", "--json", "--state", "pending_submit", env={"LYRAD_JOURNAL__PATH": str(path)}
    )
    assert [r["client_order_id"] for r in json.loads(only.stdout)] == ["lyrad1-1"]


async def test_positions_json_and_table(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    await seed_journal(path)
    result = run_lyrad("positions", "--json", env={"LYRAD_JOURNAL__PATH": str(path)})
    assert result.returncode == 0, result.stderr
    (position,) = json.loads(result.stdout)
    assert position["symbol"] == "BTC/USDT"
    assert D(position["quantity"]) == D("0.002")  # traded quantity; the fee is counted apart
    assert D(position["fees_paid"]) == D("0.000002") * D("50000.10")
    table = run_lyrad("positions", env={"LYRAD_JOURNAL__PATH": str(path)})
    assert "BTC/USDT" in table.stdout


def test_missing_journal_is_one_line(tmp_path: Path) -> None:
    result = run_lyrad("orders", env={"LYRAD_JOURNAL__PATH": str(tmp_path / "none.sqlite3")})
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "no journal at" in result.stderr
