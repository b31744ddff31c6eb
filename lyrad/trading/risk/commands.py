"""`lyrad risk report [--json]`: risk statistics from the journal, with the limits and how
close each is. Reads the journal read-only, also while the daemon runs."""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal
from typing import Any

from lyrad.analytics import LimitKind, LossLimit, RiskReportParams, build_risk_report, render_text
from lyrad.cli import ExitCode
from lyrad.config.settings import Settings
from lyrad.domain.errors import JournalError
from lyrad.journal.readonly import JournalView, open_readonly
from lyrad.runtime.commands import add_config_argument, load_or_report
from lyrad.trading.risk.rollout import KV_ROLLOUT

SAMPLES_PER_YEAR = 365 * 24 * 60  # equity is sampled once a minute


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    risk = sub.add_parser("risk", help="risk statistics and limits")
    risk_sub = risk.add_subparsers(dest="risk_command", metavar="COMMAND", required=True)
    report = risk_sub.add_parser("report", help="VaR, drawdown, limits and capital stage")
    add_config_argument(report)
    report.add_argument("--json", action="store_true", help="one JSON object on stdout")
    report.add_argument("--paths", type=int, default=10_000, help="Monte Carlo paths")
    report.set_defaults(handler=_report)


def _limits(settings: Settings) -> tuple[LossLimit, ...]:
    breakers = settings.risk.breakers
    limits = []
    if breakers.drawdown is not None:
        threshold = float(breakers.drawdown.max_drawdown_pct) / 100
        limits.append(LossLimit("drawdown", LimitKind.DRAWDOWN, threshold))
    if breakers.daily_loss is not None and breakers.daily_loss.max_loss_pct is not None:
        threshold = float(breakers.daily_loss.max_loss_pct) / 100
        # Measured from the first sample of the report's window (at most the last day's).
        limits.append(LossLimit("daily_loss", LimitKind.LOSS_FROM_START, threshold))
    return tuple(limits)


def _series(view: JournalView, currency: str) -> tuple[list[Decimal], list[Decimal]]:
    equity: list[Decimal] = []
    pnls: list[Decimal] = []
    after = 0
    while True:
        batch = view.events(after_seq=after, limit=5000)
        if not batch:
            return equity, pnls
        for event in batch:
            if event.kind == "equity_sample" and event.payload.get("currency") == currency:
                equity.append(Decimal(str(event.payload["equity"])))
            elif event.kind == "trade_closed":
                pnls.append(Decimal(str(event.payload["pnl"])))
        after = batch[-1].seq


def _report(args: argparse.Namespace) -> ExitCode:
    settings = load_or_report(args.config)
    if settings is None:
        return ExitCode.CONFIG_ERROR
    path = settings.journal.path
    if not path.exists():
        print(
            f"lyrad: no journal at {path} (has the daemon run with this config?)", file=sys.stderr
        )
        return ExitCode.FAILURE
    currency = settings.risk.breakers.currency
    try:
        with open_readonly(path) as view:
            equity, pnls = _series(view, currency)
            rollout_state = view.get_kv(KV_ROLLOUT)
    except JournalError as e:
        print(f"lyrad: {e}", file=sys.stderr)
        return ExitCode.FAILURE
    params = RiskReportParams(
        periods_per_year=SAMPLES_PER_YEAR, limits=_limits(settings), paths=max(1, args.paths)
    )
    report = build_risk_report(equity, pnls, params)
    rollout: dict[str, Any] = {
        "enabled": settings.risk.rollout.enabled,
        "currency": settings.risk.rollout.currency,
        "caps": [str(stage.cap) for stage in settings.risk.rollout.stages],
        "state": json.loads(rollout_state) if rollout_state else None,
    }
    if args.json:
        print(json.dumps({"currency": currency, "report": report.to_dict(), "rollout": rollout}))
        return ExitCode.OK
    print(f"risk report ({currency}, {len(equity)} equity samples, {len(pnls)} closed trades)")
    print(render_text(report))
    state = rollout["state"] or {}
    stage = state.get("stage", 0)
    caps = rollout["caps"]
    print(
        f"capital rollout: {'on' if rollout['enabled'] else 'off'}; stage {stage + 1} of "
        f"{len(caps)}, cap {caps[min(stage, len(caps) - 1)]} {rollout['currency']}"
    )
    return ExitCode.OK
