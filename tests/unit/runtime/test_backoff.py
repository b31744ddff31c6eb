import random

from lyrad.runtime.backoff import RestartPolicy, RestartTracker


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_backoff_grows_exponentially_with_jitter_and_caps() -> None:
    clock = FakeClock()
    tracker = RestartTracker(
        RestartPolicy(1.0, 8.0, budget=100, window_s=1e9), clock, random.Random(7)
    )
    delays = [tracker.record_failure() for _ in range(6)]
    bases = [1, 2, 4, 8, 8, 8]
    for delay, base in zip(delays, bases, strict=True):
        assert delay is not None
        assert base / 2 <= delay <= base


def test_budget_counts_failures_inside_the_window_only() -> None:
    clock = FakeClock()
    tracker = RestartTracker(
        RestartPolicy(0.1, 1.0, budget=2, window_s=60), clock, random.Random(1)
    )
    assert tracker.record_failure() is not None
    assert tracker.record_failure() is not None
    clock.now = 61  # the first two fall out of the window
    assert tracker.record_failure() is not None
    assert tracker.record_failure() is not None
    assert tracker.record_failure() is None


def test_healthy_run_resets_the_backoff() -> None:
    tracker = RestartTracker(
        RestartPolicy(1.0, 64.0, budget=100, window_s=1e9), FakeClock(), random.Random(3)
    )
    for _ in range(5):
        tracker.record_failure()
    tracker.record_healthy()
    delay = tracker.record_failure()
    assert delay is not None
    assert delay <= 1.0
