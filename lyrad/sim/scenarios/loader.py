"""Loading scenarios from TOML: the shipped files in this package, or any file by path.

The file's stem is the scenario's name. Keys (all others are errors; times in sim seconds from
the scenario start, rates per hour; decimals may be written "0.01", 0.01 or 5):

    description, duration_s, history_s = 3600, clock_skew_ms = 0
    [path]                 shared by every symbol: PathSpec fields (start_price, drift,
                           volatility, mean_reversion, jump_intensity, jump_mean, jump_std,
                           initial_regime, step_ms, trades_per_step, trade_notional) with
                           [[path.regimes]] (name, drift, volatility, mean_duration_s,
                           transitions = { other = weight }) and [[path.shocks]] (at_s,
                           duration_s, move_pct, recovery, recovery_s, shape)
    [[symbols]]            symbol, base, quote, tick_size, step_size, min_notional, and
                           path = { ... } overriding keys of [path] for this symbol
    [liquidity]            spread_bps, levels, level_step_bps, level_qty_quote, depth_growth
    [[liquidity_windows]]  start_s, end_s, spread_multiplier, depth_divisor
    [[faults]]             kind, route, rate, start_s, end_s; latency_ms, jitter_ms (latency);
                           status, code, message (error)
    [rate_limit]           RateLimitSpec fields
    [[expectations]]       symbol = "*", metric, min, max, start_s, end_s
"""

from __future__ import annotations

import tomllib
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import cast

from lyrad.sim.scenarios.fields import ScenarioError, Table
from lyrad.sim.scenarios.model import (
    FAULT_KINDS,
    METRICS,
    Expectation,
    FaultKind,
    FaultRule,
    LiquiditySpec,
    LiquidityWindow,
    Metric,
    RateLimitSpec,
    Scenario,
    SymbolMarket,
)
from lyrad.sim.scenarios.path_loader import read_path

DEFAULT_SCENARIO = "calm"
_PACKAGE = "lyrad.sim.scenarios"
_FAULT_ONLY_KEYS: dict[str, FaultKind] = {
    "latency_ms": "latency",
    "jitter_ms": "latency",
    "status": "error",
    "code": "error",
    "message": "error",
}
_MIN_VOLATILITY_WINDOW_S = 120.0
_ZERO = Decimal(0)


def shipped_names() -> list[str]:
    """Names of the scenarios shipped with lyrad, sorted."""
    files = resources.files(_PACKAGE).iterdir()
    return sorted(f.name.removesuffix(".toml") for f in files if f.name.endswith(".toml"))


def list_scenarios() -> list[Scenario]:
    """Every shipped scenario, sorted by name."""
    return [load_scenario(name) for name in shipped_names()]


def load_scenario(name_or_path: str) -> Scenario:
    """A shipped scenario by name ("flash_crash"), or a scenario TOML file by path."""
    if "/" not in name_or_path and not name_or_path.endswith(".toml"):
        if name_or_path not in shipped_names():
            have = ", ".join(shipped_names())
            raise ScenarioError(name_or_path, "", f"no shipped scenario of that name ({have})")
        file = f"{name_or_path}.toml"
        text = resources.files(_PACKAGE).joinpath(file).read_text(encoding="utf-8")
        return parse_scenario(text, name=name_or_path, file=file)
    path = Path(name_or_path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ScenarioError(name_or_path, "", f"cannot read: {e}") from e
    return parse_scenario(text, name=path.stem, file=name_or_path)


def parse_scenario(text: str, *, name: str, file: str) -> Scenario:
    """A scenario from TOML text; `file` names it in errors."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ScenarioError(file, "", f"invalid TOML: {e}") from e
    root = Table(file, data, "")
    duration_s = root.number("duration_s", above=0.0)
    symbols = _symbols(root)
    scenario = Scenario(
        name=name,
        description=root.text("description"),
        duration_s=duration_s,
        symbols=symbols,
        liquidity=_liquidity(root.table("liquidity", required=True)),
        liquidity_windows=tuple(_window(item) for item in root.tables("liquidity_windows")),
        faults=tuple(_fault(item) for item in root.tables("faults")),
        rate_limit=_rate_limit(root.table("rate_limit")),
        clock_skew_ms=root.integer("clock_skew_ms", 0),
        expectations=_expectations(root, symbols, duration_s),
        history_s=root.number("history_s", 3600.0, minimum=0.0),
    )
    root.finish()
    return scenario


def _symbols(root: Table) -> tuple[SymbolMarket, ...]:
    shared = root.table("path")
    shared_data = {key: shared.raw(key) for key in shared.given_keys()}
    markets: list[SymbolMarket] = []
    items = root.tables("symbols")
    if not items:
        root.fail("symbols", "needs at least one [[symbols]] entry")
    for i, item in enumerate(items):
        own = item.table("path")
        own_data = {key: own.raw(key) for key in own.given_keys()}
        market = SymbolMarket(
            symbol=item.text("symbol"),
            base=item.text("base"),
            quote=item.text("quote"),
            path=read_path(root.file, shared_data, own_data, f"symbols[{i}].path"),
            tick_size=item.decimal("tick_size", above=_ZERO),
            step_size=item.decimal("step_size", above=_ZERO),
            min_notional=item.decimal("min_notional", minimum=_ZERO),
        )
        if market.symbol != market.base + market.quote:
            item.fail("symbol", f"must be base + quote ({market.base + market.quote})")
        if any(other.symbol == market.symbol for other in markets):
            item.fail("symbol", f"duplicate symbol {market.symbol!r}")
        item.finish()
        markets.append(market)
    return tuple(markets)


def _liquidity(table: Table) -> LiquiditySpec:
    spec = LiquiditySpec(
        spread_bps=table.decimal("spread_bps", above=_ZERO),
        levels=table.integer("levels", minimum=1),
        level_step_bps=table.decimal("level_step_bps", above=_ZERO),
        level_qty_quote=table.decimal("level_qty_quote", above=_ZERO),
        depth_growth=table.decimal("depth_growth", "1.2", minimum=Decimal(1)),
    )
    table.finish()
    return spec


def _window(table: Table) -> LiquidityWindow:
    start_s = table.number("start_s", minimum=0.0)
    window = LiquidityWindow(
        start_s=start_s,
        end_s=_window_end(table, start_s),
        spread_multiplier=table.decimal("spread_multiplier", above=_ZERO),
        depth_divisor=table.decimal("depth_divisor", above=_ZERO),
    )
    table.finish()
    return window


def _window_end(table: Table, start_s: float | None) -> float:
    end_s = table.number("end_s", minimum=0.0)
    if start_s is not None and end_s <= start_s:
        table.fail("end_s", f"window ends ({end_s:g}) at or before it starts ({start_s:g})")
    return end_s


def _optional_window_end(table: Table, start_s: float | None) -> float | None:
    return _window_end(table, start_s) if table.has("end_s") else table.optional_number("end_s")


def _fault(table: Table) -> FaultRule:
    kind = cast(FaultKind, table.choice("kind", FAULT_KINDS))
    for key, owner in _FAULT_ONLY_KEYS.items():
        if table.has(key) and owner != kind:
            table.fail(key, f"only applies to kind {owner}, not {kind}")
    start_s = table.optional_number("start_s", minimum=0.0)
    rule = FaultRule(
        kind=kind,
        route=table.text("route", "*"),
        rate=table.number("rate", 1.0, minimum=0.0, maximum=1.0),
        start_s=start_s,
        end_s=_optional_window_end(table, start_s),
        latency_ms=table.integer("latency_ms", 0, minimum=0),
        jitter_ms=table.integer("jitter_ms", 0, minimum=0),
        status=table.integer("status", 503, minimum=100),
        code=table.optional_integer("code"),
        message=table.optional_text("message"),
    )
    if rule.status > 599:
        table.fail("status", f"must be an HTTP status (100..599), got {rule.status}")
    table.finish()
    return rule


def _rate_limit(table: Table) -> RateLimitSpec:
    spec = RateLimitSpec(
        request_weight_per_minute=table.integer("request_weight_per_minute", 6000, minimum=1),
        orders_per_10s=table.integer("orders_per_10s", 100, minimum=1),
        orders_per_day=table.integer("orders_per_day", 200000, minimum=1),
        background_weight_per_second=table.integer("background_weight_per_second", 0, minimum=0),
        ban_after_violations=table.integer("ban_after_violations", 3, minimum=1),
        ban_seconds=table.integer("ban_seconds", 120, minimum=0),
    )
    table.finish()
    return spec


def _expectations(
    root: Table, symbols: tuple[SymbolMarket, ...], duration_s: float
) -> tuple[Expectation, ...]:
    return tuple(_expectation(item, symbols, duration_s) for item in root.tables("expectations"))


def _expectation(table: Table, symbols: tuple[SymbolMarket, ...], duration_s: float) -> Expectation:
    names = [market.symbol for market in symbols]
    symbol = table.text("symbol", "*")
    if symbol != "*" and symbol not in names:
        table.fail("symbol", f"not a symbol of this scenario ({', '.join(names)}) nor '*'")
    start_s = table.number("start_s", 0.0, minimum=0.0)
    expectation = Expectation(
        symbol=symbol,
        metric=cast(Metric, table.choice("metric", METRICS)),
        min=table.optional_number("min"),
        max=table.optional_number("max"),
        start_s=start_s,
        end_s=_optional_window_end(table, start_s),
    )
    _check_expectation(table, expectation, duration_s)
    table.finish()
    return expectation


def _check_expectation(table: Table, expectation: Expectation, duration_s: float) -> None:
    if expectation.min is None and expectation.max is None:
        table.fail("max", "an expectation needs min, max or both")
    low, high = expectation.min, expectation.max
    if low is not None and high is not None and low > high:
        table.fail("max", f"is below min ({expectation.max:g} < {expectation.min:g})")
    end_s = duration_s if expectation.end_s is None else expectation.end_s
    if end_s > duration_s:
        table.fail("end_s", f"is after the scenario ends ({end_s:g} > {duration_s:g})")
    if expectation.start_s >= end_s:
        table.fail("start_s", f"is not before the window's end ({end_s:g})")
    if (
        expectation.metric == "volatility"
        and end_s - expectation.start_s < _MIN_VOLATILITY_WINDOW_S
    ):
        table.fail("metric", "volatility needs a window of at least 120 s")
