"""Reading a symbol's PathSpec: the scenario's shared `[path]` overlaid by `symbols[i].path`."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import cast

from lyrad.sim.marketdata.path_spec import PathSpec, Regime, Shock, ShockShape
from lyrad.sim.scenarios.fields import Table

_SHAPES = ("smooth", "linear")
_MAX_TRADES_PER_STEP = 100


def read_path(
    file: str, shared: Mapping[str, object], own: Mapping[str, object], own_prefix: str
) -> PathSpec:
    """The PathSpec of one symbol; keys of `own` replace the same keys of `shared`."""
    names = {key: f"path.{key}" for key in shared}
    names.update({key: f"{own_prefix}.{key}" for key in own})
    table = Table(file, {**shared, **own}, own_prefix, names)
    regimes = _regimes(table)
    spec = PathSpec(
        start_price=table.decimal("start_price", above=Decimal(0)),
        drift=table.number("drift", 0.0),
        volatility=table.number("volatility", 0.0, minimum=0.0),
        mean_reversion=table.number("mean_reversion", 0.0, minimum=0.0),
        jump_intensity=table.number("jump_intensity", 0.0, minimum=0.0),
        jump_mean=table.number("jump_mean", 0.0),
        jump_std=table.number("jump_std", 0.0, minimum=0.0),
        regimes=regimes,
        initial_regime=_initial_regime(table, regimes),
        shocks=tuple(_shock(shock) for shock in table.tables("shocks")),
        step_ms=_step_ms(table),
        trades_per_step=table.integer("trades_per_step", 4, minimum=1),
        trade_notional=table.decimal("trade_notional", "500", above=Decimal(0)),
    )
    if spec.trades_per_step > _MAX_TRADES_PER_STEP:
        table.fail("trades_per_step", f"must be <= {_MAX_TRADES_PER_STEP}")
    table.finish()
    return spec


def _step_ms(table: Table) -> int:
    step_ms = table.integer("step_ms", 1000, minimum=1)
    if 1000 % step_ms != 0:
        table.fail("step_ms", f"must divide 1000 (so candles hold whole steps), got {step_ms}")
    return step_ms


def _shock(table: Table) -> Shock:
    shock = Shock(
        at_s=table.number("at_s", minimum=0.0),
        duration_s=table.number("duration_s", minimum=0.0),
        move_pct=table.number("move_pct", above=-100.0),
        recovery=table.number("recovery", 0.0, minimum=0.0, maximum=1.0),
        recovery_s=table.number("recovery_s", 0.0, minimum=0.0),
        shape=cast(ShockShape, table.choice("shape", _SHAPES, "smooth")),
    )
    table.finish()
    return shock


def _regimes(table: Table) -> tuple[Regime, ...]:
    tables = table.tables("regimes")
    names: list[str] = []
    for item in tables:
        name = item.text("name")
        if name in names:
            item.fail("name", f"duplicate regime {name!r}")
        names.append(name)
    return tuple(_regime(item, names) for item in tables)


def _regime(table: Table, names: list[str]) -> Regime:
    transitions = table.table("transitions")
    weights: list[tuple[str, float]] = []
    for target in transitions.given_keys():
        if target not in names:
            transitions.fail(target, f"no regime named {target!r} (have {', '.join(names)})")
        weights.append((target, transitions.number(target, minimum=0.0)))
    if weights and sum(weight for _, weight in weights) <= 0.0:
        table.fail("transitions", "needs at least one positive weight")
    regime = Regime(
        name=table.text("name"),
        drift=table.number("drift", 0.0),
        volatility=table.number("volatility", 0.0, minimum=0.0),
        mean_duration_s=table.number("mean_duration_s", above=0.0),
        transitions=tuple(weights),
    )
    table.finish()
    return regime


def _initial_regime(table: Table, regimes: tuple[Regime, ...]) -> str | None:
    name = table.optional_text("initial_regime")
    names = [regime.name for regime in regimes]
    if name is not None and name not in names:
        have = ", ".join(names) or "none"
        table.fail("initial_regime", f"no regime named {name!r} (have {have})")
    return name
