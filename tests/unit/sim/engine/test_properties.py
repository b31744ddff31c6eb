"""Invariants under random use: assets are conserved, balances never go negative, locked
balances equal what open orders need, books never cross, and runs are deterministic."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from lyrad.sim.engine import (
    HOUSE_ACCOUNT,
    AccountSpec,
    Engine,
    EngineRejection,
    LiquidityProfile,
    OrderRequest,
    OrderType,
    Side,
    TimeInForce,
)
from tests.unit.sim.engine.helpers import BTCUSDT, ETHUSDT, D

# Coarse grids around small prices so that random orders collide and match often.
SPECS = {
    "BTCUSDT": BTCUSDT._replace(min_notional=D("0.5"), step_size=D("0.001"), min_qty=D("0.001")),
    "ETHUSDT": ETHUSDT._replace(
        min_notional=D("0.5"),
        step_size=D("0.01"),
        min_qty=D("0.01"),
        tick_size=D("0.05"),
        min_price=D("0.05"),
    ),
    # Odd scales for the engine's integers (lyrad.sim.engine.units): min_price and min_qty
    # off their grids, a market step coarser than the lot step, commission rounded to fewer
    # decimals than a quantity has, and BTC both a base and a quote asset.
    "ETHBTC": BTCUSDT._replace(
        symbol="ETHBTC",
        base="ETH",
        quote="BTC",
        tick_size=D("0.0001"),
        min_price=D("0.00013"),
        max_price=D("10"),
        step_size=D("0.01"),
        min_qty=D("0.015"),
        market_step_size=D("0.05"),
        market_min_qty=D("0.02"),
        market_max_qty=D("0"),
        min_notional=D("0.0001"),
        max_notional=D("0"),
        base_precision=2,
        quote_precision=6,
    ),
}
CENTER = {"BTCUSDT": D("100"), "ETHUSDT": D("20"), "ETHBTC": D("0.05003")}
TICK = {name: spec.tick_size for name, spec in SPECS.items()}
STEP = {name: spec.step_size for name, spec in SPECS.items()}
MIN_QTY = {name: spec.min_qty for name, spec in SPECS.items()}
QUOTE_UNIT = {"BTCUSDT": D(1), "ETHUSDT": D(1), "ETHBTC": D("0.001")}
ACCOUNTS = (
    AccountSpec(
        "alice",
        "ka",
        "sa",
        {"USDT": D("300"), "BTC": D("3"), "ETH": D("30")},
        maker_fee=D("0.001"),
        taker_fee=D("0.002"),
    ),
    AccountSpec(
        "bob",
        "kb",
        "sb",
        {"USDT": D("150.5"), "BTC": D("1.2"), "ETH": D("10")},
        maker_fee=D("0.00075"),
        taker_fee=D("0.0013"),
    ),
)
NAMES = ("alice", "bob")
ALL_ACCOUNTS = (*NAMES, HOUSE_ACCOUNT)
PROFILE = LiquidityProfile(D("10"), 3, D("5"), D("5"))
ASSETS = ("BTC", "ETH", "USDT")

KINDS = (
    (OrderType.LIMIT, TimeInForce.GTC),
    (OrderType.LIMIT, TimeInForce.IOC),
    (OrderType.LIMIT, TimeInForce.FOK),
    (OrderType.LIMIT_MAKER, None),
    (OrderType.MARKET, None),
)


@dataclass(frozen=True)
class Place:
    who: str
    symbol: str
    side: Side
    kind: tuple[OrderType, TimeInForce | None]
    units: int  # quantity in steps, or the quote amount of a market order by quote
    offset: int  # limit price in ticks from the center
    by_quote: bool
    client_order_id: str | None


@dataclass(frozen=True)
class Cancel:
    who: str
    pick: int


@dataclass(frozen=True)
class CancelAll:
    who: str
    symbol: str


@dataclass(frozen=True)
class MoveReference:
    symbol: str
    offset: int


Op = Place | Cancel | CancelAll | MoveReference

names = st.sampled_from(NAMES)
symbols = st.sampled_from(sorted(SPECS))
places = st.builds(
    Place,
    who=names,
    symbol=symbols,
    side=st.sampled_from(Side),
    kind=st.sampled_from(KINDS),
    units=st.integers(5, 400),
    offset=st.integers(-30, 30),
    by_quote=st.booleans(),
    client_order_id=st.sampled_from([None, None, None, "a", "b"]),
)
operations = st.lists(
    st.one_of(
        places,
        places,
        places,
        st.builds(Cancel, who=names, pick=st.integers(0, 50)),
        st.builds(CancelAll, who=names, symbol=symbols),
        st.builds(MoveReference, symbol=symbols, offset=st.integers(-40, 40)),
    ),
    min_size=10,
    max_size=60,
)


def _request(op: Place) -> OrderRequest:
    otype, tif = op.kind
    qty = MIN_QTY[op.symbol] + STEP[op.symbol] * op.units
    if otype is OrderType.MARKET:
        if op.by_quote:
            quote = QUOTE_UNIT[op.symbol] * op.units
            return OrderRequest(op.who, op.symbol, op.side, otype, quote_quantity=quote)
        return OrderRequest(op.who, op.symbol, op.side, otype, quantity=qty)
    price = CENTER[op.symbol] + TICK[op.symbol] * op.offset
    return OrderRequest(
        op.who, op.symbol, op.side, otype, tif, qty, None, price, op.client_order_id
    )


def _apply(engine: Engine, op: Op, now_ms: int, placed: dict[str, list[tuple[str, int]]]) -> None:
    try:
        if isinstance(op, Place):
            snap = engine.place_order(_request(op), now_ms)
            placed[op.who].append((snap.symbol, snap.order_id))
        elif isinstance(op, Cancel):
            mine = placed[op.who]
            if mine:
                symbol, order_id = mine[op.pick % len(mine)]
                engine.cancel_order(op.who, symbol, order_id=order_id, now_ms=now_ms)
        elif isinstance(op, CancelAll):
            engine.cancel_open_orders(op.who, op.symbol, now_ms)
        else:
            price = CENTER[op.symbol] + TICK[op.symbol] * op.offset
            engine.set_reference_price(op.symbol, price, now_ms)
    except EngineRejection:
        pass  # refusals are part of the game; the invariants must hold either way


def _new_engine(seed: int) -> Engine:
    engine = Engine(list(SPECS.values()), ACCOUNTS, PROFILE, seed)
    for symbol, center in CENTER.items():
        engine.set_reference_price(symbol, center, 0)
    return engine


def _totals(engine: Engine) -> dict[str, Decimal]:
    totals = dict(engine.fees_collected())
    for name in ALL_ACCOUNTS:
        for b in engine.balances(name):
            totals[b.asset] = totals.get(b.asset, Decimal(0)) + b.free + b.locked
    return totals


def _check_invariants(engine: Engine, start: dict[str, Decimal]) -> None:
    assert _totals(engine) == start
    for name in ALL_ACCOUNTS:
        need = dict.fromkeys(ASSETS, Decimal(0))
        for o in engine.open_orders(name):
            spec = SPECS[o.symbol]
            left = o.orig_qty - o.executed_qty
            assert left > 0
            if o.side is Side.BUY:
                need[spec.quote] += o.price * left
            else:
                need[spec.base] += left
        for b in engine.balances(name):
            assert b.free >= 0, (name, b)
            assert b.locked >= 0, (name, b)
            assert b.locked == need.get(b.asset, Decimal(0)), (name, b)
    for symbol in SPECS:
        book = engine.book(symbol, 1000)
        if book.bids and book.asks:
            assert book.bids[0][0] < book.asks[0][0]
        resting = sum((q for _, q in book.bids + book.asks), Decimal(0))
        open_qty = sum(
            (
                o.orig_qty - o.executed_qty
                for name in ALL_ACCOUNTS
                for o in engine.open_orders(name, symbol)
            ),
            Decimal(0),
        )
        assert resting == open_qty


@given(ops=operations, seed=st.integers(0, 3))
def test_random_use_conserves_assets_and_keeps_locks_exact(ops: Sequence[Op], seed: int) -> None:
    engine = _new_engine(seed)
    start = _totals(engine)
    placed: dict[str, list[tuple[str, int]]] = {name: [] for name in NAMES}
    for step, op in enumerate(ops, start=1):
        _apply(engine, op, step * 1000, placed)
        _check_invariants(engine, start)


def _dump(engine: Engine) -> object:
    return (
        [engine.balances(name) for name in ALL_ACCOUNTS],
        [engine.book(symbol, 100) for symbol in SPECS],
        [engine.all_orders(name, symbol) for name in NAMES for symbol in SPECS],
        [engine.account_trades(name, symbol) for name in NAMES for symbol in SPECS],
        [engine.open_orders(name) for name in ALL_ACCOUNTS],
        engine.fees_collected(),
    )


@given(ops=operations, seed=st.integers(0, 1000))
def test_same_seed_and_calls_give_identical_results(ops: Sequence[Op], seed: int) -> None:
    runs = []
    for _ in range(2):
        engine = _new_engine(seed)
        placed: dict[str, list[tuple[str, int]]] = {name: [] for name in NAMES}
        for step, op in enumerate(ops, start=1):
            _apply(engine, op, step * 1000, placed)
        runs.append(_dump(engine))
    assert runs[0] == runs[1]


def test_different_seeds_shape_the_synthetic_book_differently() -> None:
    assert _new_engine(1).book("BTCUSDT", 10) != _new_engine(2).book("BTCUSDT", 10)
