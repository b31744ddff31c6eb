"""kill -9 the daemon at random instants while it trades, with 30% of order answers lost.

After every crash the daemon is restarted; at the end the journal must agree with the venue:
every venue order journaled exactly once, no intent sent twice, every fill applied once,
balances equal to the venue's to the last digit.
"""

from __future__ import annotations

import contextlib
import random
import signal
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import ccxt
import pytest

from lyrad.journal.readonly import open_readonly
from lyrad.sim.server import SimAccountInfo
from tests.e2e.process import HTTP_AND_JSON_LOGS, RunningDaemon, running_daemon
from tests.e2e.sim_process import SimProcess, sim_process
from tests.support.ccxt_sim import sim_config

pytestmark = pytest.mark.e2e

KILLS = 20
LOST = [
    {"kind": "lost_response", "route": "POST /api/v3/order", "rate": 0.3},
    {"kind": "lost_response", "route": "DELETE /api/v3/order", "rate": 0.3},
]
STATES = {
    "NEW": "open",
    "PARTIALLY_FILLED": "partially_filled",
    "FILLED": "filled",
    "CANCELED": "cancelled",
    "EXPIRED": "expired",
}


def daemon_config(sim: SimProcess, *, trading: bool) -> str:
    venue = sim.venue_toml(request_timeout="1s", reconcile_interval="1s", unknown_grace="3s")
    return f"""{HTTP_AND_JSON_LOGS}[daemon]
stop_timeout = "5s"
{venue}[strategies.mm]
enabled = {"true" if trading else "false"}
venue = "ex"
symbol = "BTC/USDT"
requote_interval = "300ms"
half_spread_bps = "1"
requote_tolerance_bps = "0"
quote_size = "60"
max_inventory = "0.05"
"""


def venue_client(sim: SimProcess) -> Any:
    account = SimAccountInfo("test", sim.api_key, sim.secret)
    return ccxt.binance(sim_config(sim.base_url, account))


def test_kill_nine_at_random_instants_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    crash_repeatedly_and_verify(tmp_path, KILLS, seed=20261121)


@pytest.mark.soak
def test_kill_nine_soak(tmp_path: Path) -> None:
    """`make soak`: the same proof over many more crashes."""
    crash_repeatedly_and_verify(tmp_path, 100, seed=7)


@contextmanager
def daemon_on_shared_journal(
    tmp_path: Path, run: str, sim: SimProcess, *, trading: bool
) -> Iterator[RunningDaemon]:
    """A daemon in its own directory `run`, on the journal every run of the test shares."""
    run_dir = tmp_path / run
    run_dir.mkdir()
    with running_daemon(
        run_dir,
        daemon_config(sim, trading=trading),
        extra_env={"LYRAD_JOURNAL__PATH": str(tmp_path / "journal.sqlite3")},
    ) as daemon:
        yield daemon


def crash_repeatedly_and_verify(tmp_path: Path, kills: int, seed: int) -> None:
    rng = random.Random(seed)
    with sim_process(tmp_path, "--seed", "7") as sim:
        sim.set_faults(LOST)
        for round_ in range(kills):
            with daemon_on_shared_journal(tmp_path, f"run{round_}", sim, trading=True) as daemon:
                daemon.wait_ready()
                time.sleep(rng.uniform(1.0, 3.5))
                daemon.process.send_signal(signal.SIGKILL)
                daemon.process.wait(timeout=10)

        settle_and_stop(sim, tmp_path)
        venue_orders, venue_trades, venue_account = venue_state(sim)
    kinds = assert_journal_matches_venue(
        tmp_path / "journal.sqlite3",
        venue_orders,
        venue_trades,
        venue_account,
        min_orders=2 * kills,
    )
    # Some kills caught orders in flight: their outcome was unknown to the journal until the
    # reconciler resolved it (sent but unanswered, or never sent at all).
    assert (
        kinds["discrepancy_resolved_pending_submit"] + kinds["discrepancy_never_reached_venue"] > 0
    )
    assert kinds["discrepancy_resolved_unknown"] > 0  # lost answers, resolved by client order id


def test_lost_answers_end_in_the_true_venue_state(tmp_path: Path) -> None:
    """No crash: 30% of placement and cancellation answers lost while the daemon trades."""
    with sim_process(tmp_path, "--seed", "11") as sim:
        sim.set_faults(LOST)
        with daemon_on_shared_journal(tmp_path, "run", sim, trading=True) as daemon:
            daemon.wait_ready()
            time.sleep(8)
            daemon.signal(signal.SIGTERM)
            assert daemon.wait_exit(timeout=30) == 0
        settle_and_stop(sim, tmp_path)
        venue_orders, venue_trades, venue_account = venue_state(sim)
    kinds = assert_journal_matches_venue(
        tmp_path / "journal.sqlite3",
        venue_orders,
        venue_trades,
        venue_account,
        min_orders=10,
        need_fills=False,  # eight seconds of a calm market may fill nothing; answers are the point
    )
    assert kinds["discrepancy_resolved_unknown"] > 0  # some answers were lost, and resolved


def settle_and_stop(sim: SimProcess, tmp_path: Path) -> None:
    """Faults off, our orders cancelled behind the daemon's back, then one start to reconcile."""
    client = venue_client(sim)
    sim.set_faults([])
    with contextlib.suppress(ccxt.OrderNotFound):  # Binance's answer when none is open
        client.cancel_all_orders("BTC/USDT")
    time.sleep(3.5)  # past unknown_grace, so "not on the venue" means "never arrived"
    with daemon_on_shared_journal(tmp_path, "final", sim, trading=False) as daemon:
        daemon.wait_ready()  # ready only after the start-up reconciliation
        daemon.signal(signal.SIGTERM)
        assert daemon.wait_exit(timeout=20) == 0


def venue_state(sim: SimProcess) -> tuple[Any, Any, Any]:
    client = venue_client(sim)
    return (
        all_pages(client.private_get_allorders, "orderId"),
        all_pages(client.private_get_mytrades, "id"),
        client.private_get_account(),
    )


def assert_journal_matches_venue(
    path: Path,
    venue_orders: Any,
    venue_trades: Any,
    venue_account: Any,
    min_orders: int,
    need_fills: bool = True,
) -> Counter[str]:
    """Every venue order journaled once in the venue's state; fills and balances exact."""
    with open_readonly(path) as journal:
        orders = journal.orders()
        fills = journal.fills()
        balances = journal.balances("ex")
        kinds = Counter(e.kind for e in journal.events(limit=1_000_000))
    assert len(venue_orders) > min_orders, "the strategy hardly traded; the test proves little"
    assert len(venue_orders) < 5000

    # Every order the venue holds is in the journal exactly once, in the venue's state.
    by_cid = {o.client_order_id: o for o in orders}
    assert len(by_cid) == len(orders)
    venue_ids = Counter(o.venue_order_id for o in orders if o.venue_order_id)
    assert all(count == 1 for count in venue_ids.values())
    for venue_order in venue_orders:
        ours = by_cid.get(venue_order["clientOrderId"])
        assert ours is not None, f"venue order {venue_order['clientOrderId']} not journaled"
        assert ours.venue_order_id == str(venue_order["orderId"])
        assert ours.state.value == STATES[venue_order["status"]], venue_order
        assert ours.filled == Decimal(venue_order["executedQty"])

    # Orders the venue never saw ended as rejected; nothing is left pending or unknown.
    on_venue = {o["clientOrderId"] for o in venue_orders}
    for order in orders:
        if order.client_order_id not in on_venue:
            assert order.state.value == "rejected", order
        assert order.state.value not in ("pending_submit", "unknown", "pending_cancel")

    # No intent produced two venue orders.
    intents = Counter(by_cid[cid].intent_id for cid in on_venue)
    assert max(intents.values()) == 1

    # Every fill applied once, and exactly the venue's fills.
    assert len({f.trade_id for f in fills}) == len(fills)
    assert {f.trade_id for f in fills} == {str(t["id"]) for t in venue_trades}
    if need_fills:
        assert len(venue_trades) > 0, "no fills happened; the test proves little"

    # Balances equal the venue's exactly.
    venue_balances = {
        b["asset"]: (Decimal(b["free"]), Decimal(b["locked"]))
        for b in venue_account["balances"]
        if Decimal(b["free"]) + Decimal(b["locked"]) > 0
    }
    assert {a: (b.free, b.used) for a, b in balances.items()} == venue_balances
    return kinds


def all_pages(call: Any, key: str) -> list[Any]:
    """Every record of a Binance list endpoint, 1000 at a time by ascending id."""
    records: list[Any] = []
    params: dict[str, object] = {"symbol": "BTCUSDT", "limit": 1000}
    while True:
        page = call(params)
        records.extend(page)
        if len(page) < 1000:
            return records
        params = {**params, "fromId" if key == "id" else "orderId": int(page[-1][key]) + 1}
