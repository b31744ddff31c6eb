"""Per-account state: balances (free and locked), orders by symbol and id, client ids, trades."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Final, final

from lyrad.sim.engine.arith import ZERO, places
from lyrad.sim.engine.orders import ClosedOrder, ClosedOrders, LiveOrder, grow
from lyrad.sim.engine.types import (
    AccountSpec,
    Balance,
    EngineRejection,
    RejectReason,
    SymbolSpec,
)
from lyrad.sim.engine.values import Fill, OrderSnapshot

HOUSE_ACCOUNT: Final = "__house__"
"""Name of the account that provides the synthetic liquidity (readable through `balances`)."""

HOUSE_BALANCE = Decimal(10) ** 15
"""Starting balance of the house in every asset: large but finite, so assets are conserved."""

CLIENT_ID_MEMORY_MS: Final = 24 * 60 * 60 * 1000
"""A client order id stays taken this long after its order was placed (sim time)."""


@final
class Holding:
    """One account's balance of one asset: `free`, and `locked` by its open orders.

    Orders keep a reference to the holdings they lock and receive, so locking, releasing and
    settling change two attributes instead of looking the asset up in a dict and storing the
    new amount back (twice per balance, several balances per fill).
    """

    __slots__ = ("free", "locked")

    def __init__(self, free: Decimal) -> None:
        self.free = free
        self.locked = ZERO


@final
class TradeLog:
    """One account's fills in one symbol, oldest first, kept as columns of plain values.

    Columns rather than a tuple or a Fill per trade: trades only accumulate, and each new
    tuple is an object the garbage collector counts and scans, whereas appending ints, strs,
    Decimals and bools to lists creates nothing it tracks. With a tuple per trade, the
    collector's extra passes cost about a tenth of the engine's throughput.
    """

    __slots__ = (
        "commission_assets",
        "commissions",
        "count",
        "is_buyer",
        "is_maker",
        "keeps",
        "order_ids",
        "prices",
        "qtys",
        "quote_qtys",
        "symbol",
        "times_ms",
        "trade_ids",
    )

    def __init__(self, symbol: str, *, keeps: bool) -> None:
        self.symbol = symbol
        self.keeps = keeps
        self.count = 0  # trades kept; the columns are longer (see orders.grow)
        self.trade_ids: list[int] = []
        self.order_ids: list[int] = []
        self.prices: list[Decimal] = []
        self.qtys: list[Decimal] = []
        self.quote_qtys: list[Decimal] = []
        self.commissions: list[Decimal] = []
        self.commission_assets: list[str] = []
        self.times_ms: list[int] = []
        self.is_buyer: list[bool] = []
        self.is_maker: list[bool] = []

    def add(  # positional on purpose: this runs for each side of every fill
        self,
        order: LiveOrder,
        trade_id: int,
        price: Decimal,
        qty: Decimal,
        quote_qty: Decimal,
        commission: Decimal,
        commission_asset: str,
        time_ms: int,
        is_maker: bool,
    ) -> None:
        """Keep `order`'s side of a trade (unless this is the house's log, which keeps none)."""
        if not self.keeps:
            return
        row = self.count
        if row == len(self.trade_ids):
            self._grow()
        self.trade_ids[row] = trade_id
        self.order_ids[row] = order.order_id
        self.prices[row] = price
        self.qtys[row] = qty
        self.quote_qtys[row] = quote_qty
        self.commissions[row] = commission
        self.commission_assets[row] = commission_asset
        self.times_ms[row] = time_ms
        self.is_buyer[row] = order.is_buy
        self.is_maker[row] = is_maker
        self.count = row + 1

    def _grow(self) -> None:
        grow(self.trade_ids, 0)
        grow(self.order_ids, 0)
        grow(self.prices, ZERO)
        grow(self.qtys, ZERO)
        grow(self.quote_qtys, ZERO)
        grow(self.commissions, ZERO)
        grow(self.commission_assets, "")
        grow(self.times_ms, 0)
        grow(self.is_buyer, False)
        grow(self.is_maker, False)

    def __len__(self) -> int:
        return self.count

    def fill(self, i: int) -> Fill:
        """The `i`-th trade (oldest first)."""
        return Fill(
            self.trade_ids[i],
            self.order_ids[i],
            self.symbol,
            self.prices[i],
            self.qtys[i],
            self.quote_qtys[i],
            self.commissions[i],
            self.commission_assets[i],
            self.times_ms[i],
            self.is_buyer[i],
            self.is_maker[i],
        )


@final
class Ledger:
    """One account's orders and trades in one symbol, with its holdings of the symbol's base
    and quote.

    Everything an order reads and writes in its account, one reference away (`LiveOrder.ledger`)
    instead of a string-keyed dict lookup per collection and per holding on every order.
    """

    __slots__ = (
        "base",
        "client_ids",
        "closed",
        "generated_prefix",
        "is_house",
        "maker_fee_exact",
        "open_orders",
        "orders",
        "quote",
        "taker_fee_exact",
        "trades",
    )

    def __init__(
        self,
        spec: SymbolSpec,
        account: AccountSpec,
        base: Holding,
        quote: Holding,
        generated_prefix: str,
        *,
        is_house: bool,
    ) -> None:
        symbol = spec.symbol
        self.base = base
        self.quote = quote
        self.is_house = is_house
        # Whether this account's commission at each rate is exact without rounding: true
        # when a traded amount times the rate cannot have more decimals than the asset's
        # precision (see `fee_is_exact`); then it needs one product, not three operations.
        self.maker_fee_exact = fee_is_exact(spec, account.maker_fee)
        self.taker_fee_exact = fee_is_exact(spec, account.taker_fee)
        self.orders: dict[int, LiveOrder | ClosedOrder] = {}
        self.open_orders: dict[int, LiveOrder] = {}
        # client order id -> order id: an int, so closing an order changes only `orders`.
        # Only the ids clients chose: a generated id, `generated_prefix` + the order id, names
        # its order (most orders have one: storing each cost a string hash and an insertion
        # into a dict as large as the history, per order).
        self.client_ids: dict[str, int] = {}
        self.generated_prefix = generated_prefix
        self.closed = ClosedOrders(symbol)
        self.trades = TradeLog(symbol, keeps=not is_house)

    def keep(self, order: LiveOrder, chosen_id: bool) -> None:
        """Keep a new order for lookups by id, and by client id if its client chose it."""
        self.orders[order.order_id] = order
        if chosen_id:
            self.client_ids[order.client_order_id] = order.order_id

    def archive(self, order: LiveOrder) -> None:
        """Keep a user's order that can no longer change in its compact closed form."""
        if self.is_house:
            return
        self.orders[order.order_id] = self.closed.add(order)

    def check_client_id(self, client_order_id: str, now_ms: int) -> None:
        """Reject an id used by an open order or by any order placed in the last 24h."""
        previous_id = self.order_id_of(client_order_id)
        if previous_id is None:
            return
        previous = self.orders[previous_id]
        is_open = not isinstance(previous, int) and previous.is_open
        # an open order's id is taken; a closed one's only for a while after it was placed
        if is_open or now_ms - self.placed_ms(previous) < CLIENT_ID_MEMORY_MS:
            raise EngineRejection(
                RejectReason.DUPLICATE_CLIENT_ORDER_ID,
                f"client order id {client_order_id!r} is already in use",
            )

    def may_be_taken(self, client_order_id: str) -> bool:
        """Whether an order may have this client id (else it is certainly free)."""
        return client_order_id in self.client_ids or client_order_id.startswith(
            self.generated_prefix
        )

    def order_id_of(self, client_order_id: str) -> int | None:
        """The id of the order with this client id: one a client chose, else a generated one."""
        found = self.client_ids.get(client_order_id)
        if found is not None:
            return found
        prefix = self.generated_prefix
        digits = client_order_id[len(prefix) :]
        if not (client_order_id.startswith(prefix) and digits.isascii() and digits.isdigit()):
            return None
        order_id = int(digits)
        order = self.orders.get(order_id)
        # the order named must have this id (not, say, "...-0012" for order 12)
        if order is None or self.client_id(order) != client_order_id:
            return None
        return order_id

    def find(
        self, order_id: int | None, client_order_id: str | None
    ) -> LiveOrder | ClosedOrder | None:
        """Binance lookup: by order id if given (then the client id, if given, must match)."""
        if order_id is not None:
            order = self.orders.get(order_id)
            if order is not None and client_order_id not in (None, self.client_id(order)):
                return None
            return order
        if client_order_id is not None:
            found = self.order_id_of(client_order_id)
            return None if found is None else self.orders[found]
        return None

    def client_id(self, order: LiveOrder | ClosedOrder) -> str:
        if isinstance(order, int):
            return self.closed.client_order_ids[order]
        return order.client_order_id

    def order_id(self, order: LiveOrder | ClosedOrder) -> int:
        return self.closed.order_ids[order] if isinstance(order, int) else order.order_id

    def placed_ms(self, order: LiveOrder | ClosedOrder) -> int:
        return self.closed.times_ms[order] if isinstance(order, int) else order.time_ms

    def snapshot(self, order: LiveOrder | ClosedOrder) -> OrderSnapshot:
        """The public view of a stored order, open or closed."""
        return self.closed.snapshot(order) if isinstance(order, int) else order.snapshot()


def fee_is_exact(spec: SymbolSpec, rate: Decimal) -> tuple[bool, bool]:
    """(base, quote): whether commission at `rate` on a traded base quantity, or on its quote
    amount, has no more decimals than the asset's precision, so that rounding it down is the
    identity. Every traded quantity has at most the decimals of the symbol's quantity bounds
    and steps (LOT_SIZE from min_qty, quote orders in market steps, synthetic quotes at a step
    multiple or a bound), every price those of min_price and the tick."""
    lot = max(
        places(spec.min_qty),
        places(spec.step_size),
        places(spec.max_qty),
        places(spec.market_min_qty),
        places(spec.market_step_size),
    )
    price = max(places(spec.min_price), places(spec.tick_size))
    rate_places = places(rate)
    return (
        lot + rate_places <= spec.base_precision,
        price + lot + rate_places <= spec.quote_precision,
    )


class AccountState:
    """One account's money and orders; the house keeps no history of closed orders or trades."""

    __slots__ = (
        "can_trade",
        "holdings",
        "is_house",
        "ledgers",
        "maker_fee",
        "name",
        "spec",
        "taker_fee",
    )

    def __init__(
        self,
        spec: AccountSpec,
        symbols: Mapping[str, SymbolSpec],
        assets: Iterable[str],
        generated_prefix: str,
        *,
        is_house: bool,
    ) -> None:
        """`generated_prefix`: what the client ids the engine generates start with."""
        self.spec = spec
        self.name = spec.name
        self.is_house = is_house
        self.can_trade = spec.can_trade
        self.maker_fee = spec.maker_fee
        self.taker_fee = spec.taker_fee
        self.holdings: dict[str, Holding] = {asset: Holding(ZERO) for asset in assets}
        for asset, amount in spec.balances.items():
            self.holdings[asset] = Holding(amount)
        holdings = self.holdings
        self.ledgers = {
            symbol: Ledger(
                s, spec, holdings[s.base], holdings[s.quote], generated_prefix, is_house=is_house
            )
            for symbol, s in symbols.items()
        }

    def balances(self) -> list[Balance]:
        """Every asset the account holds or could trade, free and locked."""
        return [Balance(a, h.free, h.locked) for a, h in self.holdings.items()]
