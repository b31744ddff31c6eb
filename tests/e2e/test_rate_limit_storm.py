"""The rate-limit-storm scenario, run its full length: lyrad is never banned (no 418)."""

from __future__ import annotations

import signal
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.e2e.process import HTTP_AND_JSON_LOGS, running_daemon
from tests.e2e.sim_process import sim_process

pytestmark = pytest.mark.e2e

SPEED = 20  # the scenario's 600 s of market time in 30 s
DURATION_S = 600 / SPEED


def test_the_storm_passes_without_a_ban(tmp_path: Path) -> None:
    with sim_process(tmp_path, "--scenario", "rate_limit_storm", "--speed", str(SPEED)) as sim:
        config = f"""{HTTP_AND_JSON_LOGS}{sim.venue_toml(reconcile_interval="2s")}
[strategies.mm]
venue = "ex"
symbol = "BTC/USDT"
requote_interval = "300ms"
requote_tolerance_bps = "0"
"""
        statuses: Counter[int] = Counter()
        seen = 0
        with running_daemon(tmp_path, config) as daemon:
            daemon.wait_ready()
            deadline = time.monotonic() + DURATION_S
            while time.monotonic() < deadline:
                time.sleep(2)
                for record in sim.admin("GET", f"/requests?since={seen}")["requests"]:
                    seen = max(seen, record["seq"])
                    statuses[record["status"]] += 1
            held_back = daemon.metric("lyrad_rate_limit_weight_used", 'venue="ex"')
            daemon.signal(signal.SIGTERM)
            assert daemon.wait_exit(timeout=20) == 0
    assert statuses[418] == 0, statuses
    assert statuses[429] <= 5, statuses  # the used-weight headers keep us under the limit
    assert sum(statuses.values()) > 50, "lyrad hardly talked to the venue; nothing was proven"
    assert statuses[200] > 0
    assert held_back is not None
