from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from lyrad.domain.errors import IllegalTransition
from lyrad.domain.orders import Order, OrderState
from lyrad.domain.values import Balance, Position, Side
from lyrad.journal import InconsistentFill, Journal, UnknownOrder
from tests.unit.journal.factories import make_fill, make_order

D = Decimal


def bal(asset: str, free: str, used: str = "0") -> Balance:
    return Balance(venue="sim", asset=asset, free=D(free), used=D(used))


async def open_order(journal: Journal, order: Order) -> Order:
    await journal.insert_order(order)
    return await journal.transition_order(
        order.client_order_id, OrderState.OPEN, venue_order_id=f"v-{order.client_order_id}"
    )


def snapshot(path: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(path)
    tables = ("orders", "fills", "positions", "balances", "events")
    rows = {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in tables}  # noqa: S608
    conn.close()
    return rows


async def test_a_fill_moves_order_position_balances_and_log_together(journal: Journal) -> None:
    order = await open_order(journal, make_order("c1", amount="2", price="100"))
    await journal.replace_balances("sim", [bal("USDT", "800", "200")])
    fill = make_fill(order, "t1", amount="1.5", price="99", fee="0.0015", fee_currency="BTC")

    assert await journal.apply_fill(fill) is True

    filled = await journal.get_order("c1")
    assert filled is not None
    assert (filled.state, filled.filled, filled.cost, filled.fee, filled.fee_currency) == (
        OrderState.PARTIALLY_FILLED,
        D("1.5"),
        D("148.5"),
        D("0.0015"),
        "BTC",
    )
    assert await journal.position("sim", "BTC/USDT") == Position(
        venue="sim",
        symbol="BTC/USDT",
        quantity=D("1.5"),
        average_cost=D(99),
        fees_paid=D("0.1485"),
    )
    assert await journal.balances("sim") == {
        "BTC": bal("BTC", "1.4985"),
        "USDT": bal("USDT", "801.5", "50"),
    }
    assert await journal.fills(client_order_id="c1") == [fill]
    kinds = [e.kind for e in await journal.events(client_order_id="c1")]
    assert kinds[-1] == "fill_applied"


async def test_the_same_trade_is_applied_once(journal: Journal, journal_path: Path) -> None:
    order = await open_order(journal, make_order("c1"))
    fill = make_fill(order, "t1")
    assert await journal.apply_fill(fill) is True
    before = snapshot(journal_path)
    assert await journal.apply_fill(fill) is False
    assert snapshot(journal_path) == before


async def test_concurrent_duplicates_are_applied_once(journal: Journal) -> None:
    order = await open_order(journal, make_order("c1", amount="10"))
    fills = [make_fill(order, f"t{n % 4}", amount="1") for n in range(40)]
    applied = await asyncio.gather(*(journal.apply_fill(f) for f in fills))
    assert applied.count(True) == 4
    current = await journal.get_order("c1")
    assert current is not None
    assert current.filled == D(4)
    assert (await journal.position("sim", "BTC/USDT")).quantity == D(4)
    assert await journal.fill_ids("sim", since_ms=0) == {"t0", "t1", "t2", "t3"}


async def test_a_fill_completing_the_order_fills_it_and_a_flip_is_accounted(
    journal: Journal,
) -> None:
    buy = await open_order(journal, make_order("b", amount="1", price="100"))
    sell = await open_order(journal, make_order("s", side=Side.SELL, amount="3", price="110"))
    assert await journal.apply_fill(make_fill(buy, "t1", amount="1"))
    assert await journal.apply_fill(make_fill(sell, "t2", amount="3"))
    done = await journal.get_order("s")
    assert done is not None
    assert done.state is OrderState.FILLED
    position = await journal.position("sim", "BTC/USDT")
    assert (position.quantity, position.average_cost, position.realized_pnl) == (
        D(-2),
        D(110),
        D(10),
    )
    assert await journal.positions("sim") == [position]


@pytest.mark.parametrize(
    ("bad", "error"),
    [
        ({"client_order_id": "ghost"}, UnknownOrder),
        ({"side": Side.SELL}, InconsistentFill),
        ({"symbol": "ETH/USDT"}, InconsistentFill),
        ({"venue_order_id": "someone-else"}, InconsistentFill),
        ({"amount": D(5), "cost": D(500)}, IllegalTransition),  # more than the order's amount
    ],
)
async def test_a_refused_fill_changes_nothing_and_spares_its_group(
    journal: Journal, journal_path: Path, bad: dict[str, object], error: type[Exception]
) -> None:
    order = await open_order(journal, make_order("c1"))
    await journal.insert_order(make_order("c2"))
    before = snapshot(journal_path)
    wrong = replace(make_fill(order, "t-bad"), **bad)  # type: ignore[arg-type]
    results = await asyncio.gather(
        journal.record_event("neighbour"),
        journal.apply_fill(wrong),
        journal.transition_order("c2", OrderState.OPEN),
        return_exceptions=True,
    )
    assert isinstance(results[1], error)
    assert isinstance(results[0], int)
    assert isinstance(results[2], Order)
    after = snapshot(journal_path)
    assert after["fills"] == before["fills"] == []
    assert after["positions"] == before["positions"]
    assert after["balances"] == before["balances"]
    assert len(after["events"]) == len(before["events"]) + 2


@pytest.mark.parametrize(
    "bad",
    [
        {"side": Side.SELL},  # refused before any write
        {"amount": D(5), "cost": D(500)},  # refused after the fill row is written
    ],
)
async def test_a_refused_fill_alone_in_its_group_changes_nothing(
    journal: Journal, journal_path: Path, bad: dict[str, object]
) -> None:
    order = await open_order(journal, make_order("c1"))
    before = snapshot(journal_path)
    wrong = replace(make_fill(order, "t-bad"), **bad)  # type: ignore[arg-type]
    with pytest.raises((InconsistentFill, IllegalTransition)):
        await journal.apply_fill(wrong)
    assert snapshot(journal_path) == before
    assert await journal.apply_fill(make_fill(order, "t-good"))  # the journal writes on
    assert len(snapshot(journal_path)["fills"]) == 1


async def test_replace_balances_makes_the_snapshot_exact(journal: Journal) -> None:
    await journal.replace_balances("sim", [bal("BTC", "1"), bal("ETH", "2")])
    await journal.replace_balances("other", [Balance("other", "BTC", D(7), D(0))])
    snapshot_ = [bal("BTC", "0.12345678901234567890123", "0.5"), bal("USDT", "1E+3")]
    await journal.replace_balances("sim", snapshot_)
    assert await journal.balances("sim") == {"BTC": snapshot_[0], "USDT": snapshot_[1]}
    assert str((await journal.balances("sim"))["USDT"].free) == "1E+3"
    assert list(await journal.balances("other")) == ["BTC"]
    with pytest.raises(ValueError, match="other"):
        journal.replace_balances("sim", [Balance("other", "BTC", D(1), D(0))])


async def test_fills_are_listed_by_venue_time(journal: Journal) -> None:
    order = await open_order(journal, make_order("c1", amount="3"))
    for n, ts in enumerate((300, 100, 200)):
        await journal.apply_fill(make_fill(order, f"t{n}", amount="1", timestamp_ms=ts))
    assert [f.trade_id for f in await journal.fills(venue="sim")] == ["t1", "t2", "t0"]
    assert [f.trade_id for f in await journal.fills(since_ms=200)] == ["t2", "t0"]
    assert await journal.fill_ids("sim", since_ms=250) == {"t0"}
    assert await journal.fills(venue="binance") == []
