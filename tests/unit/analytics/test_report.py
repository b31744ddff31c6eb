"""The risk report: its statistics, limit headroom, JSON shape and text rendering."""

from __future__ import annotations

import json
import random
from decimal import Decimal

import pytest

from lyrad.analytics import (
    LimitKind,
    LossLimit,
    RiskReportParams,
    build_risk_report,
    current_drawdown,
    historical_var,
    max_drawdown,
    render_text,
    sharpe_ratio,
    simple_returns,
)

LIMITS = (
    LossLimit("max_drawdown", LimitKind.DRAWDOWN, 0.20),
    LossLimit("daily_loss", LimitKind.PERIOD_LOSS, 0.05),
    LossLimit("loss_from_start", LimitKind.LOSS_FROM_START, 0.10),
)


def equity_path(periods: int) -> list[Decimal]:
    rng = random.Random(8)
    equity = [Decimal("10000.00")]
    for _ in range(periods):
        change = Decimal(repr(round(1 + rng.gauss(0.0005, 0.015), 6)))
        equity.append((equity[-1] * change).quantize(Decimal("0.01")))
    return equity


PARAMS = RiskReportParams(periods_per_year=365, limits=LIMITS, paths=200, backtest_window=250)


def test_the_report_gathers_the_statistics_of_the_equity_path() -> None:
    equity = equity_path(300)
    pnls = [Decimal("12.5"), Decimal("-4"), Decimal("7")]
    report = build_risk_report(equity, pnls, PARAMS)
    returns = simple_returns(equity)
    assert report.observations == 300
    assert [t.confidence for t in report.tail] == [0.95, 0.99]
    assert report.tail[1].historical_var == historical_var(returns, 0.99)
    assert report.sharpe == sharpe_ratio(returns, 365)
    assert report.max_drawdown == max_drawdown(equity)
    assert report.current_drawdown == current_drawdown(equity)
    assert report.trades == 3
    assert report.win_rate == pytest.approx(2 / 3)
    assert report.profit_factor == pytest.approx(19.5 / 4)
    assert report.monte_carlo is not None
    assert report.monte_carlo.paths == 200
    assert report.monte_carlo.horizon == 300
    assert [test.observations for test in report.backtests] == [50, 50]


def test_limits_report_the_loss_each_measures_now() -> None:
    equity = [Decimal(100), Decimal(120), Decimal(108), Decimal("102.6")]  # last day -5%
    report = build_risk_report(equity, params=PARAMS)
    drawdown, daily, from_start = report.limits
    assert drawdown.current == pytest.approx(1 - 102.6 / 120)  # from the 120 peak, not from 100
    assert drawdown.utilization == pytest.approx((1 - 102.6 / 120) / 0.20)
    assert drawdown.headroom == pytest.approx(0.20 - (1 - 102.6 / 120))
    assert not drawdown.is_breached
    assert daily.current == pytest.approx(0.05)
    assert daily.is_breached
    assert from_start.current == 0.0  # still above the start
    assert drawdown.breach_probability is not None


def test_to_dict_is_plain_json() -> None:
    report = build_risk_report(equity_path(300), [Decimal(5), Decimal(-2)], PARAMS)
    data = report.to_dict()
    decoded = json.loads(json.dumps(data, allow_nan=False))
    assert decoded == data
    assert decoded["limits"][0] == {
        "name": "max_drawdown",
        "kind": "drawdown",
        "threshold": 0.2,
        "current": report.limits[0].current,
        "utilization": report.limits[0].utilization,
        "headroom": report.limits[0].headroom,
        "breached": False,
        "breach_probability": report.limits[0].breach_probability,
    }
    assert set(decoded["monte_carlo"]["max_drawdown"]) == {
        "p50",
        "p90",
        "p95",
        "p99",
        "mean",
        "max",
    }
    assert set(decoded["monte_carlo"]["final_return"]) == {"p01", "p05", "p50", "p95"}
    assert decoded["backtests"][1]["confidence"] == 0.99


def test_a_short_history_reports_undefined_statistics_as_null() -> None:
    report = build_risk_report([Decimal(100), Decimal(99)], params=PARAMS)
    assert report.monte_carlo is None
    assert report.backtests == ()
    assert report.sharpe is None
    data = json.loads(json.dumps(report.to_dict(), allow_nan=False))
    assert data["sharpe"] is None
    assert data["monte_carlo"] is None
    assert data["win_rate"] is None
    assert data["limits"][0]["breach_probability"] is None
    text = render_text(report)
    assert "Monte Carlo: n/a" in text
    assert "Sharpe n/a" in text


def test_an_empty_history_still_reports() -> None:
    report = build_risk_report([], params=PARAMS)
    assert report.observations == 0
    assert report.tail[0].historical_var is None
    assert all(status.current == 0.0 for status in report.limits)


def test_the_text_shows_every_section_and_flags_breaches() -> None:
    equity = [*equity_path(300), Decimal(1)]  # a final crash breaches every limit
    report = build_risk_report(equity, [Decimal(3)], PARAMS)
    text = render_text(report)
    for heading in ("VaR hist", "ES normal", "Sharpe", "Max drawdown", "Monte Carlo", "Kupiec"):
        assert heading in text
    for limit in LIMITS:
        assert limit.name in text
    assert text.count("BREACHED") == 3
    assert "profit factor n/a" in text  # no losing trade
