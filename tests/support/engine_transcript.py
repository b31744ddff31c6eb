"""A seeded workout of the sim engine that prints everything it answers, one line per answer.

`python -m tests.support.engine_transcript SEED N` drives the engine built in this process
(compiled or interpreted, see lyrad.sim.engine.native) through N random calls from two
accounts: every order type and time in force, off-grid and unaffordable requests, cancels by
id and by client id, reused client ids, reference moves; then dumps balances, fees, books,
orders and trades. Two builds of the engine are equivalent when their transcripts are equal,
character for character (Decimal exponents included).
"""

from __future__ import annotations

import random
import sys
from decimal import Decimal

from lyrad.sim.engine import (
    COMPILED,
    HOUSE_ACCOUNT,
    Engine,
    EngineRejection,
    OrderRequest,
    OrderType,
    Side,
    TimeInForce,
)
from tests.unit.sim.engine.helpers import BTCUSDT, ETHUSDT, SOME_LIQUIDITY, account

CENTER = {"BTCUSDT": Decimal("60000"), "ETHUSDT": Decimal("3000")}
SPECS = {"BTCUSDT": BTCUSDT, "ETHUSDT": ETHUSDT}
NAMES = ("alice", "bob")


def _request(rng: random.Random, who: str, symbol: str, now: int) -> OrderRequest:
    spec = SPECS[symbol]
    side = rng.choice((Side.BUY, Side.SELL))
    qty = spec.step_size * rng.randint(1, 30_000)
    if rng.random() < 0.05:
        qty += spec.step_size / 3  # off the LOT_SIZE grid
    bps = Decimal(rng.randint(-40, 40)) / 10_000
    price = (CENTER[symbol] * (1 + bps) // spec.tick_size) * spec.tick_size
    if rng.random() < 0.05:
        price += spec.tick_size / 2  # off the PRICE_FILTER grid
    cid = rng.choice((None, None, f"c{now}", f"c{rng.randint(0, max(now, 1))}"))
    roll = rng.random()
    if roll < 0.45:
        tif = rng.choice((TimeInForce.GTC, TimeInForce.GTC, TimeInForce.IOC, TimeInForce.FOK))
        return OrderRequest(who, symbol, side, OrderType.LIMIT, tif, qty, None, price, cid)
    if roll < 0.6:
        return OrderRequest(who, symbol, side, OrderType.LIMIT_MAKER, None, qty, None, price, cid)
    if roll < 0.8:
        return OrderRequest(who, symbol, side, OrderType.MARKET, quantity=qty, client_order_id=cid)
    quote = Decimal(rng.randint(5, 40_000)) / rng.choice((1, 10, 100, 1000))
    return OrderRequest(
        who, symbol, side, OrderType.MARKET, quote_quantity=quote, client_order_id=cid
    )


def transcript(seed: int, calls: int) -> list[str]:
    """Every answer of `calls` seeded engine calls, then the engine's whole state, as text."""
    rng = random.Random(seed)
    accounts = [
        account("alice", USDT="250000", BTC="3", ETH="40"),
        account("bob", USDT="80000", BTC="1.5", ETH="90"),
    ]
    engine = Engine(list(SPECS.values()), accounts, SOME_LIQUIDITY, seed)
    out: list[str] = []
    placed: dict[str, list[tuple[str, int, str]]] = {name: [] for name in NAMES}
    for now in range(calls):
        who, symbol = rng.choice(NAMES), rng.choice(tuple(SPECS))
        roll = rng.random()
        try:
            if roll < 0.04 or now == 0:
                move = Decimal(rng.randint(-30, 30)) / 10_000
                tick = SPECS[symbol].tick_size
                CENTER[symbol] = (CENTER[symbol] * (1 + move) // tick) * tick
                engine.set_reference_price(symbol, CENTER[symbol], now)
                out.append(f"{now} ref {symbol} {CENTER[symbol]}")
            elif roll < 0.75:
                snap = engine.place_order(_request(rng, who, symbol, now), now)
                placed[who].append((snap.symbol, snap.order_id, snap.client_order_id))
                out.append(f"{now} place {snap!r}")
            elif roll < 0.97 and placed[who]:
                sym, order_id, cid = placed[who].pop(rng.randrange(len(placed[who])))
                by_id = rng.random() < 0.7
                snap = engine.cancel_order(
                    who,
                    sym,
                    order_id=order_id if by_id else None,
                    client_order_id=None if by_id else cid,
                    now_ms=now,
                )
                out.append(f"{now} cancel {snap!r}")
            else:
                out.append(f"{now} cancel all {engine.cancel_open_orders(who, symbol, now)!r}")
        except EngineRejection as e:
            out.append(f"{now} rejected {e.reason} {e}")
    for name in (*NAMES, HOUSE_ACCOUNT):
        out.append(f"balances {name} {engine.balances(name)!r}")
    out.append(f"fees {sorted(engine.fees_collected().items())!r}")
    for symbol in SPECS:
        out.append(f"book {symbol} {engine.book(symbol, 50)!r}")
        for name in NAMES:
            out.append(f"orders {name} {engine.all_orders(name, symbol, limit=1000)!r}")
            out.append(f"open {name} {engine.open_orders(name, symbol)!r}")
            out.append(f"trades {name} {engine.account_trades(name, symbol, limit=1000)!r}")
    return out


def main(argv: list[str]) -> None:
    seed, calls = int(argv[0]), int(argv[1])
    print(f"compiled={COMPILED}")
    for line in transcript(seed, calls):
        print(line)


if __name__ == "__main__":
    main(sys.argv[1:])
