"""Trading checks against a fake venue that misbehaves in the ways the checks must catch."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from lyrad.domain.errors import InsufficientFunds
from lyrad.domain.venue import OrderRequest, VenueOrder
from lyrad.validate.checks import trading, trading_fills
from lyrad.validate.context import RunContext
from lyrad.validate.desk import Cleanup
from lyrad.validate.model import State
from tests.unit.validate.fakes import FakeAdapter, context, market

D = Decimal


def _ready(ctx: RunContext) -> None:
    ctx.facts.market = market()
    ctx.facts.authenticated = True


class Sloppy(FakeAdapter):
    """Echoes a different price than asked, and takes duplicate client ids."""

    async def create_order(self, request: OrderRequest) -> VenueOrder:
        order = await super().create_order(dataclasses.replace(request, client_order_id="x"))
        order = dataclasses.replace(order, client_order_id=request.client_order_id)
        self.orders[order.venue_order_id] = order
        assert request.price is not None
        return dataclasses.replace(order, price=request.price + 1)


async def test_trd_02_places_a_far_post_only_buy_and_checks_the_echo() -> None:
    ctx, adapter, _, journal = context()
    _ready(ctx)
    outcome = await trading.trd_02(ctx)
    assert outcome.state is State.PASS, outcome.problems
    cid = outcome.measured["client_order_id"]
    assert cid == "lyrav-t1-01"
    order = next(iter(adapter.orders.values()))
    assert order.price is not None
    assert order.price < D(60000) * D("0.96")
    assert journal.inserted == ["lyrav-t1-01"]
    assert adapter.sent == ["create lyrav-t1-01"]


async def test_trd_02_catches_a_wrong_echo() -> None:
    ctx, adapter, _, _ = context()
    adapter.__class__ = Sloppy
    _ready(ctx)
    outcome = await trading.trd_02(ctx)
    assert outcome.state is State.FAIL
    assert outcome.summary.startswith("price ")


async def test_trd_08_catches_a_second_order_under_the_same_client_id() -> None:
    ctx, adapter, _, _ = context()
    _ready(ctx)
    await trading.trd_02(ctx)
    adapter.__class__ = Sloppy
    outcome = await trading.trd_08(ctx)
    assert outcome.state is State.FAIL
    assert outcome.problems[0].startswith("a second order")
    assert adapter.sent[-1].startswith("cancel v")  # taken off by its venue id


async def test_the_cancel_checks_on_a_well_behaved_venue() -> None:
    ctx, _, _, journal = context()
    _ready(ctx)
    await trading.trd_02(ctx)
    assert (await trading.trd_06(ctx)).state is State.PASS
    second = await trading.trd_07(ctx)
    assert second.state is State.PASS
    assert [e.provoked for e in ctx.facts.errors] == ["OrderNotFound"]
    assert ("validate_cancel_again", "lyrav-t1-01") in journal.events


async def test_trd_05_catches_a_venue_that_reserves_nothing() -> None:
    ctx, *_ = context()
    _ready(ctx)
    await trading.trd_02(ctx)
    await trading.trd_06(ctx)
    outcome = await trading.trd_05(ctx)
    assert outcome.state is State.FAIL
    assert outcome.summary.startswith("USDT used rose by 0")


async def test_trd_10_and_11_probe_the_venues_refusals() -> None:
    ctx, adapter, extras, _ = context()
    _ready(ctx)
    assert (await trading.trd_10(ctx)).state is State.PASS
    assert extras.unchecked[0].amount == D("0.00001")  # under the 5 USDT minimum
    adapter.reject = InsufficientFunds("fake", "Account has insufficient balance")
    assert (await trading.trd_11(ctx)).state is State.PASS
    outcome = await trading.trd_11(ctx)  # this time the venue takes the oversized order
    assert outcome.state is State.FAIL
    assert outcome.problems[0].startswith("the venue accepted it")
    assert await adapter.fetch_open_orders() == []  # cancelled at once
    assert [e.provoked for e in ctx.facts.errors] == [
        "InvalidOrder",
        "InsufficientFunds",
        "InsufficientFunds",
    ]


async def test_trd_18_notices_a_foreign_order_gone() -> None:
    ctx, adapter, *_ = context()
    _ready(ctx)
    foreign = adapter.add_foreign("manual-1")
    ctx.facts.foreign_open = frozenset({foreign.venue_order_id})
    ctx.facts.cleanup = Cleanup()
    assert (await trading_fills.trd_18(ctx)).state is State.PASS
    adapter.orders.clear()
    outcome = await trading_fills.trd_18(ctx)
    assert outcome.summary == f"foreign order {foreign.venue_order_id} is gone"
