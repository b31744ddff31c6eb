"""Balance locking, fees in the asset received, and insufficient balance rejections."""

from __future__ import annotations

import decimal

from lyrad.sim.engine import AccountSpec, RejectReason, Side, TimeInForce
from tests.unit.sim.engine.helpers import (
    BTCUSDT,
    MAKER_FEE,
    TAKER_FEE,
    D,
    account,
    free,
    limit,
    locked,
    make_engine,
    market,
    rejected,
)

BUY, SELL = Side.BUY, Side.SELL


def test_a_resting_buy_locks_price_times_quantity_in_quote() -> None:
    engine = make_engine()
    engine.place_order(limit("alice", BUY, "0.5", "60000"), 1)
    assert locked(engine, "alice", "USDT") == D("30000")
    assert free(engine, "alice", "USDT") == D("1000000") - D("30000")


def test_a_resting_sell_locks_its_quantity_in_base() -> None:
    engine = make_engine()
    engine.place_order(limit("alice", SELL, "0.5", "60000"), 1)
    assert locked(engine, "alice", "BTC") == D("0.5")
    assert free(engine, "alice", "BTC") == D("9.5")


def test_cancel_unlocks_what_the_order_held() -> None:
    engine = make_engine()
    order = engine.place_order(limit("alice", BUY, "0.5", "60000"), 1)
    engine.cancel_order("alice", "BTCUSDT", order_id=order.order_id, now_ms=2)
    assert locked(engine, "alice", "USDT") == 0
    assert free(engine, "alice", "USDT") == D("1000000")


def test_a_partial_fill_unlocks_what_was_spent_and_keeps_the_rest_locked() -> None:
    engine = make_engine()
    engine.place_order(limit("alice", BUY, "1", "60000"), 1)
    engine.place_order(limit("bob", SELL, "0.25", "60000"), 2)
    assert locked(engine, "alice", "USDT") == D("45000")
    assert free(engine, "alice", "USDT") == D("1000000") - D("60000")
    assert free(engine, "alice", "BTC") == D("10") + D("0.25") * (1 - MAKER_FEE)


def test_fees_are_charged_in_the_asset_received_at_maker_and_taker_rates() -> None:
    engine = make_engine()
    engine.place_order(limit("alice", SELL, "0.5", "60000"), 1)  # alice makes, receives USDT
    taker = engine.place_order(limit("bob", BUY, "0.5", "60000"), 2)  # bob takes, receives BTC
    (bob_fill,) = taker.fills
    (alice_fill,) = engine.account_trades("alice", "BTCUSDT")
    assert (bob_fill.commission, bob_fill.commission_asset) == (D("0.5") * TAKER_FEE, "BTC")
    assert (alice_fill.commission, alice_fill.commission_asset) == (D("30000") * MAKER_FEE, "USDT")
    assert (alice_fill.is_maker, alice_fill.is_buyer) == (True, False)
    assert (bob_fill.is_maker, bob_fill.is_buyer) == (False, True)
    assert alice_fill.trade_id == bob_fill.trade_id
    assert free(engine, "bob", "BTC") == D("10.5") - D("0.001")
    assert free(engine, "alice", "USDT") == D("1000000") + D("30000") - D("30")
    assert engine.fees_collected() == {"BTC": D("0.001"), "USDT": D("30"), "ETH": 0}


def test_commission_is_rounded_down_to_eight_decimals() -> None:
    engine = make_engine()
    engine.place_order(limit("alice", SELL, "0.00123", "60000.01"), 1)
    taker = engine.place_order(limit("bob", BUY, "0.00123", "60000.01"), 2)
    # 0.00123 * 0.002 = 0.00000246 exactly; the maker's 73.8000123 * 0.001 = 0.0738000123
    assert taker.fills[0].commission == D("0.00000246")
    assert engine.account_trades("alice", "BTCUSDT")[0].commission == D("0.07380001")


def test_a_taker_buy_that_trades_below_its_limit_gets_the_difference_back() -> None:
    engine = make_engine()
    engine.place_order(limit("alice", SELL, "1", "59000"), 1)
    engine.place_order(limit("bob", BUY, "2", "60000"), 2)
    # 1 bought at 59000, 1 still resting at 60000 and locked at that price.
    assert locked(engine, "bob", "USDT") == D("60000")
    assert free(engine, "bob", "USDT") == D("1000000") - D("59000") - D("60000")


def test_zero_fee_accounts_pay_nothing() -> None:
    zero = AccountSpec("carol", "key-carol", "s", {"USDT": D("100000")}, D(0), D(0))
    engine = make_engine(accounts=[account("alice"), zero])
    engine.place_order(limit("alice", SELL, "1", "60000"), 1)
    taker = engine.place_order(limit("carol", BUY, "1", "60000"), 2)
    assert taker.fills[0].commission == 0
    assert free(engine, "carol", "BTC") == D("1")


def test_insufficient_balance_for_a_limit_buy_is_rejected_before_any_change() -> None:
    engine = make_engine(accounts=[account("alice"), account("bob", USDT="100")])
    engine.place_order(limit("alice", SELL, "1", "60000"), 1)
    before_book, before_balances = engine.book("BTCUSDT", 5), engine.balances("bob")
    with rejected(RejectReason.INSUFFICIENT_BALANCE):
        engine.place_order(limit("bob", BUY, "1", "60000"), 2)
    assert engine.balances("bob") == before_balances
    assert engine.book("BTCUSDT", 5) == before_book
    assert engine.all_orders("bob", "BTCUSDT") == []


def test_insufficient_base_for_a_sell_is_rejected() -> None:
    engine = make_engine(accounts=[account("alice", BTC="0.1")])
    with rejected(RejectReason.INSUFFICIENT_BALANCE):
        engine.place_order(limit("alice", SELL, "0.2", "60000"), 1)


def test_locked_funds_are_not_spendable_twice() -> None:
    engine = make_engine(accounts=[account("alice", USDT="70000")])
    engine.place_order(limit("alice", BUY, "1", "60000"), 1)
    with rejected(RejectReason.INSUFFICIENT_BALANCE):
        engine.place_order(limit("alice", BUY, "1", "10001", TimeInForce.IOC), 2)


def test_market_buy_by_quantity_is_checked_against_what_the_book_would_cost() -> None:
    engine = make_engine(accounts=[account("alice"), account("bob", USDT="30000")])
    engine.place_order(limit("alice", SELL, "1", "60000"), 1)
    with rejected(RejectReason.INSUFFICIENT_BALANCE):
        engine.place_order(market("bob", BUY, qty="0.6"), 2)
    taker = engine.place_order(market("bob", BUY, qty="0.5"), 3)
    assert taker.executed_qty == D("0.5")
    assert free(engine, "bob", "USDT") == 0


def test_market_buy_by_quote_amount_needs_that_amount_free() -> None:
    engine = make_engine(accounts=[account("alice"), account("bob", USDT="999")])
    engine.place_order(limit("alice", SELL, "1", "60000"), 1)
    with rejected(RejectReason.INSUFFICIENT_BALANCE):
        engine.place_order(market("bob", BUY, quote="1000"), 2)


def test_market_sell_by_quote_amount_is_checked_against_the_base_it_would_need() -> None:
    engine = make_engine(accounts=[account("alice"), account("bob", BTC="0.01")])
    engine.place_order(limit("alice", BUY, "1", "50000"), 1)
    with rejected(RejectReason.INSUFFICIENT_BALANCE):
        engine.place_order(market("bob", SELL, quote="1000"), 2)  # needs 0.02 BTC
    assert engine.place_order(market("bob", SELL, quote="500"), 3).executed_qty == D("0.01")


def test_every_asset_of_every_symbol_is_listed_even_at_zero() -> None:
    engine = make_engine(accounts=[account("alice", USDT="1", BNB="2")])
    assert {b.asset: b.free for b in engine.balances("alice")} == {
        "BTC": 0,
        "USDT": 1,
        "ETH": 0,
        "BNB": 2,
    }


def test_market_buy_by_quantity_affordable_only_at_the_best_prices_is_accepted() -> None:
    engine = make_engine(accounts=[account("alice"), account("bob", USDT="31000")])
    engine.place_order(limit("alice", SELL, "0.5", "60000"), 1)
    engine.place_order(limit("alice", SELL, "1", "70000"), 1)  # the worst ask: 35000 for 0.5
    taker = engine.place_order(market("bob", BUY, qty="0.5"), 2)
    assert taker.cummulative_quote_qty == D("30000")
    assert (free(engine, "bob", "USDT"), locked(engine, "bob", "USDT")) == (D("1000"), D(0))


def test_balances_stay_exact_beyond_the_callers_decimal_precision() -> None:
    fine = BTCUSDT._replace(
        tick_size=D("0.00000001"),
        min_price=D("0.00000001"),
        step_size=D("0.00000001"),
        min_qty=D("0.00000001"),
        min_notional=D("0"),
    )
    rich = AccountSpec("whale", "key-whale", "s", {"USDT": D(10) ** 20})
    engine = make_engine(symbols=[fine], accounts=[rich])
    caller = decimal.getcontext()
    engine.place_order(limit("whale", BUY, "1.23456789", "1.23456789"), 1)
    assert decimal.getcontext() is caller  # the engine never touches the caller's context
    expected = decimal.Context(prec=100).subtract(D(10) ** 20, D("1.5241578750190521"))
    assert len(expected.as_tuple().digits) > caller.prec
    assert free(engine, "whale", "USDT") == expected
    assert locked(engine, "whale", "USDT") == D("1.5241578750190521")
