"""One validation run end to end: build, run the checks, score, write the reports."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Callable, Mapping, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import structlog
from prometheus_client import generate_latest

from lyrad import __version__
from lyrad.domain.errors import VenueError
from lyrad.exchanges.clock import Clock, SystemClock
from lyrad.exchanges.quirks import quirks_for
from lyrad.exchanges.rate_limit import WeightedRateLimiter
from lyrad.journal.journal import Journal
from lyrad.security.redaction import Redactor
from lyrad.validate.calls import CallLog
from lyrad.validate.checks.orderplans import dry_run_plan
from lyrad.validate.context import RunContext, RunOptions, Timing, sent_orders
from lyrad.validate.desk import OrderDesk
from lyrad.validate.deviations import Deviations
from lyrad.validate.model import CheckResult, CheckSkipped, Json
from lyrad.validate.recorded import RecordedAdapter, RecordedExtras
from lyrad.validate.report.data import RunInfo, build_report
from lyrad.validate.report.html import render_html
from lyrad.validate.report.markdown import render_markdown
from lyrad.validate.runner import Progress, Runner
from lyrad.validate.scoring import Scorecard, score
from lyrad.validate.venue_extras import VenueExtras
from lyrad.validate.wiring import AdapterBuilder, AdapterInstances, VenueAccess, ccxt_builder

log = structlog.get_logger("lyrad.validate", component="validate")

FORMATS = ("json", "html", "md")


def wall_clock_ms() -> int:
    return int(dt.datetime.now(dt.UTC).timestamp() * 1000)


@dataclass(frozen=True)
class Session:
    """Everything one run needs; the CLI and the tests build it."""

    options: RunOptions
    access: VenueAccess
    report_dir: Path
    deviations: Deviations
    redactor: Redactor
    formats: frozenset[str] = frozenset(FORMATS)
    baseline: Mapping[str, object] | None = None
    timing: Timing = field(default_factory=Timing)
    builder: AdapterBuilder = ccxt_builder
    clock: Clock = field(default_factory=SystemClock)
    wall_ms: Callable[[], int] = wall_clock_ms
    log_text: Callable[[], str] | None = None  # what the run logged, for SEC-10
    canary: str = field(default_factory=lambda: "lyrav-canary-" + secrets.token_hex(16))


@dataclass(frozen=True)
class SessionResult:
    report: dict[str, Json]
    card: Scorecard
    paths: dict[str, Path]
    results: list[CheckResult]


def _library_version() -> str:
    try:
        return version("ccxt")
    except PackageNotFoundError:  # pragma: no cover - ccxt is a dependency
        return "unknown"


def _redactor_json(redactor: Redactor) -> Callable[[Json], Json]:
    def redact(value: Json) -> Json:
        cleaned: Json = redactor.redact(value)
        return cleaned

    return redact


class _Timeline:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._start = clock.monotonic()
        self.points: list[tuple[float, int]] = []

    def record(self, used: int) -> None:
        self.points.append((self._clock.monotonic() - self._start, used))


async def run_session(session: Session, progress: Progress | None = None) -> SessionResult:
    """Run the suite against the venue and write the reports; never leaves an order behind."""
    options = session.options
    run_id = secrets.token_hex(4)
    started = dt.datetime.now(dt.UTC)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    base = session.report_dir / f"validation-{options.venue}-{stamp}-{run_id}"
    session.report_dir.mkdir(parents=True, exist_ok=True)
    session.redactor.register(session.canary)
    quirks = quirks_for(session.access.exchange)
    timeline = _Timeline(session.clock)
    limiter = WeightedRateLimiter.for_venue(
        options.venue, quirks, clock=session.clock, on_weight_used=timeline.record
    )
    instances = AdapterInstances(
        session.access,
        limiter=limiter,
        clock=session.clock,
        quirks=quirks,
        builder=session.builder,
        redactor=session.redactor,
    )
    journal_path = base.with_suffix(".journal.sqlite3")
    async with AsyncExitStack() as stack:
        journal = await stack.enter_async_context(Journal.open(journal_path, synchronous="NORMAL"))
        main = await stack.enter_async_context(instances.open())
        raw_extras = main.adapter if isinstance(main.adapter, VenueExtras) else None
        calls = CallLog(
            session.clock,
            session.redactor.redact_text,
            status=(lambda: raw_extras.last_response().status) if raw_extras else None,
        )
        adapter = RecordedAdapter(main.adapter, calls)
        extras = RecordedExtras(raw_extras, calls) if raw_extras is not None else None
        desk = OrderDesk(
            adapter=adapter,
            journal=journal,
            run_id=run_id,
            clock=session.clock,
            wall_ms=session.wall_ms,
            extras=extras,
            sent_orders=sent_orders(main.registry, options.venue),
            hold_before_cancel_s=session.deviations.hold_before_cancel_s,
            young_cancel_s=session.deviations.young_cancel_s,
        )
        ctx = RunContext(
            options=options,
            adapter=adapter,
            extras=extras,
            factory=instances,
            journal=journal,
            desk=desk,
            calls=calls,
            clock=session.clock,
            wall_ms=session.wall_ms,
            deviations=session.deviations,
            registry=main.registry,
            limiter=limiter,
            quirks=quirks,
            timing=session.timing,
            started_ms=session.wall_ms(),
            started_monotonic=session.clock.monotonic(),
            secrets=(session.access.api_key, session.access.secret),
            canary=session.canary,
        )
        redact = _redactor_json(session.redactor)

        def draft_report() -> dict[str, Json]:
            card = score(ctx.results)
            info = _info(run_id, started, timeline.points, ())
            return build_report(ctx, ctx.results, card, info, redact=redact)

        ctx.leak_sources = lambda: _leak_sources(
            draft_report(), session, journal_path, generate_latest(main.registry).decode()
        )
        runner = Runner(ctx, progress=progress)
        results = await runner.run()
        plan = await _plan(ctx) if options.dry_run else []
        card = score(results, postponed=runner.postponed)
        info = _info(run_id, started, timeline.points, plan)
        report = build_report(ctx, results, card, info, redact=redact, baseline=session.baseline)
    # The journal stays beside the report as evidence; its lock file has no further use.
    journal_path.with_name(journal_path.name + ".lock").unlink(missing_ok=True)
    paths = write_reports(report, base, session.formats)
    log.info(
        "validation_finished",
        venue=options.venue,
        verdict=card.verdict.value,
        total=round(card.total, 2),
        report=str(paths["json"]),
    )
    return SessionResult(report, card, paths, results)


def _info(
    run_id: str,
    started: dt.datetime,
    timeline: Sequence[tuple[float, int]],
    plan: Sequence[Mapping[str, Json]],
) -> RunInfo:
    return RunInfo(
        run_id=run_id,
        started=started,
        finished=dt.datetime.now(dt.UTC),
        lyrad_version=__version__,
        ccxt_version=_library_version(),
        timeline=tuple(timeline),
        order_plan=tuple(plan),
    )


async def _plan(ctx: RunContext) -> list[dict[str, Json]]:
    if ctx.facts.market is None or not ctx.options.has_credentials:
        return []
    try:
        return await dry_run_plan(ctx)
    except (CheckSkipped, VenueError) as e:
        return [{"refused": str(e)}]


def _leak_sources(
    report: dict[str, Json], session: Session, journal_path: Path, metrics: str
) -> list[tuple[str, str]]:
    sources = [
        ("report (JSON)", json.dumps(report)),
        ("report (HTML)", render_html(report)),
        ("report (Markdown)", render_markdown(report)),
        ("metrics", metrics),
    ]
    journal_text = ""
    for suffix in ("", "-wal"):
        file = journal_path.with_name(journal_path.name + suffix)
        if file.exists():
            journal_text += file.read_bytes().decode("latin-1")
    sources.append(("journal", journal_text))
    if session.log_text is not None:
        sources.append(("logs", session.log_text()))
    return sources


def write_reports(
    report: Mapping[str, Json], base: Path, formats: frozenset[str]
) -> dict[str, Path]:
    """The JSON always (it is the source of truth), HTML and Markdown when asked for."""
    paths = {"json": base.with_suffix(".json")}
    paths["json"].write_text(json.dumps(report, indent=1, sort_keys=False), encoding="utf-8")
    if "html" in formats:
        paths["html"] = base.with_suffix(".html")
        paths["html"].write_text(render_html(report), encoding="utf-8")
    if "md" in formats:
        paths["md"] = base.with_suffix(".md")
        paths["md"].write_text(render_markdown(report), encoding="utf-8")
    return paths
