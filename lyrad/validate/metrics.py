"""The last validation of each venue as metrics, read from the report directory.

`lyrad_validation_score{venue,category}` (TEC, SEC, TRD, PRD and `total`),
`lyrad_validation_verdict{venue,verdict}` (1 for the last verdict, 0 for the others),
`lyrad_validation_coverage_ratio{venue}` and `lyrad_validation_timestamp_seconds{venue}`.
The daemon builds one `ValidationMetrics(registry)` and calls `refresh(directory)` at start
(and whenever it likes): the newest `*.json` report per venue wins.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import structlog
from prometheus_client import CollectorRegistry, Gauge

from lyrad.validate.model import Category
from lyrad.validate.report.data import SCHEMA
from lyrad.validate.report.jsonview import number, obj, text
from lyrad.validate.scoring import Verdict

log = structlog.get_logger("lyrad.validate.metrics", component="validate")


@dataclass(frozen=True, slots=True)
class LastValidation:
    venue: str
    verdict: Verdict
    finished: dt.datetime
    total: float
    coverage: float
    scores: dict[str, float | None]
    path: Path


def _parse(path: Path) -> LastValidation | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    report = obj(data)
    if report.get("schema") != SCHEMA:
        return None
    header, verdict = obj(report.get("header")), obj(report.get("verdict"))
    try:
        finished = dt.datetime.fromisoformat(text(header.get("finished_at")))
        name = Verdict(text(verdict.get("verdict")))
    except ValueError:
        return None
    categories = obj(verdict.get("categories"))
    return LastValidation(
        venue=text(header.get("venue")),
        verdict=name,
        finished=finished,
        total=number(verdict.get("total")) or 0.0,
        coverage=number(verdict.get("coverage")) or 0.0,
        scores={c.value: number(obj(categories.get(c.value)).get("score")) for c in Category},
        path=path,
    )


def _reports(directory: Path) -> Iterator[LastValidation]:
    if not directory.is_dir():
        return
    for path in sorted(directory.glob("*.json")):
        parsed = _parse(path)
        if parsed is not None and parsed.venue:
            yield parsed


def latest_by_venue(directory: Path) -> dict[str, LastValidation]:
    latest: dict[str, LastValidation] = {}
    for report in _reports(directory):
        current = latest.get(report.venue)
        if current is None or report.finished > current.finished:
            latest[report.venue] = report
    return latest


class ValidationMetrics:
    """Gauges of the last validation per venue; one instance per registry."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.score = Gauge(
            "lyrad_validation_score",
            "Score of the venue's last validation run, per category (0-25) and total (0-100)",
            ["venue", "category"],
            registry=registry,
        )
        self.verdict = Gauge(
            "lyrad_validation_verdict",
            "The venue's last validation verdict (1 for the verdict it got)",
            ["venue", "verdict"],
            registry=registry,
        )
        self.coverage = Gauge(
            "lyrad_validation_coverage_ratio",
            "Share of the applicable check weight the venue's last validation ran",
            ["venue"],
            registry=registry,
        )
        self.timestamp = Gauge(
            "lyrad_validation_timestamp_seconds",
            "When the venue's last validation run finished (Unix time)",
            ["venue"],
            registry=registry,
        )
        self.last: dict[str, LastValidation] = {}

    def refresh(self, directory: Path) -> dict[str, LastValidation]:
        """Load the newest report of each venue in `directory` into the gauges."""
        self.last = latest_by_venue(directory)
        for venue, report in self.last.items():
            for category, value in report.scores.items():
                if value is not None:
                    self.score.labels(venue=venue, category=category).set(value)
            self.score.labels(venue=venue, category="total").set(report.total)
            for verdict in Verdict:
                self.verdict.labels(venue=venue, verdict=verdict.value).set(
                    1 if verdict is report.verdict else 0
                )
            self.coverage.labels(venue=venue).set(report.coverage)
            self.timestamp.labels(venue=venue).set(report.finished.timestamp())
            log.info("validation_loaded", venue=venue, verdict=report.verdict.value)
        return self.last
