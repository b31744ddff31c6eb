"""`lyrad validate` as an operator runs it: exit codes, output, reports, bad input in one line."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from lyrad.cli import ExitCode
from lyrad.exchanges.ccxt_validation import ValidatingCcxtAdapter
from lyrad.validate.venue_extras import offers_extras
from tests.e2e.process import lyrad_command, run_lyrad
from tests.e2e.sim_process import SimProcess, sim_process

pytestmark = pytest.mark.e2e

EMBEDDED = '[venues.paper]\nkind = "sim"\nsymbols = ["BTC/USDT", "ETH/USDT"]\n'
# The suite's adapter offers its extra calls (kept as a switch for adapters that do not).
ADAPTER_HAS_EXTRAS = offers_extras(ValidatingCcxtAdapter)


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "lyrad.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _local(sim: SimProcess, *, credentials: bool) -> str:
    text = f'[venues.local]\nkind = "ccxt"\nurl = "{sim.base_url}"\nsymbols = ["BTC/USDT"]\n'
    if credentials:
        text += f'api_key = "{sim.api_key}"\nsecret = "{sim.secret}"\n'
    return text


def _order_requests(sim: SimProcess) -> list[str]:
    records = sim.admin("GET", "/requests")["requests"]
    return [
        f"{r['method']} {r['path']}"
        for r in records
        if r["path"] == "/api/v3/order" and r["method"] in ("POST", "DELETE")
    ]


def _one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_full_run_on_the_embedded_sim_pipes_json_and_writes_reports(tmp_path: Path) -> None:
    config = _config(tmp_path, EMBEDDED)
    reports = tmp_path / "reports"
    result = run_lyrad(
        "validate",
        "--venue",
        "paper",
        "--config",
        str(config),
        "--report-dir",
        str(reports),
        "--allow-trades",
        "--max-loss",
        "1",
        "--max-notional",
        "20",
        "--format",
        "json,html",
    )
    expected = ExitCode.OK if ADAPTER_HAS_EXTRAS else ExitCode.INCOMPLETE
    assert result.returncode == expected, result.stderr
    report = json.loads(result.stdout)  # quiet: the JSON report is all of stdout
    verdict = report["verdict"]
    assert verdict["verdict"] == ("GO" if ADAPTER_HAS_EXTRAS else "INCOMPLETE")
    assert verdict["failing_gates"] == []
    assert verdict["errors"] == []
    states = {c["id"]: c["state"] for c in report["checks"]}
    for check in ("TEC-01", "SEC-02", "TRD-02", "TRD-06", "TRD-14", "TRD-18", "PRD-02"):
        assert states[check] == "PASS", check
    assert report["orders"]["orders_sent"] <= 10
    written = sorted(p.suffix for p in reports.iterdir())
    assert written.count(".json") == 1
    assert ".html" in written
    assert ".md" not in written
    assert result.stderr.strip().splitlines()[-1].startswith("lyrad: validate: paper BTC/USDT: ")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--venue", "nosuch"), "no venue named 'nosuch' in the config (venues: paper)"),
        (("--venue", "paper", "--only", "TEC-01,XYZ-99"), "--only: no check XYZ-99"),
        (("--venue", "paper", "--allow-trades"), "--allow-trades needs --max-loss"),
        (("--venue", "paper", "--format", "pdf"), "--format: pdf"),
        (
            ("--venue", "paper", "--symbol", "DOGE/EUR", "--read-only", "--only", "TEC-01"),
            "the venue has no spot symbol DOGE/EUR (it has BTC/USDT, ETH/USDT)",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    config = _config(tmp_path, EMBEDDED)
    result = run_lyrad("validate", "--config", str(config), "--report-dir", str(tmp_path), *args)
    assert result.returncode == ExitCode.INCOMPLETE
    assert message in _one_line(result)


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimProcess]:
    """One standalone `lyrad sim` for the runs against a configured loopback venue."""
    with sim_process(tmp_path_factory.mktemp("sim")) as process:
        yield process


def test_a_venue_without_credentials_runs_public_checks_only(
    sim: SimProcess, tmp_path: Path
) -> None:
    config = _config(tmp_path, _local(sim, credentials=False))
    before = _order_requests(sim)
    result = run_lyrad(
        "validate",
        "--venue",
        "local",
        "--config",
        str(config),
        "--report-dir",
        str(tmp_path / "reports"),
    )
    assert _order_requests(sim) == before
    assert result.returncode == ExitCode.INCOMPLETE
    assert "no credentials configured: public checks only" in result.stderr
    assert "INCOMPLETE" in result.stderr.splitlines()[-1]
    assert "Traceback" not in result.stderr


def test_dry_run_sends_no_order(sim: SimProcess, tmp_path: Path) -> None:
    config = _config(tmp_path, _local(sim, credentials=True))
    before = _order_requests(sim)
    result = run_lyrad(
        "validate",
        "--venue",
        "local",
        "--config",
        str(config),
        "--dry-run",
        "--report-dir",
        str(tmp_path / "reports"),
        "--format",
        "json",
    )
    assert _order_requests(sim) == before  # the sim's request log proves it
    assert result.returncode == ExitCode.INCOMPLETE, result.stderr
    report = json.loads(result.stdout)
    plan = [step["purpose"] for step in report["order_plan"]]
    assert plan == ["TRD-02 far buy", "TRD-03 far sell"]
    reasons = {c["summary"] for c in report["checks"] if c["id"] in ("TRD-02", "TRD-06")}
    assert reasons == {"dry run: the order plan is in the report, nothing was sent"}


def test_a_terminal_gets_one_progress_line_per_check(tmp_path: Path) -> None:
    config = _config(tmp_path, EMBEDDED)
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        lyrad_command(
            "validate",
            "--venue",
            "paper",
            "--config",
            str(config),
            "--read-only",
            "--only",
            "TEC-01,TEC-04,PRD-02",
            "--report-dir",
            str(tmp_path / "reports"),
        ),
        stdout=terminal,
        stderr=subprocess.DEVNULL,
        text=True,
        env=dict(os.environ),
    )
    os.close(terminal)
    output = b""
    deadline = time.monotonic() + 60
    while process.poll() is None or select.select([controller], [], [], 0)[0]:
        if time.monotonic() > deadline:
            process.kill()
            break
        if select.select([controller], [], [], 0.1)[0]:
            try:
                output += os.read(controller, 4096)
            except OSError:
                break
    os.close(controller)
    process.wait(timeout=10)
    lines = output.decode().replace("\r", "").splitlines()
    assert len(lines) == 58
    assert lines[0].startswith("PRD-01  Venue status")
    shown = {line.split()[0]: line for line in lines}
    assert "PASS" in shown["TEC-04"]
    assert "NOT RUN" in shown["TRD-02"]
    assert lines[0].rstrip().endswith("s")  # the duration
    assert process.returncode == ExitCode.INCOMPLETE
