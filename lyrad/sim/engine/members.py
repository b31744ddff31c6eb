"""Enum members bound to plain module constants, for the order path.

On Python 3.11 every attribute access on an Enum class goes through the slow
`EnumType.__getattr__` hook (about 120 ns against 10 ns for a global name), and placing an
order touched a dozen of them. Rare paths keep the readable `OrderStatus.X` spelling.
"""

from lyrad.sim.engine.types import OrderStatus, OrderType, Side, TimeInForce

BUY = Side.BUY
SELL = Side.SELL
LIMIT = OrderType.LIMIT
MARKET = OrderType.MARKET
LIMIT_MAKER = OrderType.LIMIT_MAKER
GTC = TimeInForce.GTC
IOC = TimeInForce.IOC
FOK = TimeInForce.FOK
NEW = OrderStatus.NEW
PARTIALLY_FILLED = OrderStatus.PARTIALLY_FILLED
FILLED = OrderStatus.FILLED
CANCELED = OrderStatus.CANCELED
EXPIRED = OrderStatus.EXPIRED
