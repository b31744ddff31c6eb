"""The report as JSON (VALIDATION.md §6.5): the source of truth HTML and Markdown render from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from lyrad.domain.values import ZERO, Side
from lyrad.validate.calls import CallKind
from lyrad.validate.catalogue import CATALOGUE
from lyrad.validate.context import RunContext
from lyrad.validate.model import CheckResult, Json, State
from lyrad.validate.report.diff import diff_reports
from lyrad.validate.scoring import Scorecard, Verdict
from lyrad.validate.stats import LATENCY_EDGES_MS, histogram, percentile

SCHEMA = "lyrad.validation/1"
CERTIFICATION_DAYS = 30


@dataclass(frozen=True, slots=True)
class RunInfo:
    """What the report header says about the run, beyond the context."""

    run_id: str
    started: dt.datetime
    finished: dt.datetime
    lyrad_version: str
    ccxt_version: str
    timeline: Sequence[tuple[float, int]] = ()  # (seconds into the run, weight used)
    order_plan: Sequence[Mapping[str, Json]] = ()


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


def check_json(result: CheckResult) -> dict[str, Json]:
    spec = result.spec
    return {
        "id": spec.id,
        "title": spec.title,
        "category": spec.category.value,
        "weight": spec.weight,
        "gate": spec.gate,
        "state": result.state.value,
        "credit": result.credit if result.state.ran else None,
        "duration_s": round(result.duration_s, 4),
        "summary": result.summary,
        "criterion": spec.criterion,
        "remediation": spec.remediation if result.state in _NEEDS_REMEDY else None,
        "deviation": result.deviation,
        "evidence": {
            "measured": dict(result.measured),
            "problems": list(result.problems),
            "calls": [call.as_json() for call in result.calls],
        },
    }


_NEEDS_REMEDY = frozenset({State.FAIL, State.WARN, State.ERROR})


def verdict_json(card: Scorecard, results: Sequence[CheckResult]) -> dict[str, Json]:
    return {
        "verdict": card.verdict.value,
        "total": round(card.total, 2),
        "coverage": round(card.coverage, 4),
        "failing_gates": list(card.failing_gates),
        "errors": list(card.errors),
        "reasons": list(card.reasons),
        "categories": {
            c.value: {
                "title": c.label,
                "score": None if s.score is None else round(s.score, 2),
                "ran_weight": s.ran_weight,
                "applicable_weight": s.applicable_weight,
                "weight": s.total_weight,
            }
            for c, s in card.categories.items()
        },
        "not_applicable": _listed(results, State.NOT_APPLICABLE),
        "not_run": _listed(results, State.NOT_RUN),
    }


def _listed(results: Sequence[CheckResult], state: State) -> list[Json]:
    return [{"id": r.spec.id, "reason": r.summary} for r in results if r.state is state]


def latency_json(ctx: RunContext) -> dict[str, Json]:
    out: dict[str, Json] = {}
    for kind in CallKind:
        values = ctx.calls.latencies_ms(kind)
        out[kind.value] = {
            "samples": len(values),
            "p50_ms": None if not values else round(percentile(values, 50), 3),
            "p99_ms": None if not values else round(percentile(values, 99), 3),
            "edges_ms": list(LATENCY_EDGES_MS),
            "counts": histogram(values, LATENCY_EDGES_MS),
        }
    return out


def orders_json(ctx: RunContext, results: Sequence[CheckResult]) -> dict[str, Json]:
    desk = ctx.desk
    fees: dict[str, Decimal] = {}
    for entry in desk.ledger:
        for asset, fee in entry.fees.items():
            fees[asset] = fees.get(asset, ZERO) + fee
    slippage = next(
        (r.measured.get("slippage_bps") for r in results if r.spec.id == "TRD-17"), None
    )
    cleanup = ctx.facts.cleanup
    return {
        "ledger": [entry.as_json() for entry in desk.ledger],
        "orders_sent": desk.orders_sent,
        "cancels_sent": desk.cancels_sent,
        "young_cancels": desk.young_cancels,
        "fees": {asset: str(fee) for asset, fee in sorted(fees.items())},
        "run_cost": _run_cost(ctx),
        "slippage_bps": slippage,
        "cleanup": None
        if cleanup is None
        else {
            "cancelled": list(cleanup.cancelled),
            "still_open": list(cleanup.still_open),
            "older_suite_orders": list(cleanup.older_suite_orders),
            "problems": list(cleanup.problems),
        },
    }


def _run_cost(ctx: RunContext) -> str | None:
    """What the run's fills cost in the quote currency: fees plus spread and slippage, the
    base held at the end valued at the last fill price."""
    market = ctx.facts.market
    filled = [e for e in ctx.desk.ledger if e.filled > ZERO]
    if market is None or not filled:
        return None
    quote = base = ZERO
    for entry in filled:
        sign = 1 if entry.side is Side.BUY else -1
        base += sign * entry.filled
        quote -= sign * entry.cost
        fees = entry.fees
        base -= fees.get(market.base, ZERO)
        quote -= fees.get(market.quote, ZERO)
    last = filled[-1].cost / filled[-1].filled
    return str(-(quote + base * last))


def exposure_json(ctx: RunContext) -> dict[str, Json] | None:
    tripwire = ctx.desk.tripwire
    if tripwire is None:
        return None
    flattened = [e for e in ctx.desk.ledger if e.purpose == "flatten"]
    return {
        "client_order_id": tripwire.client_order_id,
        "side": tripwire.side.value,
        "filled": str(tripwire.filled),
        "price": None if tripwire.price is None else str(tripwire.price),
        "cost": str(tripwire.cost),
        "flattened": bool(flattened) and all(e.filled == e.amount for e in flattened),
        "open_exposure": "flattened" if flattened else f"{tripwire.side.value} {tripwire.filled}",
    }


def capabilities_json(ctx: RunContext) -> dict[str, Json] | None:
    if ctx.extras is None:
        return None
    description = ctx.extras.describe()
    return {
        "exchange": description.exchange_id,
        "library": description.library_version,
        "has": {k: v for k, v in sorted(description.has.items())},
        "features": dict(description.features),
        "post_only": description.post_only,
    }


def build_report(
    ctx: RunContext,
    results: Sequence[CheckResult],
    card: Scorecard,
    info: RunInfo,
    *,
    redact: Callable[[Json], Json],
    baseline: Mapping[str, object] | None = None,
) -> dict[str, Json]:
    """The whole report, every string passed through `redact`."""
    options = ctx.options
    expires = (
        _iso(info.finished + dt.timedelta(days=CERTIFICATION_DAYS))
        if card.verdict is Verdict.GO
        else None
    )
    report: dict[str, Json] = {
        "schema": SCHEMA,
        "header": {
            "run_id": info.run_id,
            "venue": options.venue,
            "exchange": options.exchange,
            "market_type": "spot",
            "symbol": options.symbol,
            "mode": options.mode.value,
            "flags": options.flags(),
            "lyrad_version": info.lyrad_version,
            "ccxt_version": info.ccxt_version,
            "config_hash": options.config_hash,
            "key_id": options.key_id,
            "key_source": options.credential_source,
            "started_at": _iso(info.started),
            "finished_at": _iso(info.finished),
            "expires_at": expires,
        },
        "verdict": verdict_json(card, results),
        "checks": [check_json(r) for r in sorted(results, key=lambda r: _ORDER[r.spec.id])],
        "latency": latency_json(ctx),
        "rate_limit_timeline": [[round(t, 3), used] for t, used in info.timeline],
        "clock_skew": dict(ctx.facts.clock_skew),
        "orders": orders_json(ctx, results),
        "exposure": exposure_json(ctx),
        "capabilities": capabilities_json(ctx),
        "deviations": {
            "used": [r.deviation for r in results if r.deviation],
            "expired": [s.describe() for s in ctx.deviations.expired(info.finished.date())],
            "tolerances": dict(ctx.deviations.tolerances),
        },
        "order_plan": [dict(step) for step in info.order_plan],
        "diff": None,
    }
    if baseline is not None:
        report["diff"] = diff_reports(baseline, report)
    return {key: redact(value) for key, value in report.items()}


_ORDER = {check: i for i, check in enumerate(CATALOGUE)}
