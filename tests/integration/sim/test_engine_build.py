"""The compiled engine (mypyc) answers exactly as the interpreted one, call for call."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from lyrad.sim.engine import COMPILED
from lyrad.sim.engine.native import INTERPRETED_ENV, build_is_current


def _transcript(seed: int, calls: int, *, interpreted: bool) -> list[str]:
    env = {**os.environ, INTERPRETED_ENV: "1" if interpreted else "0"}
    done = subprocess.run(
        [sys.executable, "-m", "tests.support.engine_transcript", str(seed), str(calls)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return done.stdout.splitlines()


@pytest.mark.skipif(not build_is_current(), reason="no compiled engine build (run `make engine`)")
@pytest.mark.parametrize("seed", [7, 2024])
def test_compiled_and_interpreted_engines_give_the_same_transcript(seed: int) -> None:
    compiled = _transcript(seed, 4000, interpreted=False)
    interpreted = _transcript(seed, 4000, interpreted=True)
    assert compiled[0] == "compiled=True"
    assert interpreted[0] == "compiled=False"
    body = compiled[1:]
    # The workout reaches what it is meant to: fills, rejections of each kind, cancels.
    assert sum("<OrderStatus.FILLED:" in line for line in body) > 100
    for reason in ("INSUFFICIENT_BALANCE", "LOT_SIZE", "PRICE_FILTER", "WOULD_MATCH"):
        assert any(f"rejected {reason}" in line for line in body), reason
    assert any(" cancel " in line for line in body)
    assert body == interpreted[1:]


def test_this_process_runs_the_build_that_is_current() -> None:
    # A stale build is never used; a current one is, unless the environment says otherwise.
    wants_interpreted = os.environ.get(INTERPRETED_ENV) == "1"
    assert (build_is_current() and not wants_interpreted) == COMPILED
