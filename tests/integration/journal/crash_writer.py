"""A process that applies fills to a journal until it is killed: `python -m ... PATH`.

Prints `ready` once its orders are journaled, then the running count of applied fills.
"""

from __future__ import annotations

import asyncio
import sys
from decimal import Decimal
from pathlib import Path

from lyrad.domain.orders import OrderState
from lyrad.domain.values import Balance, OrderType, Side
from lyrad.journal import Journal
from tests.unit.journal.factories import make_fill, make_order

ORDERS = 6
START_BTC = Decimal(1000)
START_USDT = Decimal(1_000_000)


async def main(path: Path) -> None:
    async with Journal.open(path) as journal:
        await journal.replace_balances(
            "sim",
            [
                Balance("sim", "BTC", START_BTC, Decimal(0)),
                Balance("sim", "USDT", START_USDT, Decimal(0)),
            ],
        )
        orders = []
        for k in range(ORDERS):
            order = make_order(
                f"c{k}",
                side=Side.BUY if k % 2 == 0 else Side.SELL,
                type=OrderType.LIMIT if k % 3 else OrderType.MARKET,
                amount="1000",
                price="100" if k % 3 else None,
            )
            await journal.insert_order(order)
            orders.append(await journal.transition_order(order.client_order_id, OrderState.OPEN))
        print("ready", flush=True)
        applied = 0
        while True:
            burst = []
            for i in range(applied, applied + 20):
                order = orders[i % ORDERS]
                price = str(Decimal(95) + Decimal(i % 10))
                fill = make_fill(order, f"t{i}", amount="0.013", price=price, fee="0.0127")
                burst.append(journal.apply_fill(fill))
            await asyncio.gather(*burst)
            applied += len(burst)
            print(applied, flush=True)


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1])))
