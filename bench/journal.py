"""Journal write throughput at synchronous=FULL with group commit, beside raw sqlite3.

Each scenario appends 20,000 events through `Journal.record_event` from concurrent asyncio
writers, then has raw `sqlite3` (one connection, WAL + synchronous=FULL, the same INSERT with the
same JSON-encoded payloads) insert the same events in the same batches: one transaction per batch,
batch sizes replayed from the groups the journal actually committed, in the same order. Each
scenario runs three times, alternating journal and baseline on fresh files; medians are printed.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import uvloop

from lyrad.journal import Journal, JsonValue

EVENTS = 20_000
RUNS = 3
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


Scenario = Callable[[Journal, int], Awaitable[list[float]]]


async def bursts(journal: Journal, writers: int) -> list[float]:
    """Every writer submits bursts of 20 events and awaits each burst; returns burst latencies."""
    burst = 20
    rounds = EVENTS // (writers * burst)
    latencies: list[float] = []

    async def writer(w: int) -> None:
        for r in range(rounds):
            started = time.perf_counter()
            futures = [
                journal.record_event("bench", venue="sim", details=details(w, r * burst + i))
                for i in range(burst)
            ]
            await asyncio.gather(*futures)
            latencies.append(time.perf_counter() - started)

    async with asyncio.TaskGroup() as tasks:
        for w in range(writers):
            tasks.create_task(writer(w))
    return latencies


async def one_at_a_time(journal: Journal, writers: int) -> list[float]:
    """Every writer awaits each event before the next; returns per-event latencies."""
    per_writer = EVENTS // writers
    latencies: list[float] = []

    async def writer(w: int) -> None:
        for n in range(per_writer):
            started = time.perf_counter()
            await journal.record_event("bench", venue="sim", details=details(w, n))
            latencies.append(time.perf_counter() - started)

    async with asyncio.TaskGroup() as tasks:
        for w in range(writers):
            tasks.create_task(writer(w))
    return latencies


async def run_journal(
    path: Path, scenario: Scenario, writers: int
) -> tuple[Result, list[int], list[float]]:
    recorder = GroupRecorder()
    async with Journal.open(path, synchronous="FULL", observers=[recorder]) as journal:
        started = time.perf_counter()
        latencies = await scenario(journal, writers)
        elapsed = time.perf_counter() - started
    total = sum(recorder.sizes)
    result = Result(
        total / elapsed,
        percentile(recorder.seconds, 50) * 1e3,
        percentile(recorder.seconds, 99) * 1e3,
        len(recorder.sizes),
    )
    return result, recorder.sizes, latencies


def run_raw(path: Path, sizes: list[int], writers: int) -> Result:
    """The baseline: the same inserts, one transaction per batch of the journal's sizes."""
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
    for size in sizes:
        began = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        for _ in range(size):
            payload = json.dumps(details(n % writers, n), separators=(",", ":"))
            conn.execute(_INSERT, (time.time_ns() // 1_000_000, "bench", "sim", None, payload))
            n += 1
        conn.execute("COMMIT")
        commits.append(time.perf_counter() - began)
    elapsed = time.perf_counter() - started
    conn.close()
    return Result(
        n / elapsed, percentile(commits, 50) * 1e3, percentile(commits, 99) * 1e3, len(sizes)
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


def measure(name: str, scenario: Scenario, writers: int, workdir: Path) -> None:
    journal_runs: list[Result] = []
    raw_runs: list[Result] = []
    caller: list[float] = []
    for run in range(RUNS):
        path = workdir / f"{name}-{writers}-{run}.sqlite3"
        result, sizes, latencies = uvloop.run(run_journal(path, scenario, writers))
        journal_runs.append(result)
        caller.extend(latencies)
        raw_runs.append(run_raw(workdir / f"{name}-{writers}-{run}-raw.sqlite3", sizes, writers))
    j, r = median_result(journal_runs), median_result(raw_runs)
    print(
        f"{name}: {writers} writers, {EVENTS} events, {j.batches} commits "
        f"(mean batch {EVENTS / j.batches:.1f})"
    )
    print(
        f"  journal  {j.events_per_s:>9,.0f} events/s  group commit p50 {j.commit_p50_ms:.3f} ms"
        f"  p99 {j.commit_p99_ms:.3f} ms  caller wait p50 {percentile(caller, 50) * 1e3:.3f} ms"
        f"  p99 {percentile(caller, 99) * 1e3:.3f} ms"
    )
    print(
        f"  raw      {r.events_per_s:>9,.0f} events/s  batch commit p50 {r.commit_p50_ms:.3f} ms"
        f"  p99 {r.commit_p99_ms:.3f} ms"
    )
    ratio = j.events_per_s / r.events_per_s
    verdict = "ok" if ratio >= 0.8 and j.events_per_s >= 20_000 else "BELOW TARGET"
    print(f"  ratio journal/raw {ratio:.2f}  (targets: >= 0.80 and >= 20,000 events/s: {verdict})")


def main() -> None:
    print(f"sqlite {sqlite3.sqlite_version}, synchronous=FULL, WAL, medians of {RUNS} runs")
    with tempfile.TemporaryDirectory(prefix="lyrad-bench-journal-") as tmp:
        workdir = Path(tmp)
        measure("bursts", bursts, 50, workdir)
        measure("one-at-a-time", one_at_a_time, 100, workdir)
        measure("one-at-a-time", one_at_a_time, 10, workdir)


if __name__ == "__main__":
    main()
