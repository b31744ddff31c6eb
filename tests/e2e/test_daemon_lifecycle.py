"""The real `lyrad run` process: systemd notifications, health, metrics, reload and stop."""

from __future__ import annotations

import json
import signal
import time
import urllib.error
from pathlib import Path

import pytest

from tests.e2e.process import RunningDaemon, free_port, running_daemon

pytestmark = pytest.mark.e2e

BASE_CONFIG = """
[http]
listen = "127.0.0.1:{port}"
[log]
level = "{level}"
format = "json"
[daemon]
stop_timeout = "5s"
"""

FAMILIES = (
    "lyrad_build_info",
    "lyrad_component_up",
    "lyrad_component_restarts_total",
    "lyrad_config_reloads_total",
    "lyrad_config_last_reload_success_timestamp_seconds",
    "process_resident_memory_bytes",
)


def config(level: str = "info") -> str:
    return BASE_CONFIG.replace("{level}", level)


def test_lifecycle_under_systemd(tmp_path: Path) -> None:
    with running_daemon(tmp_path, config()) as daemon:
        daemon.notifications.wait_for("READY=1")
        daemon.notifications.wait_for("WATCHDOG=1")
        body = daemon.wait_ready()
        assert body["ready"] is True
        assert body["trading_state"] == "active"
        components = body["components"]
        assert isinstance(components, list)
        assert {c["name"]: c["state"] for c in components}["http"] == "running"

        status, healthz = daemon.get("/healthz")
        assert status == 200
        assert json.loads(healthz) == {"status": "ok"}

        _, metrics = daemon.get("/metrics")
        for family in FAMILIES:
            assert f"\n{family}" in metrics, family
        assert daemon.metric("lyrad_component_up", 'component="http"') == 1.0
        # Once ready, the start-up heap is out of the collector's way.
        frozen = [json.loads(line) for line in daemon.log().splitlines() if "heap_frozen" in line]
        assert frozen
        assert frozen[0]["objects"] > 10_000

        # An invalid file is refused: the daemon keeps serving on the old config.
        config_path = tmp_path / "lyrad.toml"
        good = config_path.read_text()
        config_path.write_text(good + "\n[bogus]\nx = 1\n")
        daemon.signal(signal.SIGHUP)
        wait_for_metric(daemon, "lyrad_config_reloads_total", 'result="failure"', 1.0)
        assert daemon.get("/healthz")[0] == 200
        assert '"config_reload_refused"' in daemon.log()
        assert "lyrad.toml: bogus: unknown key" in daemon.log()

        # A valid change is applied and counted.
        config_path.write_text(good.replace('level = "info"', 'level = "debug"'))
        daemon.signal(signal.SIGHUP)
        wait_for_metric(daemon, "lyrad_config_reloads_total", 'result="success"', 1.0)
        daemon.notifications.wait_for("RELOADING=1")
        reloaded = [
            line for line in daemon.log().splitlines() if '"event": "config_reloaded"' in line
        ]
        assert json.loads(reloaded[-1])["changed"] == ["log"]
        assert daemon.metric("lyrad_config_reloads_total", 'result="failure"') == 1.0

        daemon.notifications.drain()
        daemon.signal(signal.SIGTERM)
        assert daemon.wait_exit(timeout=10) == 0
        daemon.notifications.wait_for("STOPPING=1", timeout=1)


def orders_opened(daemon: RunningDaemon) -> float:
    _, text = daemon.get("/metrics")
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith("lyrad_orders_total{") and 'state="open"' in line
    )


def test_a_second_run_on_the_same_journal_trades_on(tmp_path: Path) -> None:
    # The default venue is the embedded sim, which starts afresh each run while the journal
    # keeps every order of the runs before: the venue's ids must never meet an earlier run's.
    for _ in range(2):
        with running_daemon(tmp_path, config()) as daemon:
            daemon.wait_ready()
            deadline = time.monotonic() + 20
            while orders_opened(daemon) < 2 and time.monotonic() < deadline:
                time.sleep(0.1)
            assert orders_opened(daemon) >= 2, daemon.log()
            assert '"component_failed"' not in daemon.log()
            assert daemon.get_json("/readyz")[1]["trading_state"] == "active"
            daemon.signal(signal.SIGTERM)
            assert daemon.wait_exit(timeout=10) == 0


def test_reload_restarts_only_the_changed_component(tmp_path: Path) -> None:
    with running_daemon(tmp_path, config()) as daemon:
        daemon.wait_ready()
        config_path = tmp_path / "lyrad.toml"
        config_path.write_text(config_path.read_text() + '\nmetrics_render_timeout = "2s"\n')
        # The appended key lands in [daemon]: an unknown key there, refused.
        daemon.signal(signal.SIGHUP)
        wait_for_metric(daemon, "lyrad_config_reloads_total", 'result="failure"', 1.0)
        text = config_path.read_text().replace('\nmetrics_render_timeout = "2s"\n', "")
        text = text.replace("[http]\n", '[http]\nmetrics_render_timeout = "2s"\n')
        config_path.write_text(text)
        daemon.signal(signal.SIGHUP)
        wait_for_metric(daemon, "lyrad_config_reloads_total", 'result="success"', 1.0)
        log = daemon.log()
        assert '"component_reconfiguring"' in log
        assert json.loads(
            [line for line in log.splitlines() if '"event": "config_reloaded"' in line][-1]
        )["changed"] == ["http"]
        daemon.wait_ready()
        daemon.signal(signal.SIGTERM)
        assert daemon.wait_exit(timeout=10) == 0


def test_fixed_fields_are_refused_with_a_warning(tmp_path: Path) -> None:
    with running_daemon(tmp_path, config()) as daemon:
        daemon.wait_ready()
        config_path = tmp_path / "lyrad.toml"
        other = free_port()
        config_path.write_text(config_path.read_text().replace(daemon.base_url[17:], str(other)))
        daemon.signal(signal.SIGHUP)
        wait_for_metric(daemon, "lyrad_config_reloads_total", 'result="success"', 1.0)
        assert '"config_field_not_reloadable"' in daemon.log()
        assert daemon.get("/healthz")[0] == 200  # still on the old port
        daemon.signal(signal.SIGINT)
        assert daemon.wait_exit(timeout=10) == 0


def test_critical_component_past_its_budget_exits_non_zero(tmp_path: Path) -> None:
    # The HTTP server is critical; its port is taken, so every start fails.
    import socket

    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        text = config().replace("{port}", str(port)) + (
            'restart_budget = 2\nrestart_initial_backoff = "10ms"\nrestart_max_backoff = "20ms"\n'
        )
        with running_daemon(tmp_path, text) as daemon:
            assert daemon.wait_exit(timeout=30) == 1
            log = daemon.log()
    assert '"component_gave_up"' in log
    assert "Traceback" in log  # the failure is logged with its cause, as JSON
    assert all(line.startswith("{") for line in log.splitlines() if line.strip())


def wait_for_metric(daemon: object, name: str, labels: str, value: float) -> None:
    from tests.e2e.process import RunningDaemon

    assert isinstance(daemon, RunningDaemon)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            if daemon.metric(name, labels) == value:
                return
        except (urllib.error.URLError, ConnectionError):
            pass  # the HTTP component restarts when its section changed
        time.sleep(0.05)
    raise AssertionError(f"{name}{{{labels}}} never reached {value}; log:\n{daemon.log()}")
