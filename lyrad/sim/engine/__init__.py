"""The simulated exchange's matching engine: books, accounts, balances, fees and filters."""

from lyrad.sim.engine.accounts import HOUSE_ACCOUNT
from lyrad.sim.engine.engine import Engine
from lyrad.sim.engine.types import (
    AccountSpec,
    Balance,
    BookSnapshot,
    EngineRejection,
    Fill,
    LiquidityProfile,
    OrderRequest,
    OrderSnapshot,
    OrderStatus,
    OrderType,
    RejectReason,
    Side,
    SymbolSpec,
    TimeInForce,
)

__all__ = [
    "HOUSE_ACCOUNT",
    "AccountSpec",
    "Balance",
    "BookSnapshot",
    "Engine",
    "EngineRejection",
    "Fill",
    "LiquidityProfile",
    "OrderRequest",
    "OrderSnapshot",
    "OrderStatus",
    "OrderType",
    "RejectReason",
    "Side",
    "SymbolSpec",
    "TimeInForce",
]
