from __future__ import annotations

from decimal import Decimal

from lyrad.config.sections import MarketMakerConfig
from lyrad.domain.orders import Order, OrderState
from lyrad.domain.values import Balance, Market, OrderIntent, OrderType, Position, Side, TimeInForce
from lyrad.domain.venue import Ticker
from lyrad.strategies.base import SubmitResult
from lyrad.strategies.market_maker import (
    MarketMaker,
    VolatilityEstimate,
    desired_quotes,
    inventory_limit,
)

D = Decimal
MARKET = Market(
    venue="sim",
    symbol="BTC/USDT",
    venue_symbol="BTCUSDT",
    base="BTC",
    quote="USDT",
    price_tick=D("0.01"),
    amount_step=D("0.00001"),
    min_amount=D("0.00001"),
    min_cost=D(5),
)
CONFIG = MarketMakerConfig(quote_size=D(100), half_spread_bps=D(10), max_inventory=D("0.01"))


class FakeGateway:
    def __init__(self) -> None:
        self.live: list[Order] = []
        self.submitted: list[OrderIntent] = []
        self.cancelled: list[str] = []
        self._seq = 0

    def new_intent_id(self, source: str) -> str:
        self._seq += 1
        return f"{source}-{self._seq}"

    async def submit(self, intent: OrderIntent) -> SubmitResult:
        self.submitted.append(intent)
        return SubmitResult(True, intent.intent_id)

    async def cancel(self, client_order_id: str) -> None:
        self.cancelled.append(client_order_id)

    def live_orders(self, venue: str, symbol: str) -> list[Order]:
        return list(self.live)


class FakeMarket:
    def __init__(self, bid: str, ask: str) -> None:
        self.ticker_value = Ticker("sim", "BTC/USDT", D(bid), D(ask), D(bid), 0)

    async def ticker(self, venue: str, symbol: str) -> Ticker:
        return self.ticker_value

    def market(self, venue: str, symbol: str) -> Market:
        return MARKET


class FakePortfolio:
    def __init__(self, inventory: str = "0", base: str = "1", quote: str = "10000") -> None:
        self.inventory = D(inventory)
        self.balances = {"BTC": D(base), "USDT": D(quote)}

    def position(self, venue: str, symbol: str) -> Position:
        return Position(venue, symbol, quantity=self.inventory)

    def balance(self, venue: str, asset: str) -> Balance | None:
        return Balance(venue, asset, self.balances[asset], D(0))


def live_order(side: Side, price: str, amount: str, cid: str) -> Order:
    return Order(
        client_order_id=cid,
        intent_id=cid,
        venue="sim",
        symbol="BTC/USDT",
        side=side,
        type=OrderType.LIMIT,
        amount=D(amount),
        price=D(price),
        time_in_force=TimeInForce.GTC,
        state=OrderState.OPEN,
        created_ms=0,
        updated_ms=0,
    )


def test_flat_inventory_quotes_symmetrically_around_mid() -> None:
    quotes = desired_quotes(CONFIG, MARKET, D(50000), D(0), D(1), D(10000))
    bid, ask = quotes
    assert bid.side is Side.BUY
    assert ask.side is Side.SELL
    assert bid.price == D("49950.00")
    assert ask.price == D("50050.00")
    assert bid.amount == ask.amount == D("0.00200")


def test_long_inventory_shifts_quotes_down_and_stops_buying_at_the_limit() -> None:
    half_long = desired_quotes(CONFIG, MARKET, D(50000), D("0.005"), D(1), D(10000))
    flat = desired_quotes(CONFIG, MARKET, D(50000), D(0), D(1), D(10000))
    assert half_long[0].price < flat[0].price
    assert half_long[1].price < flat[1].price
    at_limit = desired_quotes(CONFIG, MARKET, D(50000), D("0.01"), D(1), D(10000))
    assert [q.side for q in at_limit] == [Side.SELL]


def test_no_sell_without_base_and_no_buy_without_quote() -> None:
    assert [q.side for q in desired_quotes(CONFIG, MARKET, D(50000), D(0), D(0), D(10000))] == [
        Side.BUY
    ]
    assert [q.side for q in desired_quotes(CONFIG, MARKET, D(50000), D(0), D(1), D(1))] == [
        Side.SELL
    ]


async def test_requote_places_both_sides_when_nothing_is_live() -> None:
    gateway = FakeGateway()
    mm = MarketMaker("mm", CONFIG, gateway, FakeMarket("49990", "50010"), FakePortfolio())
    await mm.requote()
    assert [(i.side, i.price) for i in gateway.submitted] == [
        (Side.BUY, D("49950.00")),
        (Side.SELL, D("50050.00")),
    ]
    assert all(i.type is OrderType.LIMIT and i.source == "mm" for i in gateway.submitted)
    assert gateway.cancelled == []


async def test_requote_keeps_quotes_in_place_and_replaces_stale_ones() -> None:
    gateway = FakeGateway()
    gateway.live = [
        live_order(Side.BUY, "49950.00", "0.00200", "keep"),
        live_order(Side.SELL, "50500.00", "0.00200", "stale"),
    ]
    mm = MarketMaker("mm", CONFIG, gateway, FakeMarket("49990", "50010"), FakePortfolio())
    await mm.requote()
    assert gateway.cancelled == ["stale"]
    assert [(i.side, i.price) for i in gateway.submitted] == [(Side.SELL, D("50050.00"))]


async def test_no_ticker_prices_means_no_orders() -> None:
    gateway = FakeGateway()
    market = FakeMarket("1", "1")
    market.ticker_value = Ticker("sim", "BTC/USDT", None, None, None, 0)
    await MarketMaker("mm", CONFIG, gateway, market, FakePortfolio()).requote()
    assert gateway.submitted == []


def test_volatility_targeting_tightens_the_inventory_limit() -> None:
    targeted = MarketMakerConfig(max_inventory=D(1), target_volatility=D("0.5"))
    # equity 60000 USDT, BTC at 50000, realized volatility 100%: hold half of equity.
    limit = inventory_limit(targeted, MARKET, D(50000), D(60000), 1.0)
    assert limit == D("0.60000")
    assert inventory_limit(targeted, MARKET, D(50000), D(60000), None) == D(1)  # no estimate yet
    assert inventory_limit(CONFIG, MARKET, D(50000), D(60000), 1.0) == CONFIG.max_inventory
    calm = inventory_limit(targeted, MARKET, D(50000), D(60000), 0.1)
    assert calm == D(1)  # the configured limit still caps it


def test_volatility_estimate_from_samples() -> None:
    estimate = VolatilityEstimate(interval_s=1.0)
    for _ in range(20):
        estimate.add(D(100))
    assert estimate.annualized() == 0.0
    moving = VolatilityEstimate(interval_s=1.0)
    for i in range(20):
        moving.add(D(100) + D(i % 2))
    value = moving.annualized()
    assert value is not None
    assert value > 0


def test_a_zero_limit_quotes_nothing() -> None:
    assert desired_quotes(CONFIG, MARKET, D(50000), D(0), D(1), D(10000), D(0)) == []
