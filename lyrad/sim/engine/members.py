"""Enum members bound to plain module constants, for the order path.

On Python 3.11 every attribute access on an Enum class goes through the slow
`EnumType.__getattr__` hook (about 120 ns against 10 ns for a global name), and placing an
order touched a dozen of them. Rare paths keep the readable `OrderStatus.X` spelling.
"""

from typing import Final

from lyrad.sim.engine.types import OrderStatus, OrderType, Side, TimeInForce

BUY: Final = Side.BUY
SELL: Final = Side.SELL
LIMIT: Final = OrderType.LIMIT
MARKET: Final = OrderType.MARKET
LIMIT_MAKER: Final = OrderType.LIMIT_MAKER
GTC: Final = TimeInForce.GTC
IOC: Final = TimeInForce.IOC
FOK: Final = TimeInForce.FOK
NEW: Final = OrderStatus.NEW
PARTIALLY_FILLED: Final = OrderStatus.PARTIALLY_FILLED
FILLED: Final = OrderStatus.FILLED
CANCELED: Final = OrderStatus.CANCELED
EXPIRED: Final = OrderStatus.EXPIRED
