"""ValidationMetrics: the newest report of each venue in a directory, as gauges."""

from __future__ import annotations

import json
from pathlib import Path

from prometheus_client import CollectorRegistry

from lyrad.validate.metrics import ValidationMetrics
from lyrad.validate.report.data import SCHEMA


def _report(path: Path, venue: str, verdict: str, finished: str, total: float) -> None:
    categories = {c: {"score": total / 4} for c in ("TEC", "SEC", "TRD", "PRD")}
    path.write_text(
        json.dumps(
            {
                "schema": SCHEMA,
                "header": {"venue": venue, "finished_at": finished},
                "verdict": {
                    "verdict": verdict,
                    "total": total,
                    "coverage": 0.94,
                    "categories": categories,
                },
                "checks": [],
            }
        ),
        encoding="utf-8",
    )


def test_the_newest_report_per_venue_becomes_the_gauges(tmp_path: Path) -> None:
    _report(tmp_path / "b-old.json", "binance", "NO-GO", "2026-05-01T10:00:00+00:00", 60)
    _report(tmp_path / "a-new.json", "binance", "GO", "2026-05-02T10:00:00+00:00", 92)
    _report(tmp_path / "sim.json", "sim", "INCOMPLETE", "2026-05-02T09:00:00+00:00", 80)
    (tmp_path / "junk.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "other.json").write_text('{"schema": "something else"}', encoding="utf-8")
    registry = CollectorRegistry()
    metrics = ValidationMetrics(registry)
    last = metrics.refresh(tmp_path)
    assert sorted(last) == ["binance", "sim"]
    value = registry.get_sample_value
    assert value("lyrad_validation_score", {"venue": "binance", "category": "total"}) == 92
    assert value("lyrad_validation_score", {"venue": "binance", "category": "SEC"}) == 23
    assert value("lyrad_validation_verdict", {"venue": "binance", "verdict": "GO"}) == 1
    assert value("lyrad_validation_verdict", {"venue": "binance", "verdict": "NO-GO"}) == 0
    assert value("lyrad_validation_verdict", {"venue": "sim", "verdict": "INCOMPLETE"}) == 1
    assert value("lyrad_validation_coverage_ratio", {"venue": "sim"}) == 0.94
    stamp = value("lyrad_validation_timestamp_seconds", {"venue": "binance"})
    assert stamp == 1777716000.0


def test_a_missing_directory_loads_nothing(tmp_path: Path) -> None:
    metrics = ValidationMetrics(CollectorRegistry())
    assert metrics.refresh(tmp_path / "absent") == {}
