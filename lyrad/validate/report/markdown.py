"""The Markdown report for tickets, rendered from the JSON report alone."""

from __future__ import annotations

from collections.abc import Mapping

from lyrad.validate.report.jsonview import items, number, obj, text


def _cell(value: object) -> str:
    return text(value, "—").replace("|", "\\|").replace("\n", " ")


def render_markdown(report: Mapping[str, object]) -> str:
    header, verdict = obj(report.get("header")), obj(report.get("verdict"))
    total, coverage = number(verdict.get("total")) or 0.0, number(verdict.get("coverage")) or 0.0
    lines = [
        f"# lyrad validation: {_cell(header.get('venue'))} {_cell(header.get('symbol'))}",
        "",
        f"**Verdict: {_cell(verdict.get('verdict'))}** — total {total:.1f}/100, "
        f"coverage {coverage:.0%}",
        "",
    ]
    lines += [f"- {_cell(reason)}" for reason in items(verdict.get("reasons"))]
    gates = [text(g) for g in items(verdict.get("failing_gates"))]
    if gates:
        lines.append(f"- failing gates: {', '.join(gates)}")
    lines += ["", "| Category | Score |", "|---|---|"]
    for name, entry in obj(verdict.get("categories")).items():
        score = number(obj(entry).get("score"))
        lines.append(f"| {_cell(name)} | {'n/a' if score is None else f'{score:.1f}'}/25 |")
    lines += [
        "",
        f"Mode {_cell(header.get('mode'))}, key {_cell(header.get('key_id'))}, "
        f"lyrad {_cell(header.get('lyrad_version'))}, ccxt {_cell(header.get('ccxt_version'))}, "
        f"run {_cell(header.get('started_at'))} → {_cell(header.get('finished_at'))}",
        "",
        "| Check | W | State | Summary |",
        "|---|---|---|---|",
    ]
    for entry in items(report.get("checks")):
        check = obj(entry)
        gate = " (gate)" if check.get("gate") else ""
        lines.append(
            f"| {_cell(check.get('id'))}{gate} {_cell(check.get('title'))} "
            f"| {_cell(check.get('weight'))} | {_cell(check.get('state'))} "
            f"| {_cell(check.get('summary'))} |"
        )
    diff = obj(report.get("diff"))
    if diff:
        lines += [
            "",
            f"Since the baseline: {_cell(diff.get('verdict_before'))} → "
            f"{_cell(diff.get('verdict_after'))}",
        ]
        lines += [
            f"- {_cell(obj(c).get('id'))}: {_cell(obj(c).get('before'))} → "
            f"{_cell(obj(c).get('after'))}"
            for c in items(diff.get("changed"))
        ]
    exposure = obj(report.get("exposure"))
    if exposure:
        lines += [
            "",
            f"**TRIPWIRE**: far order {_cell(exposure.get('client_order_id'))} filled "
            f"{_cell(exposure.get('filled'))}; exposure {_cell(exposure.get('open_exposure'))}",
        ]
    return "\n".join(lines) + "\n"
