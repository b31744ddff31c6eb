"""Shared builders for the engine tests: Binance-like BTCUSDT/ETHUSDT specs and two accounts."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import pytest

from lyrad.sim.engine import (
    AccountSpec,
    Engine,
    EngineRejection,
    LiquidityProfile,
    OrderRequest,
    OrderType,
    RejectReason,
    Side,
    SymbolSpec,
    TimeInForce,
)

D = Decimal

BTCUSDT = SymbolSpec(
    symbol="BTCUSDT",
    base="BTC",
    quote="USDT",
    tick_size=D("0.01"),
    min_price=D("0.01"),
    max_price=D("1000000"),
    step_size=D("0.00001"),
    min_qty=D("0.00001"),
    max_qty=D("9000"),
    market_step_size=D("0"),
    market_min_qty=D("0"),
    market_max_qty=D("128"),
    min_notional=D("5"),
    max_notional=D("9000000"),
)
ETHUSDT = SymbolSpec(
    symbol="ETHUSDT",
    base="ETH",
    quote="USDT",
    tick_size=D("0.01"),
    min_price=D("0.01"),
    max_price=D("1000000"),
    step_size=D("0.0001"),
    min_qty=D("0.0001"),
    max_qty=D("9000"),
    market_step_size=D("0"),
    market_min_qty=D("0"),
    market_max_qty=D("5000"),
    min_notional=D("5"),
    max_notional=D("9000000"),
)

MAKER_FEE = D("0.001")
TAKER_FEE = D("0.002")


def account(name: str, **balances: str) -> AccountSpec:
    """An account with `balances` (default: a comfortable amount of each asset)."""
    amounts = balances or {"USDT": "1000000", "BTC": "10", "ETH": "100"}
    return AccountSpec(
        name=name,
        api_key=f"key-{name}",
        secret=f"secret-{name}",
        balances={asset: D(v) for asset, v in amounts.items()},
        maker_fee=MAKER_FEE,
        taker_fee=TAKER_FEE,
    )


NO_LIQUIDITY = LiquidityProfile(
    spread_bps=D("2"), levels=0, level_step_bps=D("1"), level_qty_quote=D("10000")
)
SOME_LIQUIDITY = LiquidityProfile(
    spread_bps=D("2"), levels=5, level_step_bps=D("1"), level_qty_quote=D("60000")
)


def make_engine(
    *,
    liquidity: LiquidityProfile = NO_LIQUIDITY,
    accounts: Sequence[AccountSpec] | None = None,
    symbols: Sequence[SymbolSpec] = (BTCUSDT, ETHUSDT),
    seed: int = 0,
) -> Engine:
    """An engine with alice and bob and no synthetic liquidity unless asked."""
    if accounts is None:
        accounts = [account("alice"), account("bob")]
    return Engine(symbols, accounts, liquidity, seed)


def limit(
    who: str,
    side: Side,
    qty: str,
    price: str,
    tif: TimeInForce = TimeInForce.GTC,
    *,
    symbol: str = "BTCUSDT",
    cid: str | None = None,
) -> OrderRequest:
    return OrderRequest(who, symbol, side, OrderType.LIMIT, tif, D(qty), None, D(price), cid)


def limit_maker(who: str, side: Side, qty: str, price: str) -> OrderRequest:
    return OrderRequest(who, "BTCUSDT", side, OrderType.LIMIT_MAKER, None, D(qty), None, D(price))


def market(who: str, side: Side, qty: str | None = None, quote: str | None = None) -> OrderRequest:
    return OrderRequest(
        who,
        "BTCUSDT",
        side,
        OrderType.MARKET,
        None,
        None if qty is None else D(qty),
        None if quote is None else D(quote),
    )


def free(engine: Engine, who: str, asset: str) -> Decimal:
    return next(b.free for b in engine.balances(who) if b.asset == asset)


def locked(engine: Engine, who: str, asset: str) -> Decimal:
    return next(b.locked for b in engine.balances(who) if b.asset == asset)


def rejected(reason: RejectReason) -> pytest.RaisesExc[EngineRejection]:
    """Context manager asserting an EngineRejection with `reason`."""
    return pytest.raises(EngineRejection, check=lambda e: e.reason is reason)
