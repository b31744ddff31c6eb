"""deploy/install.sh staged into a throwaway root, twice (it must be idempotent)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from tests.conftest import REPO_ROOT


def install(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(REPO_ROOT / "deploy" / "install.sh")],
        env={**os.environ, "DESTDIR": str(root)},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_install_into_a_throwaway_root_is_complete_and_idempotent(tmp_path: Path) -> None:
    root = tmp_path / "root"
    first = install(root)
    assert first.returncode == 0, first.stderr

    passwd = (root / "etc" / "passwd").read_text()
    assert re.search(r"^lyrad:x:\d+:\d+:.*:/var/lib/lyrad:/usr/sbin/nologin$", passwd, re.M)

    lyrad = root / "opt" / "lyrad" / "venv" / "bin" / "lyrad"
    version = subprocess.run([str(lyrad), "version"], capture_output=True, text=True, check=True)
    assert version.stdout.startswith("lyrad ")
    pinned = dict(
        line.split("==", 1)
        for line in (REPO_ROOT / "requirements.lock").read_text().splitlines()
        if "==" in line
    )
    freeze = subprocess.run(
        [str(lyrad.parent / "python"), "-m", "pip", "freeze"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    installed = dict(line.split("==", 1) for line in freeze.splitlines() if "==" in line)
    assert installed["ccxt"] == pinned["ccxt"]
    assert installed["aiohttp"] == pinned["aiohttp"]
    assert "pytest" not in installed  # the server gets the runtime, not the dev tools

    config = root / "etc" / "lyrad" / "lyrad.toml"
    assert config.read_text() == (REPO_ROOT / "config.example.toml").read_text()
    assert (config.stat().st_mode & 0o777) == 0o640
    unit = root / "etc" / "systemd" / "system" / "lyrad.service"
    assert unit.read_text() == (REPO_ROOT / "systemd" / "lyrad.service").read_text()
    assert "no systemctl calls" in first.stdout

    # Again, with an operator's edited config: it is kept, everything else still in place.
    config.write_text(config.read_text().replace('level = "info"', 'level = "warning"'))
    second = install(root)
    assert second.returncode == 0, second.stderr
    assert "kept existing /etc/lyrad/lyrad.toml" in second.stdout
    assert 'level = "warning"' in config.read_text()
    assert len(re.findall(r"^lyrad:", (root / "etc" / "passwd").read_text(), re.M)) == 1
