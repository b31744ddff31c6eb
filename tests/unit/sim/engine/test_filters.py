"""Parameter and filter validation as Binance does it."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, localcontext

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lyrad.sim.engine import (
    EngineRejection,
    OrderRequest,
    OrderType,
    RejectReason,
    Side,
    SymbolSpec,
    TimeInForce,
)
from lyrad.sim.engine.arith import EXACT
from lyrad.sim.engine.filters import (
    LimitFilter,
    MarketFilter,
    check_client_order_id,
    check_limit,
    check_request,
)
from tests.unit.sim.engine.helpers import BTCUSDT, D, rejected

BUY = Side.BUY
GTC = TimeInForce.GTC
REF = D("60000")


def _limit(qty: str, price: str, client_order_id: str | None = None) -> OrderRequest:
    return OrderRequest(
        "a", "BTCUSDT", BUY, OrderType.LIMIT, GTC, D(qty), None, D(price), client_order_id
    )


BASE = _limit("1", "60000")


def _market(qty: str | None = None, quote: str | None = None) -> OrderRequest:
    return OrderRequest(
        "a",
        "BTCUSDT",
        BUY,
        OrderType.MARKET,
        quantity=None if qty is None else D(qty),
        quote_quantity=None if quote is None else D(quote),
    )


def test_valid_orders_pass() -> None:
    check_request(BTCUSDT, _limit("0.00010", "60000.01"), REF)
    check_request(BTCUSDT, _market(qty="0.001"), REF)
    check_request(BTCUSDT, _market(quote="10"), REF)
    check_request(BTCUSDT, _limit("1", "60000", "x-AB.c:d/e_f-1"), REF)


@pytest.mark.parametrize("price", ["0.001", "1000000.01", "60000.001", "60000.015"])
def test_price_filter(price: str) -> None:
    with rejected(RejectReason.PRICE_FILTER):
        check_request(BTCUSDT, _limit("0.01", price), REF)


def test_price_grid_starts_at_min_price() -> None:
    odd = BTCUSDT._replace(min_price=D("0.005"))
    check_request(odd, _limit("0.01", "60000.005"), REF)
    with rejected(RejectReason.PRICE_FILTER):
        check_request(odd, _limit("0.01", "60000.01"), REF)


@pytest.mark.parametrize("qty", ["0.000001", "9000.00001", "0.000015"])
def test_lot_size(qty: str) -> None:
    with rejected(RejectReason.LOT_SIZE):
        check_request(BTCUSDT, _limit(qty, "1000000"), REF)


def test_market_lot_size_applies_to_market_orders_only() -> None:
    with rejected(RejectReason.MARKET_LOT_SIZE):
        check_request(BTCUSDT, _market(qty="129"), D("1"))
    check_request(BTCUSDT, _limit("129", "1"), REF)
    stepped = BTCUSDT._replace(market_step_size=D("0.001"))
    with rejected(RejectReason.MARKET_LOT_SIZE):
        check_request(stepped, _market(qty="0.0015"), REF)


def test_notional_for_limit_and_market_orders() -> None:
    with rejected(RejectReason.NOTIONAL):
        check_request(BTCUSDT, _limit("0.0001", "40000"), REF)  # 4 < 5
    with rejected(RejectReason.NOTIONAL):
        check_request(BTCUSDT, _limit("100", "100000"), REF)  # 10M > 9M
    with rejected(RejectReason.NOTIONAL):
        check_request(BTCUSDT, _market(qty="0.00008"), REF)  # 4.8 at the reference
    with rejected(RejectReason.NOTIONAL):
        check_request(BTCUSDT, _market(quote="4.99"), REF)
    check_request(BTCUSDT, _market(qty="0.00008"), None)  # no reference yet: not checkable


@pytest.mark.parametrize(
    "req",
    [
        BASE._replace(time_in_force=None),
        BASE._replace(type=OrderType.LIMIT_MAKER),
        BASE._replace(quote_quantity=D("10")),
        BASE._replace(price=None),
        BASE._replace(quantity=None),
        _limit("-1", "60000"),
        _limit("0", "60000"),
        _limit("NaN", "60000"),
        _limit("1", "Infinity"),
        _limit("1", "60000", ""),
        _limit("1", "60000", "a" * 37),
        _limit("1", "60000", "no spaces"),
        _market(qty="1")._replace(time_in_force=GTC),
        _market(qty="1")._replace(price=D("1")),
        _market(),
        _market(qty="1", quote="10"),
        _market(quote="-5"),
        _market(quote="10.000000001"),  # more decimals than the quote asset has
    ],
)
def test_malformed_requests_are_invalid_parameters(req: OrderRequest) -> None:
    with rejected(RejectReason.INVALID_PARAMETER):
        check_request(BTCUSDT, req, REF)


def _outcome(check: Callable[[], int]) -> tuple[str, int | str]:
    """A check's result as a comparable value: the tick index, or the refusal it raised."""
    try:
        return ("tick", check())
    except EngineRejection as e:
        return (e.reason.name, str(e))


_SPECS = (
    BTCUSDT,  # the short path applies
    BTCUSDT._replace(max_price=D("0"), max_notional=D("0")),  # unset upper bounds
    BTCUSDT._replace(max_price=D("999999.995")),  # max_price off the grid: 999999.99 is the top
    BTCUSDT._replace(tick_size=D("0.05"), min_price=D("0.10"), step_size=D("0.5"), min_qty=D("1")),
    BTCUSDT._replace(min_price=D("0.005")),  # price grid off zero: check_limit only
    BTCUSDT._replace(min_qty=D("0.000015")),  # quantity grid off zero: check_limit only
)
_SPECIALS = st.sampled_from([D("NaN"), D("sNaN"), D("Infinity"), D("-Infinity"), D("-0")])
_ON_GRID_PRICES = st.one_of(
    st.integers(1, 120_000_000).map(lambda k: k * D("0.01")),  # BTCUSDT's grid
    st.integers(2, 24_000_000).map(lambda k: k * D("0.05")),
)
_PRICES = st.one_of(  # on a grid more often than not: the short path's case
    *[_ON_GRID_PRICES] * 4,
    st.decimals(min_value=D("-1"), max_value=D("2000000"), places=3),
    st.sampled_from([D("0.01"), D("0.005"), D("999999.99"), D("1000000"), D("1000000.01")]),
)
_ON_GRID_QTYS = st.one_of(
    st.integers(1, 100_000_000).map(lambda k: k * D("0.00001")),  # BTCUSDT's grid
    st.integers(2, 10_000).map(lambda k: k * D("0.5")),
)
_QTYS = st.one_of(
    *[_ON_GRID_QTYS] * 4,
    st.decimals(min_value=D("0"), max_value=D("10000"), places=6),
    st.sampled_from([D("9000"), D("9000.00001"), D("0.00001"), D("0.000015")]),
)


@given(
    spec=st.sampled_from(_SPECS),
    price=st.one_of(*[_PRICES] * 8, _SPECIALS),  # mostly numbers: the filters run
    qty=st.one_of(*[_QTYS] * 8, _SPECIALS),
    maker=st.booleans(),
    fault=st.sampled_from([None] * 12 + ["no price", "no quantity", "shape"]),
)
@settings(max_examples=600, deadline=None)
def test_limit_filter_answers_exactly_as_check_limit(
    spec: SymbolSpec, price: Decimal, qty: Decimal, maker: bool, fault: str | None
) -> None:
    """The short path accepts what check_limit accepts, with the same tick, and refuses
    nothing itself: every refusal, NaN and infinity included, is check_limit's own."""
    order_type = OrderType.LIMIT_MAKER if maker else OrderType.LIMIT
    # LIMIT needs a time in force and LIMIT_MAKER none; "shape" breaks that and adds a quote
    tif = None if maker == (fault != "shape") else GTC
    req = OrderRequest(
        "a",
        "BTCUSDT",
        BUY,
        order_type,
        tif,
        None if fault == "no quantity" else qty,
        D("10") if fault == "shape" else None,
        None if fault == "no price" else price,
    )
    with localcontext(EXACT):
        fast = _outcome(lambda: LimitFilter(spec).check(req))
        strict = _outcome(lambda: check_limit(spec, req))
    assert fast == strict


def test_limit_filter_takes_its_short_path_only_on_grids_from_zero() -> None:
    short_paths = [LimitFilter(spec).short_path for spec in _SPECS]
    assert short_paths == [True, True, True, True, False, False]
    assert LimitFilter(BTCUSDT).check(_limit("1", "60000.01")) == 6_000_000  # ticks from 0.01


def _settled(check: Callable[[], object]) -> tuple[str, str]:
    """A market check's result as a comparable value: passed, or the refusal it raised."""
    try:
        check()
        return ("passed", "")
    except EngineRejection as e:
        return (e.reason.name, str(e))


_MARKET_SPECS = (
    *_SPECS,
    # MARKET_LOT_SIZE set: bounds and a coarser step from a minimum off zero
    BTCUSDT._replace(market_min_qty=D("0.0002"), market_step_size=D("0.0005")),
    BTCUSDT._replace(min_notional=D("0"), max_notional=D("100")),
)
_QUOTES = st.one_of(
    st.integers(1, 10_000_000).map(lambda k: k * D("0.01")),
    st.decimals(min_value=D("-1"), max_value=D("20000000"), places=10),
    st.sampled_from([D("5"), D("4.99999999"), D("9000000"), D("9000000.00000001"), D("0")]),
)


@given(
    spec=st.sampled_from(_MARKET_SPECS),
    qty=st.one_of(*[_QTYS] * 8, _SPECIALS, st.none()),
    quote=st.one_of(*[_QUOTES] * 4, _SPECIALS, st.none(), st.none(), st.none(), st.none()),
    reference=st.sampled_from([None, REF, D("0.01"), D("5000000")]),
    fault=st.sampled_from([None] * 12 + ["price", "time in force"]),
)
@settings(max_examples=600, deadline=None)
def test_market_filter_answers_exactly_as_check_request(
    spec: SymbolSpec,
    qty: Decimal | None,
    quote: Decimal | None,
    reference: Decimal | None,
    fault: str | None,
) -> None:
    """The short path passes what check_request passes and refuses nothing itself."""
    req = OrderRequest(
        "a",
        "BTCUSDT",
        BUY,
        OrderType.MARKET,
        GTC if fault == "time in force" else None,
        qty,
        quote,
        D("60000") if fault == "price" else None,
    )
    with localcontext(EXACT):
        fast = _settled(lambda: MarketFilter(spec).check(req, reference))
        strict = _settled(lambda: check_request(spec, req, reference))
    assert fast == strict


def test_market_filter_takes_its_short_path_only_with_min_qty_on_its_grid() -> None:
    short_paths = [MarketFilter(spec).short_path for spec in _MARKET_SPECS]
    assert short_paths == [True, True, True, True, True, False, True, True]
    passed = _settled(lambda: MarketFilter(BTCUSDT).check(_market(quote="10.5"), REF))
    assert passed == ("passed", "")


_BINANCE_CLIENT_ORDER_ID = re.compile(r"[.A-Z:/a-z0-9_-]{1,36}")


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(
        st.text(max_size=40),
        st.text(alphabet="aZ09.:/_-b ~\u00e9\u0101", max_size=40),
        st.text(alphabet="abcXYZ0189.:/_-", min_size=30, max_size=40),
    )
)
def test_client_order_ids_are_checked_by_binances_pattern(cid: str) -> None:
    if _BINANCE_CLIENT_ORDER_ID.fullmatch(cid):
        check_client_order_id(cid)
    else:
        with rejected(RejectReason.INVALID_PARAMETER):
            check_client_order_id(cid)
