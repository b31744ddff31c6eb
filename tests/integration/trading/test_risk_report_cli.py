"""`lyrad risk report` over a real journal: statistics from equity samples and closed trades."""

from __future__ import annotations

import json
from pathlib import Path

from lyrad.journal.journal import Journal
from tests.e2e.process import run_lyrad

EQUITY = ["1000", "1100", "990", "1050", "880", "1200"]  # worst drawdown: 1100 -> 880 = 20%
PNLS = ["10", "-5", "20", "-15"]


async def test_report_from_the_journal(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    async with Journal.open(path, synchronous="NORMAL") as journal:
        for value in EQUITY:
            await journal.record_event(
                "equity_sample", details={"currency": "USDT", "equity": value}
            )
        for pnl in PNLS:
            await journal.record_event("trade_closed", details={"pnl": pnl})
    config = tmp_path / "lyrad.toml"
    config.write_text(
        '[risk.breakers.drawdown]\nmax_drawdown_pct = "25"\n[risk.rollout]\nenabled = true\n'
    )
    env = {"LYRAD_JOURNAL__PATH": str(path)}
    result = run_lyrad(
        "risk", "report", "--config", str(config), "--json", "--paths", "200", env=env
    )
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    report = body["report"]
    assert abs(report["max_drawdown"]["depth"] - 0.2) < 1e-9
    assert report["trades"] == 4
    assert abs(report["win_rate"] - 0.5) < 1e-9
    (limit,) = report["limits"]
    assert limit["name"] == "drawdown"
    assert abs(limit["utilization"] - 0.0) < 1e-9  # 1200 is a new peak: no drawdown now
    assert body["rollout"]["enabled"] is True

    text = run_lyrad("risk", "report", "--config", str(config), "--paths", "200", env=env)
    assert text.returncode == 0, text.stderr
    assert "6 equity samples, 4 closed trades" in text.stdout
    assert "capital rollout: on; stage 1 of 4" in text.stdout
