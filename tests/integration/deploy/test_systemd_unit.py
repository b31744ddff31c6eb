"""The unit file: hardened (systemd's own scoring) and wired for notify, watchdog and reload."""

from __future__ import annotations

import re
import subprocess

from tests.conftest import REPO_ROOT

UNIT = REPO_ROOT / "systemd" / "lyrad.service"


def test_exposure_is_at_most_two() -> None:
    result = subprocess.run(
        ["systemd-analyze", "security", "--offline=true", str(UNIT)],
        capture_output=True,
        text=True,
        check=False,
    )
    match = re.search(r"Overall exposure level for lyrad\.service: (\d+\.\d+)", result.stdout)
    assert match, result.stdout + result.stderr
    assert float(match.group(1)) <= 2.0


def test_unit_runs_as_a_notify_service_with_watchdog_and_reload() -> None:
    settings: dict[str, str] = {}
    for line in UNIT.read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            settings.setdefault(key, value)
    assert settings["Type"] == "notify"
    assert settings["ExecReload"] == "/bin/kill -HUP $MAINPID"
    assert settings["WatchdogSec"] == "30s"
    assert settings["Restart"] == "on-failure"
    assert settings["RestartPreventExitStatus"] == "78"
    assert settings["User"] == "lyrad"
    assert settings["StateDirectory"] == "lyrad"
    assert settings["LogsDirectory"] == "lyrad"
    assert "StartLimitBurst" in settings
