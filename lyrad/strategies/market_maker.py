"""Reference strategy: an inventory-aware market maker quoting both sides of one symbol."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from decimal import Decimal

import structlog

from lyrad.config.sections import MarketMakerConfig
from lyrad.domain.errors import VenueError
from lyrad.domain.orders import Order
from lyrad.domain.values import ZERO, Market, OrderIntent, OrderType, Side
from lyrad.runtime.component import ReadyCallback
from lyrad.strategies.base import MarketView, OrderGateway, PortfolioView

log = structlog.get_logger("lyrad.strategy", component="strategy")

BPS = Decimal("0.0001")


@dataclass(frozen=True, slots=True)
class Quote:
    side: Side
    price: Decimal
    amount: Decimal


def desired_quotes(
    config: MarketMakerConfig,
    market: Market,
    mid: Decimal,
    inventory: Decimal,
    base_free: Decimal,
    quote_free: Decimal,
) -> list[Quote]:
    """Bid and ask around `mid`, both shifted down when long and up when short."""
    ratio = max(Decimal(-1), min(Decimal(1), inventory / config.max_inventory))
    shift = -ratio * config.inventory_skew_bps * BPS
    half = config.half_spread_bps * BPS
    amount = market.round_amount(config.quote_size / mid)
    if amount <= ZERO or amount < market.min_amount:
        return []
    quotes = []
    bid = market.round_price(mid * (1 - half + shift), Side.BUY)
    if inventory < config.max_inventory and bid * amount <= quote_free:
        quotes.append(Quote(Side.BUY, bid, amount))
    ask = market.round_price(mid * (1 + half + shift), Side.SELL)
    if inventory > -config.max_inventory and amount <= base_free:
        quotes.append(Quote(Side.SELL, ask, amount))
    return [q for q in quotes if q.price * q.amount >= market.min_cost]


def is_close(order: Order, quote: Quote, tolerance_bps: Decimal) -> bool:
    if order.price is None or order.remaining != quote.amount:
        return False
    return abs(order.price - quote.price) <= quote.price * tolerance_bps * BPS


class MarketMaker:
    """Component: every `requote_interval`, keeps one bid and one ask near where they belong."""

    def __init__(
        self,
        name: str,
        config: MarketMakerConfig,
        gateway: OrderGateway,
        market_view: MarketView,
        portfolio: PortfolioView,
    ) -> None:
        self._name = name
        self._config = config
        self._gateway = gateway
        self._market_view = market_view
        self._portfolio = portfolio

    async def run(self, ready: ReadyCallback) -> None:
        ready()
        interval = self._config.requote_interval.total_seconds()
        while True:
            try:
                await self.requote()
            except* VenueError as group:
                # The venue misbehaving is the breakers' business; we try again next round.
                for error in group.exceptions:
                    log.warning("requote_failed", strategy=self._name, error=str(error))
            await asyncio.sleep(interval)

    async def requote(self) -> None:
        config = self._config
        market = self._market_view.market(config.venue, config.symbol)
        ticker = await self._market_view.ticker(config.venue, config.symbol)
        if ticker.bid is None or ticker.ask is None or ticker.bid <= ZERO:
            return
        mid = (ticker.bid + ticker.ask) / 2
        base = self._portfolio.balance(config.venue, market.base)
        quote = self._portfolio.balance(config.venue, market.quote)
        position = self._portfolio.position(config.venue, config.symbol)
        wanted = desired_quotes(
            config,
            market,
            mid,
            position.quantity,
            base.free if base else ZERO,
            quote.free if quote else ZERO,
        )
        live = self._gateway.live_orders(config.venue, config.symbol)
        tolerance = config.requote_tolerance_bps
        stale = [
            o
            for o in live
            if not any(o.side is q.side and is_close(o, q, tolerance) for q in wanted)
        ]
        missing = [
            q
            for q in wanted
            if not any(o.side is q.side and is_close(o, q, tolerance) for o in live)
        ]
        # Both sides at once, as a market maker must: one slow answer does not freeze the other.
        async with asyncio.TaskGroup() as tg:
            for order in stale:
                tg.create_task(self._gateway.cancel(order.client_order_id))
        async with asyncio.TaskGroup() as tg:
            for q in missing:
                tg.create_task(self._gateway.submit(self._intent(q)))

    def _intent(self, quote: Quote) -> OrderIntent:
        return OrderIntent(
            intent_id=self._gateway.new_intent_id(self._name),
            venue=self._config.venue,
            symbol=self._config.symbol,
            side=quote.side,
            type=OrderType.LIMIT,
            amount=quote.amount,
            price=quote.price,
            source=self._name,
        )
