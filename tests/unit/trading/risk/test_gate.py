"""RiskGate: each check refuses with its reason and a detail naming the limit and the value."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from prometheus_client import CollectorRegistry

from lyrad.domain.values import OrderIntent, OrderType, Side
from lyrad.trading.decision import Approved, Decision, Rejected, RejectReason
from lyrad.trading.risk.board import BreakerBoard
from lyrad.trading.risk.config import BreakersConfig, QuoteLimits, RiskLimits, SymbolLimits
from lyrad.trading.risk.gate import RiskGate
from lyrad.trading.risk.metrics import BreakerMetrics
from lyrad.trading.risk.rates import OrderRateTracker
from lyrad.trading.risk.view import CapitalCap
from lyrad.trading.state import TradingState, TradingStateHolder
from tests.unit.trading.risk.fakes import D, FakeClock, FakeView, FixedCap, market


def intent(
    side: Side = Side.BUY,
    amount: str = "1",
    price: str | None = "100",
    *,
    symbol: str = "BTC/USDT",
    reduce_only: bool = False,
) -> OrderIntent:
    return OrderIntent(
        intent_id="i-1",
        venue="sim",
        symbol=symbol,
        side=side,
        type=OrderType.LIMIT if price is not None else OrderType.MARKET,
        amount=D(amount),
        price=None if price is None else D(price),
        reduce_only=reduce_only,
    )


class Rig:
    def __init__(self, limits: RiskLimits | None = None, cap: CapitalCap | None = None) -> None:
        self.clock = FakeClock()
        self.view = FakeView()
        self.view.add_market(market("BTC/USDT", min_cost="5"), mark="100")
        self.view.add_market(market("ETH/USDT"), mark="10")
        self.view.add_market(market("ETH/BTC", tick="0.0001"), mark="0.1")
        self.view.fund("USDT", "1000000")
        self.view.fund("BTC", "1000")
        self.view.equities["USDT"] = D(10_000)
        self.trading = TradingStateHolder()
        self.rates = OrderRateTracker(self.clock)
        self.gate = RiskGate(
            limits=limits or RiskLimits(),
            view=self.view,
            trading=self.trading,
            rates=self.rates,
            caps=FixedCap(cap),
        )

    def check(self, i: OrderIntent) -> Decision:
        return self.gate.check(i)


def refused(decision: Decision, reason: RejectReason, *words: str) -> None:
    assert isinstance(decision, Rejected), decision
    assert decision.reason is reason, decision
    for word in words:
        assert word in decision.detail, decision.detail


def test_a_plain_order_within_every_limit_is_approved() -> None:
    assert Rig().check(intent()) == Approved()


# --- state, symbol, shape ------------------------------------------------------------------


def test_nothing_passes_while_halted_and_the_detail_is_the_halts_reason() -> None:
    rig = Rig()
    rig.trading.set(TradingState.HALTED, "kill switch: alice")
    refused(rig.check(intent()), RejectReason.HALTED, "kill switch: alice")
    refused(rig.check(intent(Side.SELL, reduce_only=True)), RejectReason.HALTED)


def test_unknown_and_inactive_markets_are_refused() -> None:
    rig = Rig()
    refused(rig.check(intent(symbol="DOGE/USDT")), RejectReason.UNKNOWN_SYMBOL, "DOGE/USDT")
    rig.view.add_market(market("XRP/USDT", active=False), mark="1")
    refused(rig.check(intent(symbol="XRP/USDT", price="1")), RejectReason.MARKET_INACTIVE)


@pytest.mark.parametrize(
    ("amount", "price", "reason"),
    [
        ("0", "100", RejectReason.INVALID_AMOUNT),
        ("-1", "100", RejectReason.INVALID_AMOUNT),
        ("NaN", "100", RejectReason.INVALID_AMOUNT),
        ("sNaN", "100", RejectReason.INVALID_AMOUNT),
        ("Infinity", "100", RejectReason.INVALID_AMOUNT),
        ("1E+40", "100", RejectReason.INVALID_AMOUNT),
        ("0.0001", "100", RejectReason.AMOUNT_OFF_STEP),
        ("1", "0", RejectReason.INVALID_PRICE),
        ("1", "-5", RejectReason.INVALID_PRICE),
        ("1", "NaN", RejectReason.INVALID_PRICE),
        ("1", "1E+40", RejectReason.INVALID_PRICE),
        ("1", "100.005", RejectReason.PRICE_OFF_TICK),
        ("0.01", "100", RejectReason.MIN_NOTIONAL),  # the venue's min_cost of 5
    ],
)
def test_bad_amounts_and_prices_are_reasons_not_exceptions(
    amount: str, price: str, reason: RejectReason
) -> None:
    refused(Rig().check(intent(amount=amount, price=price)), reason)


def test_a_price_outside_the_venues_bounds_is_invalid() -> None:
    rig = Rig()
    rig.view.add_market(replace(market("ETH/USDT"), max_price=D(50)), mark="10")
    refused(rig.check(intent(symbol="ETH/USDT", price="60")), RejectReason.INVALID_PRICE, "50")


# --- reduce-only ------------------------------------------------------------------------------


def test_while_reducing_only_orders_that_shrink_the_position_pass() -> None:
    rig = Rig()
    rig.view.hold("BTC/USDT", "2", "90")
    rig.trading.set(TradingState.REDUCING, "breaker")
    assert rig.check(intent(Side.SELL, "2")) == Approved()
    refused(rig.check(intent(Side.SELL, "3")), RejectReason.REDUCE_ONLY, "reducing")
    refused(rig.check(intent(Side.BUY, "1")), RejectReason.REDUCE_ONLY)


def test_a_reduce_only_intent_must_reduce_even_when_active() -> None:
    rig = Rig()
    refused(rig.check(intent(Side.SELL, reduce_only=True)), RejectReason.REDUCE_ONLY, "reduce_only")
    rig.view.hold("BTC/USDT", "-1", "100")
    assert rig.check(intent(Side.BUY, "1", reduce_only=True)) == Approved()


# --- reference price and band -------------------------------------------------------------


def test_a_market_order_needs_a_reference_price() -> None:
    rig = Rig()
    del rig.view.marks[("sim", "BTC/USDT")]
    refused(rig.check(intent(price=None)), RejectReason.NO_REFERENCE_PRICE)
    assert rig.check(intent()) == Approved()  # a limit order carries its own price


def test_the_price_band_refuses_a_fat_finger_and_needs_a_reference() -> None:
    rig = Rig(RiskLimits(price_band_pct=D(5)))
    assert rig.check(intent(price="105")) == Approved()
    assert rig.check(intent(Side.SELL, price="95")) == Approved()
    refused(rig.check(intent(price="105.01")), RejectReason.PRICE_BAND, "price_band_pct 5")
    refused(rig.check(intent(Side.SELL, price="10")), RejectReason.PRICE_BAND, "90")
    del rig.view.marks[("sim", "BTC/USDT")]
    refused(rig.check(intent()), RejectReason.NO_REFERENCE_PRICE, "price_band_pct")


# --- the limits, one by one ------------------------------------------------------------------


def usdt(**limits: Decimal) -> RiskLimits:
    return RiskLimits(quotes={"USDT": QuoteLimits.model_validate(limits)})


BTC_LIMITS = {"BTC/USDT": SymbolLimits(max_order_quantity=D(2))}


@pytest.mark.parametrize(
    ("limits", "order", "reason", "words"),
    [
        (
            RiskLimits(symbols=BTC_LIMITS),
            intent(amount="2.001"),
            RejectReason.MAX_ORDER_QUANTITY,
            ("2.001", "symbols.BTC/USDT.max_order_quantity 2"),
        ),
        (
            usdt(max_order_notional=D(500)),
            intent(amount="5.01"),
            RejectReason.MAX_ORDER_NOTIONAL,
            ("501", "quotes.USDT.max_order_notional 500"),
        ),
        (
            usdt(max_order_notional=D(500)),
            intent(amount="6", price=None),  # valued at the reference: 600
            RejectReason.MAX_ORDER_NOTIONAL,
            ("600",),
        ),
        (
            usdt(min_order_notional=D(50)),
            intent(amount="0.499"),
            RejectReason.MIN_NOTIONAL,
            ("49.9", "quotes.USDT.min_order_notional 50"),
        ),
        (
            RiskLimits(),
            intent(amount="0.01", price=None),  # the venue's min_cost also holds for market orders
            RejectReason.MIN_NOTIONAL,
            ("venue min 5",),
        ),
    ],
)
def test_order_size_limits(
    limits: RiskLimits, order: OrderIntent, reason: RejectReason, words: tuple[str, ...]
) -> None:
    refused(Rig(limits).check(order), reason, *words)


def test_orders_per_second_and_per_day_count_what_the_executor_records() -> None:
    rig = Rig(RiskLimits(max_orders_per_second=2, max_daily_trades=3))
    rig.rates.record()
    rig.rates.record()
    refused(rig.check(intent()), RejectReason.ORDER_RATE, "2 orders", "max_orders_per_second 2")
    rig.clock.advance(1.0)
    assert rig.check(intent()) == Approved()
    rig.rates.record()
    refused(rig.check(intent()), RejectReason.DAILY_TRADES, "3 orders today", "max_daily_trades 3")
    rig.clock.advance(12 * 3600)  # past UTC midnight
    assert rig.check(intent()) == Approved()


def test_open_orders_per_symbol() -> None:
    rig = Rig(RiskLimits(max_open_orders_per_symbol=2))
    rig.view.open_orders[("sim", "BTC/USDT")] = 2
    refused(rig.check(intent()), RejectReason.OPEN_ORDERS, "2 open", "max_open_orders_per_symbol 2")
    assert rig.check(intent(symbol="ETH/USDT", price="10")) == Approved()


def test_position_quantity_and_notional_per_symbol() -> None:
    symbols = {"BTC/USDT": SymbolLimits(max_position_quantity=D(3), max_position_notional=D(250))}
    rig = Rig(RiskLimits(symbols=symbols))
    rig.view.hold("BTC/USDT", "2", "100")
    refused(
        rig.check(intent(amount="1.5")),
        RejectReason.POSITION_QUANTITY,
        "3.5",
        "symbols.BTC/USDT.max_position_quantity 3",
    )
    refused(
        rig.check(intent(amount="0.6")),
        RejectReason.POSITION_NOTIONAL,
        "260",
        "symbols.BTC/USDT.max_position_notional 250",
    )
    assert rig.check(intent(amount="0.5")) == Approved()


def test_gross_and_net_exposure_across_symbols_of_one_quote() -> None:
    rig = Rig(usdt(max_gross_exposure=D(1000), max_net_exposure=D(80)))
    rig.view.hold("BTC/USDT", "5", "100")  # +500
    rig.view.hold("ETH/USDT", "-40", "10")  # -400: gross 900, net 100
    refused(rig.check(intent(amount="1.5")), RejectReason.GROSS_EXPOSURE, "1050", "USDT")
    refused(
        rig.check(intent(Side.SELL, "25", "10", symbol="ETH/USDT")),
        RejectReason.GROSS_EXPOSURE,
        "quotes.USDT.max_gross_exposure 1000",
    )
    rig.view.hold("ETH/USDT", "-45", "10")  # gross 950, net 50
    refused(rig.check(intent(amount="0.4")), RejectReason.NET_EXPOSURE, "90", "max_net_exposure")
    refused(rig.check(intent(amount="2.6")), RejectReason.GROSS_EXPOSURE)


def test_an_order_reducing_an_exposure_over_its_limit_passes() -> None:
    limits = RiskLimits(
        quotes={"USDT": QuoteLimits(max_gross_exposure=D(100))},
        max_leverage=D("0.01"),
        symbols={"BTC/USDT": SymbolLimits(max_position_quantity=D(1))},
    )
    rig = Rig(limits)
    rig.view.hold("BTC/USDT", "5", "100")
    assert rig.check(intent(Side.SELL, "1")) == Approved()
    refused(rig.check(intent(Side.BUY, "0.1")), RejectReason.POSITION_QUANTITY)


def test_a_position_without_a_mark_is_valued_at_cost_or_refused() -> None:
    rig = Rig(usdt(max_gross_exposure=D(1000)))
    rig.view.add_market(market("SOL/USDT"))
    rig.view.hold("SOL/USDT", "8", "100")  # no mark: valued at its cost, 800
    refused(rig.check(intent(amount="2.5")), RejectReason.GROSS_EXPOSURE, "1050")
    rig.view.hold("SOL/USDT", "8", "0")
    refused(rig.check(intent()), RejectReason.GROSS_EXPOSURE, "no price to value SOL/USDT")


def test_an_unvalued_position_elsewhere_does_not_block_a_per_symbol_limit() -> None:
    rig = Rig(RiskLimits(symbols={"BTC/USDT": SymbolLimits(max_position_notional=D(1000))}))
    rig.view.add_market(market("SOL/USDT"))
    rig.view.hold("SOL/USDT", "8", "0")  # no mark, no cost
    assert rig.check(intent()) == Approved()


def test_concentration_is_one_assets_share_of_equity() -> None:
    rig = Rig(RiskLimits(max_concentration_pct=D(20)))
    rig.view.fund("BTC", "15")  # 1500 of 10000 equity
    assert rig.check(intent(amount="5")) == Approved()  # 20%
    refused(
        rig.check(intent(amount="5.01")),
        RejectReason.CONCENTRATION,
        "BTC share",
        "max_concentration_pct 20",
    )
    assert rig.check(intent(Side.SELL, "5")) == Approved()
    rig.view.equities.clear()
    refused(rig.check(intent()), RejectReason.CONCENTRATION, "no equity")


def test_leverage_is_gross_exposure_over_equity() -> None:
    rig = Rig(RiskLimits(max_leverage=D(2)))
    rig.view.hold("ETH/USDT", "1900", "10")  # 19000 of 10000 equity
    assert rig.check(intent(amount="10")) == Approved()  # 20000: 2x
    refused(rig.check(intent(amount="10.01")), RejectReason.LEVERAGE, "max_leverage 2")


def test_the_capital_cap_bounds_gross_exposure_in_its_currency() -> None:
    rig = Rig(cap=CapitalCap("USDT", D(1000)))
    rig.view.hold("BTC/USDT", "9", "100")
    assert rig.check(intent(amount="1")) == Approved()
    refused(rig.check(intent(amount="1.01")), RejectReason.CAPITAL_CAP, "1001", "capital cap 1000")
    refused(
        rig.check(intent(amount="1", price="0.1", symbol="ETH/BTC")),
        RejectReason.CAPITAL_CAP,
        "in USDT",
    )


def test_the_free_balance_must_pay_for_the_order() -> None:
    rig = Rig()
    rig.view.fund("USDT", "99.99")
    rig.view.fund("BTC", "0.5")
    refused(rig.check(intent()), RejectReason.INSUFFICIENT_BALANCE, "needs 100 USDT")
    refused(rig.check(intent(Side.SELL, "0.6")), RejectReason.INSUFFICIENT_BALANCE, "0.5 BTC")
    assert rig.check(intent(Side.SELL, "0.5")) == Approved()
    rig.gate.update_config(RiskLimits(check_balance=False))
    assert rig.check(intent()) == Approved()


def test_the_first_failing_check_is_the_reason() -> None:
    limits = RiskLimits(
        price_band_pct=D(1),
        quotes={"USDT": QuoteLimits(max_order_notional=D(50), max_gross_exposure=D(10))},
    )
    rig = Rig(limits)
    rig.view.fund("USDT", "0")
    refused(rig.check(intent(price="200")), RejectReason.PRICE_BAND)
    refused(rig.check(intent()), RejectReason.MAX_ORDER_NOTIONAL)
    refused(rig.check(intent(amount="0.4")), RejectReason.GROSS_EXPOSURE)


def test_a_tightened_limit_applies_to_the_next_intent() -> None:
    rig = Rig(usdt(max_order_notional=D(1000)))
    assert rig.check(intent(amount="5")) == Approved()
    rig.gate.update_config(usdt(max_order_notional=D(100)))
    refused(rig.check(intent(amount="5")), RejectReason.MAX_ORDER_NOTIONAL, "100")
    assert rig.gate.limits.quotes["USDT"].max_order_notional == Decimal(100)


def test_once_a_quote_has_limits_every_quote_traded_needs_them() -> None:
    rig = Rig(usdt(max_order_notional=D(1000)))
    eth_btc = intent(amount="1", price="0.1", symbol="ETH/BTC")
    refused(rig.check(eth_btc), RejectReason.NO_QUOTE_LIMITS, "limits.quotes.BTC", "USDT")
    assert Rig().check(eth_btc) == Approved()


def test_the_gate_reads_the_trading_state_from_the_breaker_board() -> None:
    rig = Rig()
    board = BreakerBoard(
        BreakersConfig.model_validate(
            {"consecutive_failures": {"threshold": 1, "cool_down": "5s", "successes_to_close": 1}}
        ),
        clock=rig.clock,
        trading=rig.trading,
        metrics=BreakerMetrics(CollectorRegistry()),
    )
    gate = RiskGate(limits=RiskLimits(), view=rig.view, trading=board, rates=rig.rates)
    board.record_request("sim", ok=False, latency_s=0.2)
    refused(gate.check(intent()), RejectReason.HALTED, "consecutive_failures:sim")
    board.halt("kill switch: alice")
    rig.clock.advance(5)
    board.record_request("sim", ok=True, latency_s=0.2)
    rig.trading.set(TradingState.ACTIVE, "written around the board")
    refused(gate.check(intent()), RejectReason.HALTED, "kill switch: alice")
    board.resume("alice")
    assert gate.check(intent()) == Approved()
