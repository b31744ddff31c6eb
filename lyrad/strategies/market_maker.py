"""Reference strategy: an inventory-aware market maker quoting both sides of one symbol."""

from __future__ import annotations

import asyncio
import itertools
import math
import statistics
from collections import deque
from dataclasses import dataclass
from decimal import Decimal

import structlog

from lyrad.config.sections import MarketMakerConfig
from lyrad.domain.errors import VenueError
from lyrad.domain.orders import Order
from lyrad.domain.values import ZERO, Market, OrderIntent, OrderType, Side
from lyrad.runtime.component import ReadyCallback
from lyrad.strategies.base import MarketView, OrderGateway, PortfolioView
from lyrad.trading.sizing import volatility_target

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
    max_inventory: Decimal | None = None,
) -> list[Quote]:
    """Bid and ask around `mid`, both shifted down when long and up when short."""
    limit = config.max_inventory if max_inventory is None else max_inventory
    if limit <= ZERO:
        return []
    ratio = max(Decimal(-1), min(Decimal(1), inventory / limit))
    shift = -ratio * config.inventory_skew_bps * BPS
    half = config.half_spread_bps * BPS
    amount = market.round_amount(config.quote_size / mid)
    if amount <= ZERO or amount < market.min_amount:
        return []
    quotes = []
    bid = market.round_price(mid * (1 - half + shift), Side.BUY)
    if inventory < limit and bid * amount <= quote_free:
        quotes.append(Quote(Side.BUY, bid, amount))
    ask = market.round_price(mid * (1 + half + shift), Side.SELL)
    if inventory > -limit and amount <= base_free:
        quotes.append(Quote(Side.SELL, ask, amount))
    return [q for q in quotes if q.price * q.amount >= market.min_cost]


class VolatilityEstimate:
    """Annualized volatility of the mid from the strategy's own samples (one per requote)."""

    def __init__(self, interval_s: float, window: int = 120) -> None:
        self._mids: deque[float] = deque(maxlen=window + 1)
        self._per_year = 365 * 24 * 3600 / interval_s

    def add(self, mid: Decimal) -> None:
        self._mids.append(float(mid))  # statistics, not money

    def annualized(self) -> float | None:
        if len(self._mids) < 10:
            return None
        returns = [math.log(b / a) for a, b in itertools.pairwise(self._mids) if a > 0]
        return statistics.pstdev(returns) * math.sqrt(self._per_year) if len(returns) > 1 else None


def inventory_limit(
    config: MarketMakerConfig,
    market: Market,
    mid: Decimal,
    equity: Decimal,
    volatility: float | None,
) -> Decimal:
    """The configured limit, tightened by volatility targeting when a target is set."""
    if config.target_volatility is None or volatility is None:
        return config.max_inventory
    sized = volatility_target(
        equity,
        mid,
        target_volatility=config.target_volatility,
        volatility=volatility,
        step=market.amount_step,
    )
    return min(config.max_inventory, sized)


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
        self._volatility = VolatilityEstimate(config.requote_interval.total_seconds())

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
        self._volatility.add(mid)
        base = self._portfolio.balance(config.venue, market.base)
        quote = self._portfolio.balance(config.venue, market.quote)
        position = self._portfolio.position(config.venue, config.symbol)
        equity = (quote.total if quote else ZERO) + (base.total if base else ZERO) * mid
        limit = inventory_limit(config, market, mid, equity, self._volatility.annualized())
        wanted = desired_quotes(
            config,
            market,
            mid,
            position.quantity,
            base.free if base else ZERO,
            quote.free if quote else ZERO,
            limit,
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
