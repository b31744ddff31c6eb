"""Plain-text rendering of a risk report for the terminal."""

from __future__ import annotations

from lyrad.analytics.backtest import KupiecResult
from lyrad.analytics.drawdown import Drawdown
from lyrad.analytics.montecarlo import MonteCarloResult
from lyrad.analytics.report import LimitStatus, RiskReport

_NA = "n/a"


def render_text(report: RiskReport) -> str:
    """The report as aligned text; undefined statistics show as n/a."""
    params = report.params
    lines = [
        f"Risk report: {report.observations} periods, annualized at "
        f"{params.periods_per_year:g} periods per year",
        "",
        "One-period tail (loss as % of equity)",
        f"  {'confidence':<12}{'VaR hist':>10}{'ES hist':>10}{'VaR normal':>12}{'ES normal':>11}",
    ]
    for t in report.tail:
        lines.append(
            f"  {_percent(t.confidence):<12}{_percent(t.historical_var):>10}"
            f"{_percent(t.historical_es):>10}{_percent(t.parametric_var):>12}"
            f"{_percent(t.parametric_es):>11}"
        )
    lines += [
        "",
        f"Sharpe {_ratio(report.sharpe)}   Sortino {_ratio(report.sortino)}",
        f"Max drawdown {_drawdown(report.max_drawdown)}",
        f"Current drawdown {_percent(report.current_drawdown)}",
        f"Trades {report.trades}: win rate {_percent(report.win_rate)}, "
        f"profit factor {_ratio(report.profit_factor)}",
        "",
        *_simulation_lines(report.monte_carlo),
        *_backtest_lines(report.backtests, params.backtest_window),
        *_limit_lines(report.limits, report.monte_carlo),
    ]
    return "\n".join(lines) + "\n"


def _percent(value: float | None) -> str:
    return _NA if value is None else f"{value * 100:.2f}%"


def _ratio(value: float | None) -> str:
    return _NA if value is None else f"{value:.2f}"


def _drawdown(drawdown: Drawdown) -> str:
    if drawdown.depth == 0.0:
        return "0.00% (never below a peak)"
    recovered = (
        "not recovered"
        if drawdown.recovery_index is None
        else f"recovered at #{drawdown.recovery_index}"
    )
    return (
        f"{_percent(drawdown.depth)} (peak #{drawdown.peak_index}, "
        f"trough #{drawdown.trough_index}, {recovered})"
    )


def _simulation_lines(result: MonteCarloResult | None) -> list[str]:
    if result is None:
        return ["Monte Carlo: n/a (needs at least two returns)", ""]
    quantiles = ", ".join(
        f"p{round(q * 100)} {_percent(result.drawdown_quantile(q))}" for q in (0.5, 0.95, 0.99)
    )
    return [
        f"Monte Carlo: {result.paths} bootstrapped paths of {result.horizon} periods "
        f"(block {result.block_length}, seed {result.seed})",
        f"  max drawdown {quantiles}, worst {_percent(result.max_drawdowns[-1])}",
        f"  return over the horizon p5 {_percent(result.final_return_quantile(0.05))}, "
        f"p50 {_percent(result.final_return_quantile(0.5))}",
        "",
    ]


def _backtest_lines(backtests: tuple[KupiecResult, ...], window: int) -> list[str]:
    if not backtests:
        return [f"VaR backtest: n/a (needs more than {window} returns)", ""]
    lines = [f"VaR backtest (rolling historical, window {window}, Kupiec POF)"]
    for test in backtests:
        verdict = "REJECT" if test.is_rejected else "accept"
        lines.append(
            f"  {_percent(test.confidence)}: {test.exceptions} exceptions in "
            f"{test.observations} (expected {test.expected_exceptions:.1f}), "
            f"LR {test.statistic:.2f}, p {test.p_value:.3f} -> {verdict} "
            f"at {_percent(test.significance)}"
        )
    return [*lines, ""]


def _limit_lines(limits: tuple[LimitStatus, ...], result: MonteCarloResult | None) -> list[str]:
    if not limits:
        return ["Limits: none configured"]
    horizon = "" if result is None else f" in {result.horizon}"
    lines = [
        "Limits",
        f"  {'name':<20}{'kind':<17}{'limit':>9}{'now':>9}{'used':>8}  "
        f"{'P(hit' + horizon + ')':>14}",
    ]
    for status in limits:
        flag = "  BREACHED" if status.is_breached else ""
        lines.append(
            f"  {status.limit.name:<20}{status.limit.kind:<17}"
            f"{_percent(status.limit.threshold):>9}{_percent(status.current):>9}"
            f"{status.utilization * 100:>7.0f}%  {_percent(status.breach_probability):>14}{flag}"
        )
    return lines
