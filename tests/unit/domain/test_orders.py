"""The order state machine: no event sequence reaches an illegal state or loses a fill."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lyrad.domain.errors import IllegalTransition
from lyrad.domain.orders import Order, OrderState, can_transition, target_state
from lyrad.domain.values import OrderType, Side, TimeInForce
from lyrad.domain.venue import VenueOrderStatus

D = Decimal
AMOUNT = D("1.000")


def new_order() -> Order:
    return Order(
        client_order_id="c1",
        intent_id="i1",
        venue="v",
        symbol="BTC/USDT",
        side=Side.BUY,
        type=OrderType.LIMIT,
        amount=AMOUNT,
        price=D(100),
        time_in_force=TimeInForce.GTC,
        state=OrderState.PENDING_SUBMIT,
        created_ms=0,
        updated_ms=0,
    )


events = st.one_of(
    st.tuples(st.just("state"), st.sampled_from(list(OrderState))),
    st.tuples(
        st.just("fill"),
        st.decimals(min_value=D("0.001"), max_value=D("1.000"), places=3),
    ),
)


@given(st.lists(events, max_size=30))
def test_no_event_sequence_breaks_the_invariants(sequence: list[tuple[str, object]]) -> None:
    order = new_order()
    filled_total = D(0)
    for kind, value in sequence:
        before = order
        try:
            if kind == "state":
                assert isinstance(value, OrderState)
                order = order.transition(value, 1)
                assert can_transition(before.state, value)
            else:
                assert isinstance(value, Decimal)
                order = order.with_fill(value, value * 100, D(0), "USDT", 1)
                filled_total += value
        except IllegalTransition:
            assert order == before  # a refused event changes nothing
            continue
        # invariants after every accepted event
        assert order.filled == filled_total  # no fill lost or counted twice
        assert D(0) <= order.filled <= order.amount
        if order.state is OrderState.FILLED:
            assert order.filled == order.amount
        if before.state.is_terminal and kind == "state":
            assert order.state is before.state  # terminal states never change
        assert (
            order.state is not OrderState.PENDING_SUBMIT
            or before.state is OrderState.PENDING_SUBMIT
        )


def test_terminal_states_are_final() -> None:
    for terminal in (OrderState.CANCELLED, OrderState.REJECTED, OrderState.EXPIRED):
        order = new_order().transition(terminal, 1)
        for other in OrderState:
            if other is not terminal:
                with pytest.raises(IllegalTransition):
                    order.transition(other, 2)


def test_filled_needs_every_unit() -> None:
    order = new_order().transition(OrderState.OPEN, 1).with_fill(D("0.4"), D(40), D(0), "USDT", 2)
    assert order.state is OrderState.PARTIALLY_FILLED
    with pytest.raises(IllegalTransition):
        order.transition(OrderState.FILLED, 3)
    done = order.with_fill(D("0.6"), D(60), D(0), "USDT", 3)
    assert done.state is OrderState.FILLED
    assert done.average_price == D(100)


def test_overfill_and_fill_on_rejected_are_refused() -> None:
    with pytest.raises(IllegalTransition):
        new_order().with_fill(D("1.001"), D(100), D(0), "USDT", 1)
    with pytest.raises(IllegalTransition):
        new_order().transition(OrderState.REJECTED, 1).with_fill(D(1), D(100), D(0), "USDT", 2)


def test_unknown_resolves_only_through_the_venue_states() -> None:
    unknown = new_order().transition(OrderState.UNKNOWN, 1)
    assert unknown.transition(OrderState.OPEN, 2).state is OrderState.OPEN
    assert unknown.transition(OrderState.REJECTED, 2).reason is None
    with pytest.raises(IllegalTransition):
        unknown.transition(OrderState.PENDING_SUBMIT, 2)
    with pytest.raises(IllegalTransition):
        unknown.transition(OrderState.PENDING_CANCEL, 2)


def test_a_partial_fill_keeps_an_open_question_open() -> None:
    pending_cancel = (
        new_order().transition(OrderState.OPEN, 1).transition(OrderState.PENDING_CANCEL, 2)
    )
    partially = pending_cancel.with_fill(D("0.5"), D(50), D(0), "USDT", 3)
    assert partially.state is OrderState.PENDING_CANCEL
    assert partially.with_fill(D("0.5"), D(50), D(0), "USDT", 4).state is OrderState.FILLED


@pytest.mark.parametrize(
    ("status", "filled", "expected"),
    [
        (VenueOrderStatus.OPEN, "0", OrderState.OPEN),
        (VenueOrderStatus.OPEN, "0.4", OrderState.PARTIALLY_FILLED),
        (VenueOrderStatus.FILLED, "1.000", OrderState.FILLED),
        # Filled on the venue, trades not journaled yet: not terminal for us.
        (VenueOrderStatus.FILLED, "0.4", OrderState.PARTIALLY_FILLED),
        (VenueOrderStatus.FILLED, "0", OrderState.OPEN),
        (VenueOrderStatus.CANCELLED, "0.4", OrderState.CANCELLED),
        (VenueOrderStatus.EXPIRED, "0", OrderState.EXPIRED),
        (VenueOrderStatus.REJECTED, "0", OrderState.REJECTED),
    ],
)
def test_the_venue_status_means_a_state_given_the_fills_journaled(
    status: VenueOrderStatus, filled: str, expected: OrderState
) -> None:
    order = dataclasses.replace(new_order(), filled=D(filled))
    assert target_state(order, status) is expected
