"""`lyrad halt` empties the venue of our orders within 5 s; the halt survives a restart."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import ccxt
import pytest

from lyrad.sim.server import SimAccountInfo
from tests.e2e.process import HTTP_AND_JSON_LOGS, RunningDaemon, lyrad_command, running_daemon
from tests.e2e.sim_process import SimProcess, sim_process
from tests.support.ccxt_sim import sim_config

pytestmark = pytest.mark.e2e


def config(sim: SimProcess) -> str:
    return f"""{HTTP_AND_JSON_LOGS}{sim.venue_toml(reconcile_interval="1s")}
[strategies.mm]
venue = "ex"
symbol = "BTC/USDT"
requote_interval = "500ms"
"""


def open_orders(client: Any) -> list[Any]:
    orders: list[Any] = client.fetch_open_orders("BTC/USDT")
    return orders


def wait_until(predicate: Any, timeout: float, what: str) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if predicate():
            return time.monotonic() - start
        time.sleep(0.1)
    raise AssertionError(f"not within {timeout}s: {what}")


def cli(daemon: RunningDaemon, cwd: Path, *args: str, token: str = "") -> str:
    result = subprocess.run(
        lyrad_command(*args, "--config", str(cwd / "lyrad.toml")),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        env={**os.environ, "LYRAD_TOKEN": token, "LYRAD_URL": daemon.base_url},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def trading_state(daemon: RunningDaemon) -> object:
    return daemon.get_json("/readyz")[1]["trading_state"]


def test_halt_cancels_everything_and_outlives_a_restart(tmp_path: Path) -> None:
    with sim_process(tmp_path, "--seed", "3") as sim:
        client = ccxt.binance(
            sim_config(sim.base_url, SimAccountInfo("t", sim.api_key, sim.secret))
        )
        with running_daemon(tmp_path, config(sim)) as daemon:
            daemon.wait_ready()
            wait_until(lambda: len(open_orders(client)) >= 2, 20, "the strategy quotes")
            token = (
                cli(daemon, tmp_path, "token", "create", "--role", "operator", "--expires", "1h")
                .strip()
                .splitlines()[-1]
            )
            cli(daemon, tmp_path, "halt", "--reason", "test", token=token)
            took = wait_until(lambda: not open_orders(client), 5, "no open order after halt")
            assert took < 5
            assert trading_state(daemon) == "halted"
            time.sleep(1.5)  # the strategy keeps trying; the gate refuses every intent
            assert open_orders(client) == []
            assert daemon.metric("lyrad_risk_rejections_total", 'reason="halted"') or 0 > 0
            daemon.signal(signal.SIGTERM)
            assert daemon.wait_exit(timeout=20) == 0

        with running_daemon(tmp_path, config(sim)) as daemon:
            daemon.wait_ready()
            assert trading_state(daemon) == "halted"
            time.sleep(1.5)
            assert open_orders(client) == []
            cli(daemon, tmp_path, "resume", "--reason", "test over", token=token)
            assert trading_state(daemon) == "active"
            wait_until(lambda: len(open_orders(client)) >= 1, 20, "quotes again after resume")
            daemon.signal(signal.SIGTERM)
            assert daemon.wait_exit(timeout=20) == 0
