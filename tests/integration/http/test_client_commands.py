"""The operator commands against a served control API (the CLI runs in a worker thread)."""

import argparse
import asyncio
import os
from pathlib import Path

import pytest

from lyrad.cli import ExitCode, run_cli
from lyrad.http.client_commands import add_remote_flag, run_remote_orders
from lyrad.security.roles import Role
from tests.integration.http.control_support import Harness, control_harness


async def _lyrad(h: Harness, *args: str) -> int:
    url = str(h.client.make_url("")).rstrip("/")
    return await asyncio.to_thread(run_cli, [*args, "--url", url])


async def test_operator_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    async with control_harness(tmp_path) as h:
        monkeypatch.setenv("LYRAD_TOKEN", h.tokens[Role.OPERATOR])
        assert await _lyrad(h, "status") == 0
        out = capsys.readouterr().out
        assert "trading: active (start)" in out
        assert "journal" in out
        assert await _lyrad(h, "remote-orders", "--all") == 0
        out = capsys.readouterr().out
        assert "c1" in out
        assert "c2" in out
        assert "30000.10" in out
        args = ("submit", "--venue", "sim", "--symbol", "BTC/USDT", "--side", "buy")
        assert await _lyrad(h, *args, "--type", "limit", "--amount", "0.015", "--price", "100") == 0
        assert "accepted: order lyrad1-1" in capsys.readouterr().out
        assert str(h.plane.intents[0].amount) == "0.015"
        assert await _lyrad(h, "cancel", "c1") == 0
        assert capsys.readouterr().out == "c1: pending_cancel\n"
        assert await _lyrad(h, "halt", "--flatten", "--reason", "drill") == 0
        assert "trading: halted" in capsys.readouterr().out
        assert await _lyrad(h, "resume") == 0
        assert "trading: active" in capsys.readouterr().out
        assert h.plane.calls.count("halt(flatten=True)") == 1


async def test_refusals_are_one_line_with_the_status(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    async with control_harness(tmp_path) as h:
        monkeypatch.setenv("LYRAD_TOKEN", h.tokens[Role.VIEWER])
        assert await _lyrad(h, "halt") == ExitCode.FAILURE
        assert capsys.readouterr().err == (
            "lyrad: role viewer may not halt, resume or reload (HTTP 403)\n"
        )
        args = ("submit", "--venue", "sim", "--symbol", "BTC/USDT", "--side", "buy")
        monkeypatch.setenv("LYRAD_TOKEN", h.tokens[Role.TRADER])
        assert await _lyrad(h, *args, "--type", "limit", "--amount", "-1", "--price", "1") == 1
        assert capsys.readouterr().err == (
            "lyrad: amount: Input should be greater than 0 (HTTP 400)\n"
        )
        monkeypatch.setenv("LYRAD_TOKEN", "lyrad_000000000000_" + "A" * 43)
        assert await _lyrad(h, "status") == 1
        assert capsys.readouterr().err == "lyrad: invalid token (HTTP 401)\n"
        monkeypatch.delenv("LYRAD_TOKEN")
        monkeypatch.delenv("LYRAD_TOKEN_FILE", raising=False)
        assert await _lyrad(h, "status") == 1
        assert capsys.readouterr().err == "lyrad: no token: set LYRAD_TOKEN or pass --token-file\n"


async def test_a_token_file_must_be_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    async with control_harness(tmp_path) as h:
        monkeypatch.delenv("LYRAD_TOKEN", raising=False)
        token_file = tmp_path / "token"
        token_file.write_text(h.tokens[Role.VIEWER] + "\n")
        token_file.chmod(0o644)
        assert await _lyrad(h, "status", "--token-file", str(token_file)) == 1
        assert "chmod 600" in capsys.readouterr().err
        os.chmod(token_file, 0o600)
        assert await _lyrad(h, "status", "--token-file", str(token_file)) == 0


def test_an_unreachable_daemon_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LYRAD_TOKEN", "lyrad_000000000000_" + "A" * 43)
    assert run_cli(["status", "--url", "http://127.0.0.1:9", "--timeout", "2"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("lyrad: cannot reach the daemon at http://127.0.0.1:9: ")
    assert err.count("\n") == 1
    assert run_cli(["status", "--url", "file:///etc/passwd"]) == 1
    assert "must be http:// or https://" in capsys.readouterr().err


async def test_the_orders_remote_hook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # What `lyrad orders` gets once it calls add_remote_flag and run_remote_orders.
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", type=Path, default=None)
    parser.add_argument("--state")
    parser.add_argument("--live", action="store_true")
    parser.add_argument("--json", action="store_true")
    add_remote_flag(parser)
    async with control_harness(tmp_path) as h:
        monkeypatch.setenv("LYRAD_TOKEN", h.tokens[Role.VIEWER])
        url = str(h.client.make_url("")).rstrip("/")
        args = parser.parse_args(["--remote", "--url", url, "--state", "filled"])
        assert args.remote
        assert await asyncio.to_thread(run_remote_orders, args) == 0
        out = capsys.readouterr().out
        assert "c2" in out
        assert "c1" not in out
