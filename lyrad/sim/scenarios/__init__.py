"""Scenarios for the simulated venue: shipped TOML data files, their schema and loader."""

from lyrad.sim.marketdata.path_spec import PathSpec, Regime, Shock
from lyrad.sim.scenarios.expectations import ExpectationOutcome, check_expectations
from lyrad.sim.scenarios.fields import ScenarioError
from lyrad.sim.scenarios.loader import (
    DEFAULT_SCENARIO,
    list_scenarios,
    load_scenario,
    parse_scenario,
    shipped_names,
)
from lyrad.sim.scenarios.model import (
    Expectation,
    FaultRule,
    LiquiditySpec,
    LiquidityWindow,
    RateLimitSpec,
    Scenario,
    SymbolMarket,
)
from lyrad.sim.scenarios.source import build_source

__all__ = [
    "DEFAULT_SCENARIO",
    "Expectation",
    "ExpectationOutcome",
    "FaultRule",
    "LiquiditySpec",
    "LiquidityWindow",
    "PathSpec",
    "RateLimitSpec",
    "Regime",
    "Scenario",
    "ScenarioError",
    "Shock",
    "SymbolMarket",
    "build_source",
    "check_expectations",
    "list_scenarios",
    "load_scenario",
    "parse_scenario",
    "shipped_names",
]
