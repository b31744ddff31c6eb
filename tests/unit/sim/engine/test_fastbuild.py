"""The fast frozen-dataclass builder makes genuine, immutable instances."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from lyrad.sim.engine import Fill, OrderSnapshot
from lyrad.sim.engine.fastbuild import builder


def test_built_instances_are_indistinguishable_from_constructed_ones() -> None:
    args = (
        7,
        3,
        "BTCUSDT",
        Decimal("1.5"),
        Decimal("2"),
        Decimal("3"),
        Decimal("0.01"),
        "BTC",
        99,
        True,
        False,
    )
    built = builder(Fill)(*args)
    made = Fill(*args)
    assert type(built) is Fill
    assert built == made
    assert hash(built) == hash(made)
    assert repr(built) == repr(made)
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.qty = Decimal(1)  # type: ignore[misc]
    assert dataclasses.replace(built, qty=Decimal(5)).qty == Decimal(5)


def test_only_slots_dataclasses_are_accepted() -> None:
    @dataclasses.dataclass(frozen=True)
    class NoSlots:
        x: int

    with pytest.raises(TypeError, match="not a slots dataclass"):
        builder(NoSlots)
    assert builder(OrderSnapshot).__name__ == "_OrderSnapshotBuilder"
