"""Bad configuration: `check-config` and `run` exit non-zero with one line, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.process import run_lyrad

pytestmark = pytest.mark.e2e

EX_CONFIG = 78

CASES = {
    "toml_syntax": ("[http\nlisten = 1\n", "TOML syntax error"),
    "unknown_key": ("[http]\nport = 80\n", "http.port: unknown key"),
    "wrong_type": ('[daemon]\nrestart_budget = "lots"\n', "daemon.restart_budget: "),
    "negative_duration": ('[daemon]\nstop_timeout = "-1s"\n', "daemon.stop_timeout: duration"),
}


@pytest.mark.parametrize("command", ["check-config", "run"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_config_gives_one_line(tmp_path: Path, command: str, case: str) -> None:
    text, expected = CASES[case]
    path = tmp_path / "bad.toml"
    path.write_text(text)
    args = (command, str(path)) if command == "check-config" else (command, "--config", str(path))
    result = run_lyrad(*args)
    assert result.returncode == EX_CONFIG
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(path) in lines[0]
    assert expected in lines[0]
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize("command", ["check-config", "run"])
def test_missing_file(tmp_path: Path, command: str) -> None:
    path = tmp_path / "absent.toml"
    args = (command, str(path)) if command == "check-config" else (command, "--config", str(path))
    result = run_lyrad(*args)
    assert result.returncode == EX_CONFIG
    assert result.stderr.strip() == f"lyrad: config error: {path}: file not found"


def test_check_config_prints_the_effective_config_with_secrets_redacted(tmp_path: Path) -> None:
    path = tmp_path / "ok.toml"
    path.write_text(
        '[venues.local]\nkind = "ccxt"\nurl = "http://127.0.0.1:1"\n'
        'api_key = "literal-key-value"\nsecret = "env:LOCAL_SECRET"\n'
    )
    result = run_lyrad("check-config", str(path), env={"LYRAD_HTTP__LISTEN": "127.0.0.1:9999"})
    assert result.returncode == 0, result.stderr
    effective = json.loads(result.stdout)
    assert effective["http"]["listen"] == "127.0.0.1:9999"
    assert effective["venues"]["local"]["secret"] == "env:LOCAL_SECRET"
    assert "literal-key-value" not in result.stdout
    assert effective["daemon"]["stop_timeout"] == "10s"


def test_version() -> None:
    result = run_lyrad("version")
    assert result.returncode == 0
    assert result.stdout.startswith("lyrad ")
