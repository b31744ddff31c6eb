"""Engine construction rejects configurations it cannot honour."""

from __future__ import annotations

import dataclasses

import pytest

from lyrad.sim.engine import HOUSE_ACCOUNT, AccountSpec, Engine, LiquidityProfile, SymbolSpec
from tests.unit.sim.engine.helpers import BTCUSDT, NO_LIQUIDITY, D, account


def test_duplicate_and_reserved_names_and_keys_are_refused() -> None:
    with pytest.raises(ValueError, match="reserved or given twice"):
        Engine([BTCUSDT], [account("a"), account("a")], NO_LIQUIDITY, 0)
    with pytest.raises(ValueError, match="reserved or given twice"):
        Engine([BTCUSDT], [account(HOUSE_ACCOUNT)], NO_LIQUIDITY, 0)
    same_key = AccountSpec("b", "key-a", "s", {})
    with pytest.raises(ValueError, match="api_key"):
        Engine([BTCUSDT], [account("a"), same_key], NO_LIQUIDITY, 0)
    with pytest.raises(ValueError, match="given twice"):
        Engine([BTCUSDT, BTCUSDT], [], NO_LIQUIDITY, 0)


def test_negative_balances_or_fees_are_refused() -> None:
    with pytest.raises(ValueError, match=r"balances\.USDT"):
        Engine([BTCUSDT], [account("a", USDT="-1")], NO_LIQUIDITY, 0)
    bad_fee = dataclasses.replace(account("a"), taker_fee=D("-0.001"))
    with pytest.raises(ValueError, match="taker_fee"):
        Engine([BTCUSDT], [bad_fee], NO_LIQUIDITY, 0)


@pytest.mark.parametrize(
    "spec",
    [
        BTCUSDT._replace(tick_size=D(0)),
        BTCUSDT._replace(step_size=D("-1")),
        BTCUSDT._replace(min_notional=D("-1")),
        BTCUSDT._replace(max_qty=D("0.000001")),
        BTCUSDT._replace(quote="BTC"),
    ],
)
def test_symbols_the_engine_cannot_trade_are_refused(spec: SymbolSpec) -> None:
    with pytest.raises(ValueError, match="symbol BTCUSDT"):
        Engine([spec], [], NO_LIQUIDITY, 0)


def test_bad_liquidity_profiles_are_refused() -> None:
    with pytest.raises(ValueError, match="level_qty_quote"):
        Engine([BTCUSDT], [], LiquidityProfile(D(1), 1, D(1), D(0)), 0)
