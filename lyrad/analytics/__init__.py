"""Risk statistics: VaR, expected shortfall, Sharpe, Sortino, drawdown, Monte Carlo, backtests.

Conventions, shared by every function here:

- A *return* is a simple per-period fractional return, `equity[t] / equity[t-1] - 1`, as a float.
  One period is whatever spacing the equity samples have (a day for daily snapshots).
- *Loss* is the negated return. VaR and expected shortfall are reported as **positive loss
  fractions** for one period: `historical_var(r, 0.99) == 0.03` means "on 99% of periods the loss
  was at most 3% of equity". A negative VaR means even the quantile outcome is a gain.
- Drawdown is measured from the running **peak** of equity, never from the start, as a fraction of
  that peak in [0, 1] for positive equity.
- Ratios are annualized with `periods_per_year` (365 for daily crypto, 252 for exchange days,
  8760 for hourly); annual rates given as parameters are de-annualized by dividing by it.
- A statistic that the data cannot define (too few observations, zero dispersion, no losing trade
  for a profit factor) is `None`, never NaN or infinity; invalid parameters raise `ValueError`.
- Money (equity, PnL) may arrive as `Decimal`; statistics are computed and returned as floats.
"""

from lyrad.analytics.backtest import (
    KupiecResult,
    backtest_historical_var,
    count_exceptions,
    kupiec_pof,
    rolling_historical_var,
)
from lyrad.analytics.drawdown import Drawdown, current_drawdown, drawdown_series, max_drawdown
from lyrad.analytics.montecarlo import (
    LimitBreach,
    LimitKind,
    LossLimit,
    MonteCarloResult,
    simulate_drawdowns,
)
from lyrad.analytics.performance import profit_factor, sharpe_ratio, sortino_ratio, win_rate
from lyrad.analytics.render import render_text
from lyrad.analytics.report import LimitStatus, RiskReport, RiskReportParams, build_risk_report
from lyrad.analytics.returns import simple_returns
from lyrad.analytics.var import (
    VarEstimate,
    estimate_var,
    historical_es,
    historical_var,
    parametric_es,
    parametric_var,
)

__all__ = [
    "Drawdown",
    "KupiecResult",
    "LimitBreach",
    "LimitKind",
    "LimitStatus",
    "LossLimit",
    "MonteCarloResult",
    "RiskReport",
    "RiskReportParams",
    "VarEstimate",
    "backtest_historical_var",
    "build_risk_report",
    "count_exceptions",
    "current_drawdown",
    "drawdown_series",
    "estimate_var",
    "historical_es",
    "historical_var",
    "kupiec_pof",
    "max_drawdown",
    "parametric_es",
    "parametric_var",
    "profit_factor",
    "render_text",
    "rolling_historical_var",
    "sharpe_ratio",
    "simple_returns",
    "simulate_drawdowns",
    "sortino_ratio",
    "win_rate",
]
