"""Journal write throughput at synchronous=FULL with group commit, beside raw sqlite3.

Each scenario appends 20,000 events through the Journal from concurrent asyncio writers, then has
raw `sqlite3` (one connection, WAL + synchronous=FULL, one `execute` per event with the same
INSERT and the same JSON encoding of the same payloads) insert the same events in the same
batches: one transaction per batch, the batch sizes replayed from the groups the journal actually
committed, in order. Each scenario runs five times, journal then baseline, on fresh files; the
medians are printed, and the ratio is the median of the five paired ratios (the machine is shared:
single runs vary by +-20%).
"""

from __future__ import annotations

import asyncio
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path

import uvloop

from lyrad.journal import Journal, JsonValue, NewEvent
from lyrad.journal.codec import dump_json

EVENTS = 20_000
RUNS = 5
BURST = 20
_INSERT = "INSERT INTO events (ts_ms, kind, venue, client_order_id, payload) VALUES (?, ?, ?, ?, ?)"


@dataclass(frozen=True, slots=True)
class Result:
    events_per_s: float
    commit_p50_ms: float
    commit_p99_ms: float
    batches: int


class GroupRecorder:
    """A CommitObserver keeping every group's size and commit time."""

    def __init__(self) -> None:
        self.sizes: list[int] = []
        self.seconds: list[float] = []

    def committed(self, transactions: int, seconds: float) -> None:
        self.sizes.append(transactions)
        self.seconds.append(seconds)

    def failed(self, transactions: int) -> None:
        raise RuntimeError(f"{transactions} journal writes failed during the benchmark")


def details(writer: int, n: int) -> dict[str, JsonValue]:
    return {"writer": writer, "n": n, "price": "64123.45", "amount": "0.0015"}


Writers = Callable[[Journal, int], Awaitable[list[float]]]


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    writers: int
    run: Writers
    events_per_transaction: int


async def each_writer(writers: int, write: Callable[[int], Coroutine[None, None, None]]) -> None:
    async with asyncio.TaskGroup() as tasks:
        for w in range(writers):
            tasks.create_task(write(w))


async def burst_transactions(journal: Journal, writers: int) -> list[float]:
    """Every writer appends bursts of 20 events as one transaction and awaits each burst."""
    latencies: list[float] = []

    async def write(w: int) -> None:
        for r in range(EVENTS // (writers * BURST)):
            started = time.perf_counter()
            first = r * BURST
            burst = [NewEvent("bench", "sim", None, details(w, first + i)) for i in range(BURST)]
            await journal.record_events(burst)
            latencies.append(time.perf_counter() - started)

    await each_writer(writers, write)
    return latencies


async def burst_futures(journal: Journal, writers: int) -> list[float]:
    """Every writer submits bursts of 20 single-event transactions and awaits them together."""
    latencies: list[float] = []

    async def write(w: int) -> None:
        for r in range(EVENTS // (writers * BURST)):
            started = time.perf_counter()
            futures = [
                journal.record_event("bench", venue="sim", details=details(w, r * BURST + i))
                for i in range(BURST)
            ]
            await asyncio.gather(*futures)
            latencies.append(time.perf_counter() - started)

    await each_writer(writers, write)
    return latencies


async def one_at_a_time(journal: Journal, writers: int) -> list[float]:
    """Every writer awaits each single-event transaction before the next."""
    latencies: list[float] = []

    async def write(w: int) -> None:
        for n in range(EVENTS // writers):
            started = time.perf_counter()
            await journal.record_event("bench", venue="sim", details=details(w, n))
            latencies.append(time.perf_counter() - started)

    await each_writer(writers, write)
    return latencies


SCENARIOS = (
    Scenario("bursts, 20 events per transaction", 50, burst_transactions, BURST),
    Scenario("bursts, 20 one-event transactions awaited together", 50, burst_futures, 1),
    Scenario("one event per transaction, each awaited", 100, one_at_a_time, 1),
    Scenario("one event per transaction, each awaited", 10, one_at_a_time, 1),
)


async def run_journal(path: Path, scenario: Scenario) -> tuple[Result, list[int], list[float]]:
    recorder = GroupRecorder()
    async with Journal.open(path, synchronous="FULL", observers=[recorder]) as journal:
        started = time.perf_counter()
        latencies = await scenario.run(journal, scenario.writers)
        elapsed = time.perf_counter() - started
    batches = [size * scenario.events_per_transaction for size in recorder.sizes]
    result = Result(
        sum(batches) / elapsed,
        percentile(recorder.seconds, 50) * 1e3,
        percentile(recorder.seconds, 99) * 1e3,
        len(batches),
    )
    return result, batches, latencies


def run_raw(path: Path, batches: list[int], writers: int) -> Result:
    """The baseline: the same inserts, one execute per event, one transaction per batch."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute(
        "CREATE TABLE events (seq INTEGER PRIMARY KEY, ts_ms INTEGER NOT NULL, kind TEXT NOT NULL,"
        " venue TEXT, client_order_id TEXT, payload TEXT NOT NULL)"
    )
    commits: list[float] = []
    n = 0
    started = time.perf_counter()
    for size in batches:
        began = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        for _ in range(size):
            payload = dump_json(details(n % writers, n))
            conn.execute(_INSERT, (time.time_ns() // 1_000_000, "bench", "sim", None, payload))
            n += 1
        conn.execute("COMMIT")
        commits.append(time.perf_counter() - began)
    elapsed = time.perf_counter() - started
    conn.close()
    return Result(
        n / elapsed, percentile(commits, 50) * 1e3, percentile(commits, 99) * 1e3, len(batches)
    )


def percentile(values: list[float], p: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def median_result(results: list[Result]) -> Result:
    return Result(
        statistics.median(r.events_per_s for r in results),
        statistics.median(r.commit_p50_ms for r in results),
        statistics.median(r.commit_p99_ms for r in results),
        int(statistics.median(r.batches for r in results)),
    )


def measure(scenario: Scenario, workdir: Path) -> None:
    journal_runs: list[Result] = []
    raw_runs: list[Result] = []
    waits: list[float] = []
    for run in range(RUNS):
        stem = f"{scenario.run.__name__}-{scenario.writers}-{run}"
        result, batches, latencies = uvloop.run(run_journal(workdir / f"{stem}.sqlite3", scenario))
        journal_runs.append(result)
        waits.extend(latencies)
        raw_runs.append(run_raw(workdir / f"{stem}-raw.sqlite3", batches, scenario.writers))
    j, r = median_result(journal_runs), median_result(raw_runs)
    pairs = zip(journal_runs, raw_runs, strict=True)
    ratio = statistics.median(a.events_per_s / b.events_per_s for a, b in pairs)
    print(
        f"{scenario.name}: {scenario.writers} writers, {EVENTS} events, "
        f"{j.batches} commits (mean {EVENTS / j.batches:.1f} events per commit)"
    )
    print(
        f"  journal {j.events_per_s:>9,.0f} events/s  group commit p50 {j.commit_p50_ms:.3f} ms"
        f" p99 {j.commit_p99_ms:.3f} ms  caller wait p50 {percentile(waits, 50) * 1e3:.3f} ms"
        f" p99 {percentile(waits, 99) * 1e3:.3f} ms"
    )
    print(
        f"  raw     {r.events_per_s:>9,.0f} events/s  batch commit p50 {r.commit_p50_ms:.3f} ms"
        f" p99 {r.commit_p99_ms:.3f} ms"
    )
    verdict = "ok" if ratio >= 0.8 and j.events_per_s >= 20_000 else "below target"
    print(f"  journal/raw {ratio:.2f}  (targets >= 0.80 and >= 20,000 events/s: {verdict})")


def main() -> None:
    print(f"sqlite {sqlite3.sqlite_version}, WAL, synchronous=FULL, medians of {RUNS} runs")
    with tempfile.TemporaryDirectory(prefix="lyrad-bench-journal-") as tmp:
        for scenario in SCENARIOS:
            measure(scenario, Path(tmp))


if __name__ == "__main__":
    main()
