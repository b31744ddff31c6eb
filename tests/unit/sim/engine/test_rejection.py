"""EngineRejection: what a refused request carries and how it reads."""

from __future__ import annotations

import copy

from lyrad.sim.engine import EngineRejection, RejectReason


def test_a_rejection_carries_its_reason_and_message_and_reads_as_both() -> None:
    error = EngineRejection(RejectReason.LOT_SIZE, "quantity 0.5 fails LOT_SIZE")
    assert error.reason is RejectReason.LOT_SIZE
    assert error.message == "quantity 0.5 fails LOT_SIZE"
    assert str(error) == "LOT_SIZE: quantity 0.5 fails LOT_SIZE"
    twin = copy.copy(error)  # rebuilt from args, as pickling does
    assert (twin.reason, twin.message, str(twin)) == (error.reason, error.message, str(error))
