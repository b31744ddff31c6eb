"""The engine's answers, OrderSnapshot and Fill: immutable values, compiled with the engine.

They are built on every engine call, so they are classes mypyc compiles (see `native`): a
compiled constructor fills the instance in C, where a NamedTuple or a frozen dataclass goes
through Python-level __new__ or __setattr__ (the snapshot alone was a seventh of a resting
order's cost). Immutability is the type checker's: every field is Final. Equality, hashing
and repr are those of a value, field by field, in the NamedTuple format.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final, final

from lyrad.sim.engine.types import OrderStatus, OrderType, Side, TimeInForce


@final
class Fill:
    """One execution seen from one account."""

    __slots__ = (
        "commission",
        "commission_asset",
        "is_buyer",
        "is_maker",
        "order_id",
        "price",
        "qty",
        "quote_qty",
        "symbol",
        "time_ms",
        "trade_id",
    )
    trade_id: Final[int]
    order_id: Final[int]
    symbol: Final[str]
    price: Final[Decimal]
    qty: Final[Decimal]
    quote_qty: Final[Decimal]
    commission: Final[Decimal]
    commission_asset: Final[str]
    time_ms: Final[int]
    is_buyer: Final[bool]
    is_maker: Final[bool]

    def __init__(
        self,
        trade_id: int,
        order_id: int,
        symbol: str,
        price: Decimal,
        qty: Decimal,
        quote_qty: Decimal,
        commission: Decimal,
        commission_asset: str,
        time_ms: int,
        is_buyer: bool,
        is_maker: bool,
    ) -> None:
        self.trade_id = trade_id
        self.order_id = order_id
        self.symbol = symbol
        self.price = price
        self.qty = qty
        self.quote_qty = quote_qty
        self.commission = commission
        self.commission_asset = commission_asset
        self.time_ms = time_ms
        self.is_buyer = is_buyer
        self.is_maker = is_maker

    def _key(
        self,
    ) -> tuple[int, int, str, Decimal, Decimal, Decimal, Decimal, str, int, bool, bool]:
        return (
            self.trade_id,
            self.order_id,
            self.symbol,
            self.price,
            self.qty,
            self.quote_qty,
            self.commission,
            self.commission_asset,
            self.time_ms,
            self.is_buyer,
            self.is_maker,
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Fill) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (
            f"Fill("
            f"trade_id={self.trade_id!r}, "
            f"order_id={self.order_id!r}, "
            f"symbol={self.symbol!r}, "
            f"price={self.price!r}, "
            f"qty={self.qty!r}, "
            f"quote_qty={self.quote_qty!r}, "
            f"commission={self.commission!r}, "
            f"commission_asset={self.commission_asset!r}, "
            f"time_ms={self.time_ms!r}, "
            f"is_buyer={self.is_buyer!r}, "
            f"is_maker={self.is_maker!r})"
        )


@final
class OrderSnapshot:
    """An order's state at one instant; `fills` are those produced by the returning call."""

    __slots__ = (
        "client_order_id",
        "cummulative_quote_qty",
        "executed_qty",
        "fills",
        "order_id",
        "orig_qty",
        "orig_quote_order_qty",
        "price",
        "side",
        "status",
        "symbol",
        "time_in_force",
        "time_ms",
        "type",
        "update_time_ms",
        "working_time_ms",
    )
    order_id: Final[int]
    client_order_id: Final[str]
    symbol: Final[str]
    side: Final[Side]
    type: Final[OrderType]
    time_in_force: Final[TimeInForce]
    price: Final[Decimal]
    orig_qty: Final[Decimal]
    executed_qty: Final[Decimal]
    cummulative_quote_qty: Final[Decimal]
    status: Final[OrderStatus]
    time_ms: Final[int]
    update_time_ms: Final[int]
    working_time_ms: Final[int]
    orig_quote_order_qty: Final[Decimal]
    fills: Final[tuple[Fill, ...]]

    def __init__(
        self,
        order_id: int,
        client_order_id: str,
        symbol: str,
        side: Side,
        type: OrderType,
        time_in_force: TimeInForce,
        price: Decimal,
        orig_qty: Decimal,
        executed_qty: Decimal,
        cummulative_quote_qty: Decimal,
        status: OrderStatus,
        time_ms: int,
        update_time_ms: int,
        working_time_ms: int,
        orig_quote_order_qty: Decimal,
        fills: tuple[Fill, ...] = (),
    ) -> None:
        self.order_id = order_id
        self.client_order_id = client_order_id
        self.symbol = symbol
        self.side = side
        self.type = type
        self.time_in_force = time_in_force
        self.price = price
        self.orig_qty = orig_qty
        self.executed_qty = executed_qty
        self.cummulative_quote_qty = cummulative_quote_qty
        self.status = status
        self.time_ms = time_ms
        self.update_time_ms = update_time_ms
        self.working_time_ms = working_time_ms
        self.orig_quote_order_qty = orig_quote_order_qty
        self.fills = fills

    def _key(
        self,
    ) -> tuple[
        int,
        str,
        str,
        Side,
        OrderType,
        TimeInForce,
        Decimal,
        Decimal,
        Decimal,
        Decimal,
        OrderStatus,
        int,
        int,
        int,
        Decimal,
        tuple[Fill, ...],
    ]:
        return (
            self.order_id,
            self.client_order_id,
            self.symbol,
            self.side,
            self.type,
            self.time_in_force,
            self.price,
            self.orig_qty,
            self.executed_qty,
            self.cummulative_quote_qty,
            self.status,
            self.time_ms,
            self.update_time_ms,
            self.working_time_ms,
            self.orig_quote_order_qty,
            self.fills,
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, OrderSnapshot) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (
            f"OrderSnapshot("
            f"order_id={self.order_id!r}, "
            f"client_order_id={self.client_order_id!r}, "
            f"symbol={self.symbol!r}, "
            f"side={self.side!r}, "
            f"type={self.type!r}, "
            f"time_in_force={self.time_in_force!r}, "
            f"price={self.price!r}, "
            f"orig_qty={self.orig_qty!r}, "
            f"executed_qty={self.executed_qty!r}, "
            f"cummulative_quote_qty={self.cummulative_quote_qty!r}, "
            f"status={self.status!r}, "
            f"time_ms={self.time_ms!r}, "
            f"update_time_ms={self.update_time_ms!r}, "
            f"working_time_ms={self.working_time_ms!r}, "
            f"orig_quote_order_qty={self.orig_quote_order_qty!r}, "
            f"fills={self.fills!r})"
        )
