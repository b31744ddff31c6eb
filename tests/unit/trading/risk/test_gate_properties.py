"""Properties of the RiskGate for random limits, portfolios and intents.

An independent oracle, written from the documented check order, says which limit each intent
breaks first (or none). The gate must approve exactly what the oracle finds within every limit,
and each rejection must name the first limit broken. Junk input never raises.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from hypothesis import given
from hypothesis import strategies as st

from lyrad.domain.values import Market, OrderIntent, OrderType, Side
from lyrad.trading.decision import Approved, Rejected, RejectReason
from lyrad.trading.risk.config import QuoteLimits, RiskLimits, SymbolLimits
from lyrad.trading.risk.gate import RiskGate
from lyrad.trading.risk.rates import OrderRateTracker
from lyrad.trading.risk.view import CapitalCap
from lyrad.trading.state import TradingState, TradingStateHolder
from tests.unit.trading.risk.fakes import D, FakeClock, FakeView, FixedCap, market

R = RejectReason
SYMBOLS = ("BTC/USDT", "ETH/USDT", "ETH/BTC")
JUNK = [D("0"), D("-1"), D("-0"), D("NaN"), D("sNaN"), D("Infinity"), D("-Infinity"), D("1E+60")]


def decimals(unit: str, low: int, high: int) -> st.SearchStrategy[Decimal]:
    return st.integers(low, high).map(lambda n: n * D(unit))


def maybe(strategy: st.SearchStrategy[Decimal]) -> st.SearchStrategy[Decimal | None]:
    """Off (None) more often than on, so that every limit is sometimes the one that binds."""
    return st.one_of(st.none(), st.none(), strategy)


def maybe_int(low: int, high: int) -> st.SearchStrategy[int | None]:
    return st.one_of(st.none(), st.none(), st.integers(low, high))


@st.composite
def quote_limits(draw: st.DrawFn, scale: Decimal) -> QuoteLimits:
    minimum = draw(st.sampled_from([0, 0, 1, 5, 20])) * scale
    above_min = decimals("1", max(int(minimum / scale), 1), 3000).map(lambda v: v * scale)
    return QuoteLimits(
        min_order_notional=minimum,
        max_order_notional=draw(maybe(above_min)),
        max_gross_exposure=draw(maybe(above_min)),
        max_net_exposure=draw(maybe(above_min)),
    )


@st.composite
def limits(draw: st.DrawFn) -> RiskLimits:
    quotes = {
        quote: draw(quote_limits(scale))
        for quote, scale in (("USDT", D(1)), ("BTC", D("0.001")))
        if draw(st.integers(0, 3))
    }
    symbols = {}
    for symbol in SYMBOLS:
        if draw(st.booleans()):
            quote = symbol.split("/")[1]
            floor = quotes[quote].min_order_notional if quote in quotes else D(0)
            notional = decimals("1", 1, 3000).map(floor.__add__)
            symbols[symbol] = SymbolLimits(
                max_order_quantity=draw(maybe(decimals("0.1", 1, 40))),
                max_position_quantity=draw(maybe(decimals("0.1", 1, 60))),
                max_position_notional=draw(maybe(notional)),
            )
    return RiskLimits(
        price_band_pct=draw(maybe(decimals("0.5", 1, 40))),
        max_orders_per_second=draw(maybe_int(1, 4)),
        max_daily_trades=draw(maybe_int(1, 8)),
        max_open_orders_per_symbol=draw(maybe_int(1, 4)),
        max_concentration_pct=draw(maybe(decimals("1", 1, 100))),
        max_leverage=draw(maybe(decimals("0.25", 1, 12))),
        check_balance=draw(st.booleans()),
        quotes=quotes,
        symbols=symbols,
    )


@dataclass
class World:
    view: FakeView
    limits: RiskLimits
    cap: CapitalCap | None
    state: TradingState
    recent: int  # orders recorded in the last second
    today: int  # orders sent today, recent ones included


SPECS = {"BTC/USDT": ("0.01", "0.001"), "ETH/USDT": ("0.01", "0.01"), "ETH/BTC": ("0.0001", "0.01")}


@st.composite
def worlds(draw: st.DrawFn) -> World:
    view = FakeView()
    for symbol, (tick, step) in SPECS.items():
        m = market(symbol, tick=tick, step=step, min_cost=str(draw(st.sampled_from([0, 0, 1]))))
        scale = D("0.001") if symbol == "ETH/BTC" else D(1)
        mark = draw(st.one_of(st.none(), decimals("0.5", 1, 400), decimals("0.5", 1, 400)))
        view.add_market(m, None if mark is None else str(mark * scale))
        if draw(st.booleans()):
            quantity = draw(decimals(step, -3000, 3000))
            cost = draw(st.just(D(0)) | decimals("0.5", 0, 400)) * scale
            view.hold(symbol, str(quantity), str(cost))
        view.open_orders[("sim", symbol)] = draw(st.integers(0, 4))
    for asset in ("USDT", "BTC", "ETH"):
        if draw(st.integers(0, 3)):
            view.fund(asset, str(draw(decimals("0.5", 0, 40000))))
    if draw(st.integers(0, 4)):
        view.equities["USDT"] = draw(decimals("10", -5, 1000))
    cap = draw(st.none() | st.none() | decimals("10", 1, 400).map(lambda a: CapitalCap("USDT", a)))
    recent = draw(st.sampled_from([0, 0, 0, 1, 2, 5]))
    states = [TradingState.ACTIVE] * 8 + [TradingState.REDUCING] * 2 + [TradingState.HALTED]
    return World(
        view=view,
        limits=draw(limits()),
        cap=cap,
        state=draw(st.sampled_from(states)),
        recent=recent,
        today=recent + draw(st.sampled_from([0, 0, 1, 3, 8])),
    )


@st.composite
def intents(draw: st.DrawFn, w: World) -> OrderIntent:
    symbol = draw(st.sampled_from([*SYMBOLS, *SYMBOLS, *SYMBOLS, "DOGE/USDT"]))
    tick, step = (D(x) for x in SPECS.get(symbol, ("0.01", "0.001")))
    roll = draw(st.integers(0, 19))
    if roll == 0:
        amount = draw(st.sampled_from(JUNK))
    elif roll == 1:
        amount = draw(decimals("0.0001", 1, 100))  # often off the step
    else:
        amount = draw(decimals(str(step), 1, draw(st.sampled_from([10, 300, 3000]))))
    mark = w.view.marks.get(("sim", symbol)) or D(100) * (tick / D("0.01"))
    roll = draw(st.integers(0, 19))
    if roll == 0:
        price = draw(st.none() | st.sampled_from(JUNK))
    elif roll == 1:
        price = draw(decimals("0.001", 1, 50_000))  # often off the tick
    else:
        price = (mark * (1 + D(draw(st.integers(-300, 300))) / 1000)).quantize(tick)
    return OrderIntent(
        intent_id="p",
        venue="sim",
        symbol=symbol,
        side=draw(st.sampled_from(list(Side))),
        type=draw(st.sampled_from([OrderType.LIMIT, OrderType.LIMIT, OrderType.MARKET])),
        amount=amount,
        price=price,
        reduce_only=draw(st.integers(0, 9)) == 0,
    )


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[World, OrderIntent]:
    w = draw(worlds())
    return w, draw(intents(w))


# --- the oracle ------------------------------------------------------------------------------


def on_grid(value: Decimal, step: Decimal) -> bool:
    try:
        ratio = value / step
        return ratio == ratio.to_integral_value()
    except InvalidOperation:
        return False


def good(value: Decimal | None, step: Decimal) -> bool:
    """Finite, positive and within what the step arithmetic can express."""
    if value is None or not value.is_finite() or value <= 0:
        return False
    return value.adjusted() - step.adjusted() < 27


def shape_breach(i: OrderIntent, m: Market) -> RejectReason | None:
    if not good(i.amount, m.amount_step):
        return R.INVALID_AMOUNT
    if not on_grid(i.amount, m.amount_step):
        return R.AMOUNT_OFF_STEP
    if i.amount < m.min_amount:
        return R.MIN_AMOUNT
    if i.type is OrderType.MARKET:
        return None
    if i.price is None or not good(i.price, m.price_tick):
        return R.INVALID_PRICE
    if not on_grid(i.price, m.price_tick):
        return R.PRICE_OFF_TICK
    if i.price * i.amount < m.min_cost:
        return R.MIN_NOTIONAL
    return None


def signed(i: OrderIntent) -> Decimal:
    return i.amount if i.side is Side.BUY else -i.amount


@dataclass
class Book:
    """Exposure of one quote currency in USDT, with the traded symbol at `mark`."""

    gross: Decimal
    net: Decimal


def book(w: World, i: OrderIntent, mark: Decimal, traded_quantity: Decimal) -> Book | None:
    """Gross and net in the intent's quote, or None when a position there has no price."""
    quote = i.symbol.split("/")[1]
    gross = net = D(0)
    positions = {key: p.quantity for key, p in w.view.held.items()}
    positions[("sim", i.symbol)] = traded_quantity
    for (venue, symbol), quantity in positions.items():
        if not symbol.endswith("/" + quote) or quantity == 0:
            continue
        price = mark if symbol == i.symbol else w.view.marks.get((venue, symbol))
        price = price or w.view.held[(venue, symbol)].average_cost
        if not price:
            return None
        gross += abs(quantity) * price
        net += quantity * price
    return Book(gross, abs(net))


def first_of(checks: list[tuple[RejectReason, bool]]) -> RejectReason | None:
    return next((reason for reason, broken in checks if broken), None)


def over(value: Decimal, limit: Decimal | None) -> bool:
    return limit is not None and value > limit


def order_breach(w: World, i: OrderIntent, m: Market, price: Decimal) -> RejectReason | None:
    lim = w.limits
    ref = w.view.marks.get(("sim", i.symbol))
    quote = lim.quotes.get(m.quote, QuoteLimits())
    notional = price * i.amount
    banded = i.type is OrderType.LIMIT and ref is not None
    return first_of(
        [
            (R.PRICE_BAND, banded and over(abs(price / (ref or 1) - 1) * 100, lim.price_band_pct)),
            (R.NO_QUOTE_LIMITS, bool(lim.quotes) and m.quote not in lim.quotes),
            (R.MAX_ORDER_QUANTITY, over(i.amount, per_symbol(w, i).max_order_quantity)),
            (R.MAX_ORDER_NOTIONAL, over(notional, quote.max_order_notional)),
            (
                R.MIN_NOTIONAL,
                notional < quote.min_order_notional
                or (i.type is OrderType.MARKET and notional < m.min_cost),
            ),
            (R.ORDER_RATE, over(D(w.recent + 1), as_decimal(lim.max_orders_per_second))),
            (R.DAILY_TRADES, over(D(w.today + 1), as_decimal(lim.max_daily_trades))),
            (
                R.OPEN_ORDERS,
                over(
                    D(w.view.open_orders[("sim", i.symbol)] + 1),
                    as_decimal(lim.max_open_orders_per_symbol),
                ),
            ),
        ]
    )


def per_symbol(w: World, i: OrderIntent) -> SymbolLimits:
    return w.limits.symbols.get(i.symbol, SymbolLimits())


def as_decimal(value: int | None) -> Decimal | None:
    return None if value is None else D(value)


def exposure_breach(w: World, i: OrderIntent, m: Market, mark: Decimal) -> RejectReason | None:
    quote = w.limits.quotes.get(m.quote, QuoteLimits())
    held = w.view.position("sim", i.symbol).quantity
    after = held + signed(i)
    grows = abs(after) > abs(held)
    before_book = book(w, i, mark, held)
    after_book = book(w, i, mark, after)
    books = None if before_book is None or after_book is None else (before_book, after_book)

    def book_breach(limit: Decimal | None, measure: str) -> bool:
        if limit is None:
            return False
        if before_book is None or after_book is None:
            return True
        now, then = getattr(before_book, measure), getattr(after_book, measure)
        return bool(then > limit and then > now)

    limits = per_symbol(w, i)
    return first_of(
        [
            (R.POSITION_QUANTITY, grows and over(abs(after), limits.max_position_quantity)),
            (R.POSITION_NOTIONAL, grows and over(abs(after) * mark, limits.max_position_notional)),
            (R.GROSS_EXPOSURE, book_breach(quote.max_gross_exposure, "gross")),
            (R.NET_EXPOSURE, book_breach(quote.max_net_exposure, "net")),
        ]
    ) or wallet_breach(w, i, m, mark, books)


def wallet_breach(
    w: World, i: OrderIntent, m: Market, mark: Decimal, books: tuple[Book, Book] | None
) -> RejectReason | None:
    lim = w.limits
    equity = w.view.equities.get(m.quote)
    equity = equity if equity is not None and equity > 0 else None
    held = sum((b.total for b in w.view.holdings(m.base)), D(0))
    share = None if equity is None else (held + i.amount) * mark / equity * 100
    gross_grows = books is None or books[1].gross > books[0].gross
    leverage = None if books is None or equity is None else books[1].gross / equity
    cap = w.cap
    price = mark if i.type is OrderType.MARKET else (i.price or mark)
    asset, needed = (m.quote, price * i.amount) if i.side is Side.BUY else (m.base, i.amount)
    balance = w.view.wallet.get(("sim", asset))
    return first_of(
        [
            (
                R.CONCENTRATION,
                lim.max_concentration_pct is not None
                and i.side is Side.BUY
                and (share is None or share > lim.max_concentration_pct),
            ),
            (
                R.LEVERAGE,
                lim.max_leverage is not None
                and gross_grows
                and (leverage is None or leverage > lim.max_leverage),
            ),
            (
                R.CAPITAL_CAP,
                cap is not None
                and gross_grows
                and (books is None or m.quote != cap.currency or books[1].gross > cap.amount),
            ),
            (
                R.INSUFFICIENT_BALANCE,
                lim.check_balance and needed > (balance.free if balance else 0),
            ),
        ]
    )


def first_breach(w: World, i: OrderIntent) -> RejectReason | None:
    if w.state is TradingState.HALTED:
        return R.HALTED
    m = w.view.markets.get(("sim", i.symbol))
    if m is None:
        return R.UNKNOWN_SYMBOL
    if (shape := shape_breach(i, m)) is not None:
        return shape
    if w.state is TradingState.REDUCING or i.reduce_only:
        held = w.view.position("sim", i.symbol).quantity
        if not (held * signed(i) < 0 and i.amount <= abs(held)):
            return R.REDUCE_ONLY
    ref = w.view.marks.get(("sim", i.symbol))
    if i.type is OrderType.MARKET and ref is None:
        return R.NO_REFERENCE_PRICE
    if i.type is OrderType.LIMIT and ref is None and w.limits.price_band_pct is not None:
        return R.NO_REFERENCE_PRICE
    price = i.price if i.type is OrderType.LIMIT else ref
    assert price is not None
    mark = ref if ref is not None else price
    return order_breach(w, i, m, price) or exposure_breach(w, i, m, mark)


def gate_for(w: World) -> RiskGate:
    clock = FakeClock()
    rates = OrderRateTracker(clock)
    rates.seed(w.today - w.recent)
    for _ in range(w.recent):
        rates.record()
    trading = TradingStateHolder(w.state, "test")
    return RiskGate(
        limits=w.limits, view=w.view, trading=trading, rates=rates, caps=FixedCap(w.cap)
    )


@given(scenarios())
def test_approved_exactly_within_every_limit_and_rejections_name_the_first_broken(
    scenario: tuple[World, OrderIntent],
) -> None:
    w, i = scenario
    decision = gate_for(w).check(i)
    expected = first_breach(w, i)
    if expected is None:
        assert decision == Approved()
    else:
        assert isinstance(decision, Rejected), (expected, decision)
        assert decision.reason is expected, decision
        assert decision.detail


def junk_view() -> FakeView:
    view = FakeView()
    view.add_market(market("BTC/USDT"), mark="100")
    view.add_market(market("ANY/USDT", tick="0", step="0"), mark="3")  # a venue without steps
    view.hold("BTC/USDT", "2", "90")
    view.fund("USDT", "1000")
    view.fund("BTC", "1")
    view.equities["USDT"] = D(1200)
    return view


@given(
    limits(),
    st.sampled_from(list(TradingState)),
    st.sampled_from(["BTC/USDT", "ANY/USDT", "NOPE/USDT", ""]),
    st.sampled_from(list(OrderType)),
    st.sampled_from(list(Side)),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.none() | st.decimals(allow_nan=True, allow_infinity=True),
)
def test_junk_is_refused_with_a_reason_never_an_exception(
    risk_limits: RiskLimits,
    state: TradingState,
    symbol: str,
    kind: OrderType,
    side: Side,
    amount: Decimal,
    price: Decimal | None,
) -> None:
    w = World(junk_view(), risk_limits, CapitalCap("USDT", D(500)), state, 0, 0)
    i = OrderIntent("j", "sim", symbol, side, kind, amount, price)
    decision = gate_for(w).check(i)
    if not amount.is_finite() or amount <= 0:
        assert isinstance(decision, Rejected)
        assert decision.reason in (R.HALTED, R.UNKNOWN_SYMBOL, R.INVALID_AMOUNT)
    else:
        assert decision == Approved() or isinstance(decision, Rejected)
