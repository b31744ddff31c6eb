"""Risk: the pre-trade gate and its limits, breakers and the trading state, the capital rollout."""

from lyrad.trading.risk.board import BreakerBoard
from lyrad.trading.risk.circuit import BreakerChange, BreakerPhase, BreakerStatus
from lyrad.trading.risk.config import (
    BreakersConfig,
    QuoteLimits,
    RiskConfig,
    RiskLimits,
    RolloutConfig,
    SymbolLimits,
)
from lyrad.trading.risk.gate import RiskGate
from lyrad.trading.risk.metrics import BreakerMetrics, RolloutMetrics
from lyrad.trading.risk.rates import OrderRateTracker
from lyrad.trading.risk.rollout import (
    KV_ROLLOUT,
    AdvanceOutcome,
    CapitalRollout,
    Criterion,
    RolloutStore,
)
from lyrad.trading.risk.view import (
    CapitalCap,
    CapSource,
    PortfolioRiskView,
    RiskClock,
    RiskView,
    TradingStateSource,
)

__all__ = [
    "KV_ROLLOUT",
    "AdvanceOutcome",
    "BreakerBoard",
    "BreakerChange",
    "BreakerMetrics",
    "BreakerPhase",
    "BreakerStatus",
    "BreakersConfig",
    "CapSource",
    "CapitalCap",
    "CapitalRollout",
    "Criterion",
    "OrderRateTracker",
    "PortfolioRiskView",
    "QuoteLimits",
    "RiskClock",
    "RiskConfig",
    "RiskGate",
    "RiskLimits",
    "RiskView",
    "RolloutConfig",
    "RolloutMetrics",
    "RolloutStore",
    "SymbolLimits",
    "TradingStateSource",
]
