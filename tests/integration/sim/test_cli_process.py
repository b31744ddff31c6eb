"""`lyrad sim` as a process: one JSON line once listening, ccxt trades on it, SIGTERM stops it."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from pathlib import Path
from typing import Any

import ccxt.async_support as ccxt_async
import pytest

from lyrad.cli import ExitCode
from tests.support.ccxt_sim import TEST_TWEAKS, sim_config

LYRAD = [sys.executable, "-m", "lyrad"]


async def _start(*args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        *LYRAD, "sim", *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def _run(*args: str) -> tuple[int, str, str]:
    process = await _start(*args)
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()


async def test_serves_ccxt_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.toml"
    accounts.write_text(
        '[[accounts]]\nname = "carol"\napi_key = "carol-key"\nsecret = "carol-secret"\n'
        '[accounts.balances]\nUSDT = "1000"\n'
    )
    process = await _start("--port", "0", "--seed", "11", "--accounts", str(accounts))
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), timeout=60)
        info: dict[str, Any] = json.loads(line)
        assert set(info) == {"base_url", "admin_url", "admin_token", "accounts", "symbols"}
        assert info["base_url"].startswith("http://127.0.0.1:")
        assert info["accounts"] == [
            {"name": "carol", "api_key": "carol-key", "secret": "carol-secret"}
        ]
        assert info["symbols"] == ["BTC/USDT", "ETH/USDT"]
        client = ccxt_async.binance(
            {**sim_config(info["base_url"], None), **TEST_TWEAKS, "apiKey": "carol-key",
             "secret": "carol-secret"}
        )  # fmt: skip
        try:
            await client.load_markets()
            order = await client.create_order("BTC/USDT", "market", "buy", 0.001)
            assert order["status"] == "closed"
            balance = await client.fetch_balance()
            assert balance["total"]["BTC"] == pytest.approx(0.000999)
        finally:
            await client.close()
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
        assert process.returncode == ExitCode.OK
        assert b"sim_listening" in stderr
        assert b"carol-secret" not in stderr
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def test_sigint_also_stops_cleanly() -> None:
    process = await _start()
    try:
        assert process.stdout is not None
        json.loads(await asyncio.wait_for(process.stdout.readline(), timeout=60))
        process.send_signal(signal.SIGINT)
        await asyncio.wait_for(process.communicate(), timeout=30)
        assert process.returncode == ExitCode.OK
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def test_list_scenarios() -> None:
    code, stdout, _ = await _run("--list-scenarios")
    assert code == ExitCode.OK
    names = [line.split("\t")[0] for line in stdout.splitlines()]
    assert {"calm", "flash_crash", "outage", "clock_skew", "rate_limit_storm"} <= set(names)
    assert all("\t" in line and line.split("\t")[1] for line in stdout.splitlines())


async def test_bad_scenario_file_is_a_one_line_config_error(tmp_path: Path) -> None:
    bad = tmp_path / "broken.toml"
    bad.write_text('description = "x"\nduration_s = -5\n')
    code, stdout, stderr = await _run("--scenario", str(bad))
    assert code == ExitCode.CONFIG_ERROR
    assert stdout == ""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1
    assert "broken.toml" in lines[0]
    assert "duration_s" in lines[0]


async def test_unknown_scenario_name_is_a_config_error() -> None:
    code, _, stderr = await _run("--scenario", "no_such_scenario")
    assert code == ExitCode.CONFIG_ERROR
    assert "no_such_scenario" in stderr


async def test_bad_accounts_file_is_a_one_line_config_error(tmp_path: Path) -> None:
    bad = tmp_path / "accounts.toml"
    bad.write_text('[[accounts]]\nname = "x"\napi_key = "k"\n')
    code, _, stderr = await _run("--accounts", str(bad))
    assert code == ExitCode.CONFIG_ERROR
    assert stderr.strip() == f"lyrad sim: {bad}: accounts[0].secret: missing"


async def test_a_first_id_out_of_range_is_refused_in_one_line() -> None:
    code, _, stderr = await _run("--first-id", "0")
    assert code == 2  # argparse's usage error
    assert "the first id must be from 1 to" in stderr.strip().splitlines()[-1]
