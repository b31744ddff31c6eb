"""Strict scenario parsing: every mistake is a one-line error naming the file and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from lyrad.sim.scenarios import Expectation, ScenarioError, load_scenario, parse_scenario

VALID = """
description = "A test market."
duration_s = 600

[path]
volatility = 0.01

[[path.shocks]]
at_s = 60
duration_s = 30
move_pct = -10

[[symbols]]
symbol = "BTCUSDT"
base = "BTC"
quote = "USDT"
tick_size = "0.01"
step_size = "0.00001"
min_notional = "5"
path = { start_price = "60000" }

[[symbols]]
symbol = "ETHUSDT"
base = "ETH"
quote = "USDT"
tick_size = "0.01"
step_size = "0.0001"
min_notional = 5
path = { start_price = "3000", volatility = 0.02 }

[liquidity]
spread_bps = "2"
levels = 10
level_step_bps = "1"
level_qty_quote = "10000"

[[liquidity_windows]]
start_s = 100
end_s = 200
spread_multiplier = "3"
depth_divisor = "2"

[[faults]]
kind = "error"
rate = 0.5
start_s = 100
end_s = 200
status = 503

[[expectations]]
metric = "trough"
min = -0.2
"""


def _parse(text: str) -> None:
    parse_scenario(text, name="bad", file="bad.toml")


def test_the_valid_base_parses_with_shared_and_own_path_keys() -> None:
    scenario = parse_scenario(VALID, name="ok", file="ok.toml")
    btc, eth = scenario.symbols
    assert (btc.path.volatility, eth.path.volatility) == (0.01, 0.02)
    assert btc.path.shocks == eth.path.shocks
    assert btc.path.shocks[0].move_pct == -10.0
    assert scenario.faults[0].rate == 0.5
    assert scenario.expectations == (Expectation(symbol="*", metric="trough", min=-0.2),)
    assert scenario.rate_limit.request_weight_per_minute == 6000  # defaults fill the rest


BROKEN = [
    # (old text, new text, expected message)
    ("duration_s = 600", 'duration_s = 600\ncolour = "red"', "bad.toml: colour: unknown key"),
    ("volatility = 0.01", "volatilty = 0.01", "bad.toml: path.volatilty: unknown key"),
    (
        "volatility = 0.02 }",
        "volatility = 0.02, spread = 1 }",
        "bad.toml: symbols[1].path.spread: unknown key",
    ),
    ("move_pct = -10", "move_pct = -10\nsize = 3", "bad.toml: path.shocks[0].size: unknown key"),
    ("duration_s = 600", 'duration_s = "long"', "bad.toml: duration_s: must be a number"),
    ("levels = 10", "levels = true", "bad.toml: liquidity.levels: must be an integer"),
    ("levels = 10", "levels = 2.5", "bad.toml: liquidity.levels: must be an integer"),
    ('tick_size = "0.01"', 'tick_size = "cheap"', "bad.toml: symbols[0].tick_size: not a decimal"),
    ("rate = 0.5", 'rate = "often"', "bad.toml: faults[0].rate: must be a number"),
    ("volatility = 0.01", "volatility = -0.1", "bad.toml: path.volatility: must be >= 0"),
    (
        "volatility = 0.02 }",
        "volatility = -0.02 }",
        "bad.toml: symbols[1].path.volatility: must be >= 0",
    ),
    ("duration_s = 600", "duration_s = -600", "bad.toml: duration_s: must be > 0"),
    ("duration_s = 30", "duration_s = -30", "bad.toml: path.shocks[0].duration_s: must be >= 0"),
    ("at_s = 60", "at_s = -1", "bad.toml: path.shocks[0].at_s: must be >= 0"),
    ("move_pct = -10", "move_pct = -100", "bad.toml: path.shocks[0].move_pct: must be > -100"),
    (
        'start_price = "3000"',
        'start_price = "-3"',
        "bad.toml: symbols[1].path.start_price: must be > 0",
    ),
    ('tick_size = "0.01"', 'tick_size = "0"', "bad.toml: symbols[0].tick_size: must be > 0"),
    (
        "end_s = 200\nspread",
        "end_s = 50\nspread",
        "bad.toml: liquidity_windows[0].end_s: window ends",
    ),
    ("end_s = 200\nstatus", "end_s = 100\nstatus", "bad.toml: faults[0].end_s: window ends"),
    ("rate = 0.5", "rate = 1.5", "bad.toml: faults[0].rate: must be <= 1"),
    ("rate = 0.5", "rate = -0.5", "bad.toml: faults[0].rate: must be >= 0"),
    ('kind = "error"', 'kind = "fire"', "bad.toml: faults[0].kind: must be one of"),
    ('kind = "error"', 'kind = "drop"', "bad.toml: faults[0].status: only applies to kind error"),
    ("status = 503", "status = 900", "bad.toml: faults[0].status: must be an HTTP status"),
    ('depth_divisor = "2"', 'depth_divisor = "-2"', "bad.toml: liquidity_windows[0].depth_divisor"),
    ('description = "A test market."', "", "bad.toml: description: missing"),
    (
        'symbol = "ETHUSDT"',
        'symbol = "ETHBTC"',
        "bad.toml: symbols[1].symbol: must be base + quote",
    ),
    (
        'symbol = "ETHUSDT"\nbase = "ETH"',
        'symbol = "BTCUSDT"\nbase = "BTC"',
        "bad.toml: symbols[1].symbol: duplicate symbol 'BTCUSDT'",
    ),
    ("min = -0.2", "min = -0.2\nmax = -0.3", "bad.toml: expectations[0].max: is below min"),
    (
        "min = -0.2",
        "min = -0.2\nsymbol = 'XRPUSDT'",
        "bad.toml: expectations[0].symbol: not a symbol",
    ),
    ("min = -0.2", "", "bad.toml: expectations[0].max: an expectation needs min, max or both"),
    ('metric = "trough"', 'metric = "luck"', "bad.toml: expectations[0].metric: must be one of"),
    ("min = -0.2", "min = -0.2\nend_s = 900", "bad.toml: expectations[0].end_s: is after the"),
    ("volatility = 0.01", "step_ms = 300", "bad.toml: path.step_ms: must divide 1000"),
    ("volatility = 0.01", "initial_regime = 'storm'", "bad.toml: path.initial_regime: no regime"),
    ("duration_s = 600", "duration_s = = 600", "bad.toml: invalid TOML"),
    ("[liquidity]", "[liquidityy]", "bad.toml: liquidity: missing"),
    ("duration_s = 600", "duration_s = 600\nhistory_s = -1", "bad.toml: history_s: must be >= 0"),
]


@pytest.mark.parametrize(("old", "new", "message"), BROKEN)
def test_each_mistake_is_one_line_naming_the_file_and_the_field(
    old: str, new: str, message: str
) -> None:
    assert old in VALID
    with pytest.raises(ScenarioError) as caught:
        _parse(VALID.replace(old, new, 1))
    text = str(caught.value)
    assert "\n" not in text
    assert text.startswith(message), text


def test_regime_mistakes_name_the_regime_field() -> None:
    regimes = """
[[path.regimes]]
name = "calm"
volatility = 0.01
mean_duration_s = 60
transitions = { storm = 1.0 }
"""
    with pytest.raises(
        ScenarioError, match=r"^bad.toml: path.regimes\[0\].transitions.storm: no regime"
    ):
        _parse(VALID.replace("[[symbols]]", regimes + "\n[[symbols]]", 1))
    negative = regimes.replace("mean_duration_s = 60", "mean_duration_s = 0").replace(
        "transitions = { storm = 1.0 }", ""
    )
    with pytest.raises(
        ScenarioError, match=r"^bad.toml: path.regimes\[0\].mean_duration_s: must be > 0"
    ):
        _parse(VALID.replace("[[symbols]]", negative + "\n[[symbols]]", 1))


def test_files_are_named_by_the_path_given_and_unknown_names_list_the_shipped(
    tmp_path: Path,
) -> None:
    bad = tmp_path / "typo.toml"
    bad.write_text(VALID.replace("volatility = 0.01", "volatility = -1"), encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"typo.toml: path.volatility: must be >= 0, got -1$"):
        load_scenario(str(bad))
    with pytest.raises(ScenarioError, match="cannot read"):
        load_scenario(str(tmp_path / "absent.toml"))
    with pytest.raises(ScenarioError, match=r"^flsh_crash: no shipped scenario .*flash_crash"):
        load_scenario("flsh_crash")
