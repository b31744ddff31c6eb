"""ccxt's unified structures (fetched in ccxt's string-number mode) to lyrad's domain types.

Private to `ccxt_adapter`: nothing else in lyrad ever sees a ccxt dict. Every number is read
as exact text; a missing field or a garbage number raises BadVenueResponse.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from lyrad.domain.errors import BadVenueResponse
from lyrad.domain.values import ZERO, Balance, Fill, Market, OrderType, Side
from lyrad.domain.venue import Candle, OrderBook, Ticker, VenueOrder, VenueOrderStatus
from lyrad.exchanges.fields import Reader, exact_decimal, float_to_decimal


class PrecisionMode(Enum):
    TICK_SIZE = "tick_size"  # precision is the step itself ("0.01")
    DECIMAL_PLACES = "decimal_places"  # precision is a count of decimals ("2")


_SIDES = {"buy": Side.BUY, "sell": Side.SELL}
_TYPES = {"limit": OrderType.LIMIT, "market": OrderType.MARKET, "limit_maker": OrderType.LIMIT}
_STATUSES = {
    "open": VenueOrderStatus.OPEN,
    "canceling": VenueOrderStatus.OPEN,  # still live until the cancel completes
    "canceled": VenueOrderStatus.CANCELLED,
    "cancelled": VenueOrderStatus.CANCELLED,
    "expired": VenueOrderStatus.EXPIRED,
    "rejected": VenueOrderStatus.REJECTED,
}
_BALANCE_KEYS = frozenset({"info", "free", "used", "total", "timestamp", "datetime", "debt"})


class UnsupportedOrderType(BadVenueResponse):
    """An order of a type lyrad does not trade (a stop placed by hand, say)."""


def _step(reader: Reader, key: str, mode: PrecisionMode) -> Decimal:
    value = reader.decimal(key, positive=mode is PrecisionMode.TICK_SIZE)
    if mode is PrecisionMode.TICK_SIZE:
        return value
    if value != value.to_integral_value():
        raise reader.fail(key, f"expected a count of decimals, got {value}")
    return Decimal(1).scaleb(-int(value))


def _limit(reader: Reader, key: str) -> tuple[Decimal, Decimal | None]:
    """(min, max) of one limit; absent or zero bounds mean none."""
    if not reader.has(key):
        return ZERO, None
    bounds = reader.sub(key)
    low = bounds.optional_decimal("min") or ZERO
    high = bounds.optional_decimal("max")
    return low, high if high else None


def parse_market(venue: str, raw: object, mode: PrecisionMode) -> Market:
    head = Reader(venue, "market", raw)
    reader = Reader(venue, f"market {head.optional_text('symbol') or '?'}", raw)
    precision = reader.sub("precision")
    limits = reader.sub("limits")
    min_amount, max_amount = _limit(limits, "amount")
    min_price, max_price = _limit(limits, "price")
    min_cost, max_cost = _limit(limits, "cost")
    return Market(
        venue=venue,
        symbol=reader.text("symbol"),
        venue_symbol=reader.text("id"),
        base=reader.text("base"),
        quote=reader.text("quote"),
        price_tick=_step(precision, "price", mode),
        amount_step=_step(precision, "amount", mode),
        min_amount=min_amount,
        max_amount=max_amount,
        min_price=min_price,
        max_price=max_price,
        min_cost=min_cost,
        max_cost=max_cost,
        active=reader.data.get("active") is not False,
    )


@dataclass(frozen=True, slots=True)
class FillContext:
    """What an order answer knows about the fills it carries, which the fills may omit."""

    venue_order_id: str
    client_order_id: str
    symbol: str
    side: Side
    timestamp_ms: int
    is_maker: bool | None  # fills returned by a new order were taken at placement: False


def parse_fill(venue: str, raw: object, context: FillContext) -> Fill:
    reader = Reader(venue, "trade", raw)
    price = reader.decimal("price", positive=True)
    amount = reader.decimal("amount", positive=True)
    cost = reader.optional_decimal("cost")
    fee = reader.sub("fee")
    side = _SIDES.get(str(reader.data.get("side"))) if reader.has("side") else context.side
    if side is None:
        raise reader.fail("side", f"unknown side {reader.data.get('side')!r}")
    return Fill(
        venue=venue,
        trade_id=reader.text("id"),
        client_order_id=context.client_order_id,
        venue_order_id=reader.optional_text("order") or context.venue_order_id,
        symbol=reader.optional_text("symbol") or context.symbol,
        side=side,
        price=price,
        amount=amount,
        cost=cost if cost is not None else price * amount,
        fee=fee.decimal("cost"),
        fee_currency=fee.text("currency"),
        is_maker=_is_maker(reader, context),
        timestamp_ms=reader.optional_integer("timestamp") or context.timestamp_ms,
    )


def _is_maker(reader: Reader, context: FillContext) -> bool:
    role = reader.data.get("takerOrMaker")
    if role in ("maker", "taker"):
        return role == "maker"
    if role is None and context.is_maker is not None:
        return context.is_maker
    raise reader.fail("takerOrMaker", f"expected maker or taker, got {role!r}")


def parse_trade(venue: str, raw: object) -> Fill:
    """A trade from the account's trade list (which names no client order id: '')."""
    reader = Reader(venue, "trade", raw)
    side = _SIDES.get(str(reader.data.get("side")))
    if side is None:
        raise reader.fail("side", f"unknown side {reader.data.get('side')!r}")
    context = FillContext(
        venue_order_id=reader.text("order"),
        client_order_id="",
        symbol=reader.text("symbol"),
        side=side,
        timestamp_ms=reader.integer("timestamp"),
        is_maker=None,
    )
    return parse_fill(venue, raw, context)


def parse_order(
    venue: str,
    raw: object,
    *,
    original_client_id_key: str | None = None,
    fills_are_taker: bool = False,
) -> VenueOrder:
    reader = Reader(venue, "order", raw)
    order_type = _TYPES.get(str(reader.data.get("type")))
    if order_type is None:
        raise UnsupportedOrderType(venue, f"order: type: {reader.data.get('type')!r}")
    side = _SIDES.get(str(reader.data.get("side")))
    if side is None:
        raise reader.fail("side", f"unknown side {reader.data.get('side')!r}")
    amount = reader.decimal("amount", positive=True)
    filled = reader.decimal("filled")
    if filled > amount:
        raise reader.fail("filled", f"{filled} is more than the amount {amount}")
    cost = reader.optional_decimal("cost")
    if cost is None and filled > ZERO:
        raise reader.fail("cost", "missing on a filled order")
    venue_order_id = reader.text("id")
    client_order_id = _client_order_id(reader, original_client_id_key)
    timestamp = reader.optional_integer("timestamp") or 0
    fills = _fills(
        venue,
        reader,
        FillContext(
            venue_order_id=venue_order_id,
            client_order_id=client_order_id or "",
            symbol=reader.text("symbol"),
            side=side,
            timestamp_ms=timestamp,
            is_maker=False if fills_are_taker else None,
        ),
    )
    return VenueOrder(
        venue=venue,
        symbol=reader.text("symbol"),
        client_order_id=client_order_id,
        venue_order_id=venue_order_id,
        side=side,
        type=order_type,
        status=_status(reader, filled, amount),
        amount=amount,
        filled=filled,
        price=reader.decimal("price", positive=True) if order_type is OrderType.LIMIT else None,
        cost=cost or ZERO,
        timestamp_ms=timestamp,
        fills=fills,
    )


def _client_order_id(reader: Reader, original_key: str | None) -> str | None:
    info = reader.data.get("info")
    if original_key is not None and isinstance(info, Mapping):
        original = info.get(original_key)
        if isinstance(original, str) and original:
            return original
    return reader.optional_text("clientOrderId")


def _status(reader: Reader, filled: Decimal, amount: Decimal) -> VenueOrderStatus:
    raw = reader.data.get("status")
    if raw == "closed":
        # A closed order that is not fully filled will never fill more.
        return VenueOrderStatus.FILLED if filled == amount else VenueOrderStatus.EXPIRED
    status = _STATUSES.get(str(raw))
    if status is None:
        raise reader.fail("status", f"unknown status {raw!r}")
    return status


def _fills(venue: str, reader: Reader, context: FillContext) -> tuple[Fill, ...]:
    trades = reader.data.get("trades")
    if trades is None:
        return ()
    if not isinstance(trades, Sequence) or isinstance(trades, str):
        raise reader.fail("trades", "expected a list")
    return tuple(parse_fill(venue, trade, context) for trade in trades)


def parse_balances(venue: str, raw: object, *, list_key: str | None = None) -> list[Balance]:
    """Every asset with a non-zero total; `list_key` names the raw answer's list of assets."""
    reader = Reader(venue, "balance", raw)
    if list_key is not None:
        entries = reader.sub("info").data.get(list_key)
        if not isinstance(entries, list) or not all(isinstance(e, Mapping) for e in entries):
            raise reader.fail(f"info.{list_key}", "expected a list of assets")
    free = reader.sub("free")
    used = reader.sub("used")
    balances = []
    for asset in sorted(set(free.data) | set(used.data)):
        if asset in _BALANCE_KEYS:
            continue
        amount_free = free.decimal(asset) if free.has(asset) else ZERO
        amount_used = used.decimal(asset) if used.has(asset) else ZERO
        if amount_free or amount_used:
            balances.append(Balance(venue, asset, amount_free, amount_used))
    return balances


def parse_ticker(venue: str, symbol: str, raw: object, received_ms: int) -> Ticker:
    reader = Reader(venue, f"ticker {symbol}", raw)
    ticker = Ticker(
        venue=venue,
        symbol=symbol,
        bid=reader.optional_decimal("bid", positive=True),
        ask=reader.optional_decimal("ask", positive=True),
        last=reader.optional_decimal("last", positive=True),
        timestamp_ms=reader.optional_integer("timestamp") or received_ms,
    )
    if ticker.bid is None and ticker.ask is None and ticker.last is None:
        raise reader.fail("bid/ask/last", "no price at all")
    return ticker


def parse_order_book(venue: str, market: Market, raw: object, received_ms: int) -> OrderBook:
    """ccxt hands books over as floats whatever its number mode: snapped back to tick and step."""
    reader = Reader(venue, f"order book {market.symbol}", raw)
    bids = _levels(reader, "bids", market, descending=True)
    asks = _levels(reader, "asks", market, descending=False)
    return OrderBook(
        venue=venue,
        symbol=market.symbol,
        bids=bids,
        asks=asks,
        timestamp_ms=reader.optional_integer("timestamp") or received_ms,
    )


def _levels(
    reader: Reader, key: str, market: Market, *, descending: bool
) -> tuple[tuple[Decimal, Decimal], ...]:
    raw = reader.data.get(key)
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        raise reader.fail(key, "expected a list of levels")
    levels = []
    for level in raw:
        if not isinstance(level, Sequence) or isinstance(level, str) or len(level) < 2:
            raise reader.fail(key, f"bad level {level!r}")
        price = float_to_decimal(level[0], market.price_tick)
        amount = float_to_decimal(level[1], market.amount_step)
        if price is None or amount is None or price <= ZERO or amount <= ZERO:
            raise reader.fail(key, f"bad level {level!r}")
        levels.append((price, amount))
    prices = [price for price, _ in levels]
    if prices != sorted(set(prices), reverse=descending):
        raise reader.fail(key, "levels are not strictly ordered")
    return tuple(levels)


def parse_candles(venue: str, symbol: str, raw: object) -> list[Candle]:
    """ccxt's OHLCV rows ([time, open, high, low, close, volume], numbers as text), oldest first."""
    what = f"candles {symbol}"
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        raise BadVenueResponse(venue, f"{what}: expected a list")
    candles = [_candle(venue, what, row) for row in raw]
    opens = [c.open_time_ms for c in candles]
    if opens != sorted(set(opens)):
        raise BadVenueResponse(venue, f"{what}: open times are not strictly ascending")
    return candles


def _candle(venue: str, what: str, row: object) -> Candle:
    if not isinstance(row, Sequence) or isinstance(row, str) or len(row) < 6:
        raise BadVenueResponse(venue, f"{what}: bad row {str(row)[:40]}")
    open_time = exact_decimal(row[0])
    if open_time is None or open_time <= ZERO or open_time != open_time.to_integral_value():
        raise BadVenueResponse(venue, f"{what}: bad open time {row[0]!r}")
    prices = [exact_decimal(value) for value in row[1:5]]
    volume = exact_decimal(row[5])
    at = f"{what} at {int(open_time)}"
    if any(p is None or p <= ZERO for p in prices) or volume is None or volume < ZERO:
        raise BadVenueResponse(venue, f"{at}: not exact positive numbers: {list(row[1:6])!r}")
    open_, high, low, close = (p for p in prices if p is not None)
    if low > min(open_, close) or high < max(open_, close):
        raise BadVenueResponse(venue, f"{at}: high {high} and low {low} do not bound the bar")
    return Candle(int(open_time), open_, high, low, close, volume)


def index_markets(venue: str, raw: Mapping[str, object], mode: PrecisionMode) -> dict[str, Market]:
    """Spot markets by unified symbol."""
    markets: dict[str, Market] = {}
    for symbol, market in raw.items():
        if isinstance(market, Mapping) and market.get("spot") is False:
            continue
        parsed = parse_market(venue, market, mode)
        markets[symbol] = parsed
    return markets
