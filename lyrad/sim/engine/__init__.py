"""The simulated exchange's matching engine: books, accounts, balances, fees and filters."""

from lyrad.sim.engine import native

# Before any other submodule is imported (hence the imports below it): a current compiled
# build shadows the sources.
COMPILED = native.use_compiled(__path__)
"""Whether the engine runs compiled by mypyc (see `native`) rather than interpreted."""

from lyrad.sim.engine.accounts import HOUSE_ACCOUNT  # noqa: E402
from lyrad.sim.engine.engine import Engine  # noqa: E402
from lyrad.sim.engine.types import (  # noqa: E402
    AccountSpec,
    Balance,
    BookSnapshot,
    EngineRejection,
    LiquidityProfile,
    OrderRequest,
    OrderStatus,
    OrderType,
    RejectReason,
    Side,
    SymbolSpec,
    TimeInForce,
)
from lyrad.sim.engine.values import Fill, OrderSnapshot  # noqa: E402

__all__ = [
    "COMPILED",
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
