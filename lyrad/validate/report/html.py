"""The HTML report, rendered from the JSON report alone: one self-contained page, no scripts."""

from __future__ import annotations

import json
from collections.abc import Mapping
from html import escape

from lyrad.validate.report import svg
from lyrad.validate.report.jsonview import items, number, obj, path, text

_STYLE = """
body{font-family:sans-serif;margin:24px;color:#222;max-width:1200px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}
.verdict{display:inline-block;padding:10px 22px;font-size:28px;font-weight:bold;color:#fff;
border-radius:6px}.v-GO{background:#2e7d32}.v-NO-GO{background:#b71c1c}
.v-INCOMPLETE{background:#ef6c00}.v-NOT-YET{background:#f9a825}.v-NOT-READY{background:#c62828}
.v-POSTPONED{background:#546e7a}table{border-collapse:collapse;width:100%;font-size:12px}
td,th{border:1px solid #ddd;padding:4px 6px;vertical-align:top;text-align:left}
th{background:#f5f5f5}.s-PASS{color:#2e7d32;font-weight:bold}.s-FAIL,.s-ERROR{color:#b71c1c;
font-weight:bold}.s-WARN{color:#ef6c00;font-weight:bold}.muted{color:#777}
details pre{white-space:pre-wrap;font-size:11px;background:#fafafa;padding:6px}
.grid{display:flex;flex-wrap:wrap;gap:16px}.plot{border:1px solid #eee}
.caps{column-count:4;font-size:11px;list-style:none;padding:0}
.gate{font-size:9px;background:#b71c1c;color:#fff;padding:0 3px;border-radius:3px}
"""


def _esc(value: object) -> str:
    return escape(text(value, "—"))


def _table(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _header(report: Mapping[str, object]) -> str:
    header = obj(report.get("header"))
    fields = [
        ("Venue", header.get("venue")),
        ("Exchange", header.get("exchange")),
        ("Symbol", header.get("symbol")),
        ("Mode", header.get("mode")),
        ("Key", header.get("key_id")),
        ("Key source", header.get("key_source")),
        ("lyrad", header.get("lyrad_version")),
        ("ccxt", header.get("ccxt_version")),
        ("Config hash", header.get("config_hash")),
        ("Started", header.get("started_at")),
        ("Finished", header.get("finished_at")),
        ("Certified until", header.get("expires_at")),
        ("Flags", json.dumps(header.get("flags"), sort_keys=True)),
    ]
    return _table(["Field", "Value"], [[escape(k), _esc(v)] for k, v in fields])


def _verdict(report: Mapping[str, object]) -> str:
    verdict = obj(report.get("verdict"))
    name = text(verdict.get("verdict"), "UNKNOWN")
    css = "v-" + name.replace(" ", "-")
    total, coverage = number(verdict.get("total")), number(verdict.get("coverage"))
    gates = ", ".join(text(g) for g in items(verdict.get("failing_gates")))
    categories = obj(verdict.get("categories"))
    bars = svg.category_bars([(f"{k}", number(obj(v).get("score"))) for k, v in categories.items()])
    reasons = "".join(f"<li>{_esc(r)}</li>" for r in items(verdict.get("reasons")))
    skipped = "".join(
        f"<li><b>{_esc(obj(e).get('id'))}</b> {kind}: {_esc(obj(e).get('reason'))}</li>"
        for kind, key in (("N/A", "not_applicable"), ("NOT RUN", "not_run"))
        for e in items(verdict.get(key))
    )
    return (
        f'<div id="verdict" class="verdict {escape(css)}">{escape(name)}</div>'
        f"<p>Total <b>{(total or 0):.1f}</b>/100 · coverage <b>{(coverage or 0):.0%}</b>"
        + (f" · failing gates: <b>{escape(gates)}</b>" if gates else "")
        + f"</p><ul>{reasons}</ul>{bars}<details><summary>N/A and NOT RUN checks</summary>"
        f"<ul>{skipped}</ul></details>"
    )


def _checks(report: Mapping[str, object]) -> str:
    rows = []
    for entry in items(report.get("checks")):
        check = obj(entry)
        state = text(check.get("state"))
        evidence = obj(check.get("evidence"))
        detail = escape(json.dumps(evidence, indent=1, sort_keys=True))
        gate = ' <span class="gate">gate</span>' if check.get("gate") else ""
        rows.append(
            [
                f"<b>{_esc(check.get('id'))}</b>{gate}",
                _esc(check.get("title")),
                _esc(check.get("weight")),
                f'<span class="s-{escape(state.replace(" ", "-"))}">{escape(state)}</span>',
                f"{number(check.get('duration_s')) or 0:.2f}s",
                _esc(check.get("summary"))
                + f"<details><summary>evidence</summary><pre>{detail}</pre></details>",
                _esc(check.get("remediation") or ""),
            ]
        )
    return _table(["Check", "Title", "W", "State", "Time", "Evidence", "Remediation"], rows)


def _latency(report: Mapping[str, object]) -> str:
    plots = []
    for kind, entry in obj(report.get("latency")).items():
        data = obj(entry)
        edges = [number(e) or 0.0 for e in items(data.get("edges_ms"))]
        counts = [int(number(c) or 0) for c in items(data.get("counts"))]
        p50 = number(data.get("p50_ms"))
        title = f"{kind}: {text(data.get('samples'))} samples" + (
            f", p50 {p50:.1f} ms" if p50 is not None else ""
        )
        plots.append(svg.histogram(title, edges, counts))
    return f'<div class="grid">{"".join(plots)}</div>'


def _timeline(report: Mapping[str, object]) -> str:
    points = []
    for point in items(report.get("rate_limit_timeline")):
        pair = items(point)
        if len(pair) == 2:
            points.append((number(pair[0]) or 0.0, number(pair[1]) or 0.0))
    limit = None
    for check in items(report.get("checks")):
        if obj(check).get("id") == "PRD-07":
            limit = number(path(obj(check), "evidence", "measured", "limit"))
    skew = obj(report.get("clock_skew"))
    skew_line = (
        f"<p>Clock skew sample: {_esc(skew.get('skew_ms'))} ms (round trip "
        f"{_esc(skew.get('rtt_ms'))} ms, recvWindow {_esc(skew.get('recv_window_ms'))} ms)</p>"
    )
    return svg.timeline(points, limit) + skew_line


def _orders(report: Mapping[str, object]) -> str:
    orders = obj(report.get("orders"))
    rows = [
        [
            _esc(o.get(k))
            for k in (
                "client_order_id",
                "venue_order_id",
                "purpose",
                "side",
                "price",
                "amount",
                "state",
                "filled",
            )
        ]
        + [_esc(json.dumps(o.get("fees")))]
        for o in (obj(e) for e in items(orders.get("ledger")))
    ]
    summary = (
        f"<p>{_esc(orders.get('orders_sent'))} orders sent, {_esc(orders.get('cancels_sent'))} "
        f"cancels, {_esc(orders.get('young_cancels'))} young cancels; cost of the run "
        f"{_esc(orders.get('run_cost'))}; fees "
        f"{_esc(json.dumps(orders.get('fees')))}; slippage {_esc(orders.get('slippage_bps'))} bps"
        "</p>"
    )
    exposure = obj(report.get("exposure"))
    alarm = (
        f'<p id="exposure" class="s-FAIL">TRIPWIRE: far order '
        f"{_esc(exposure.get('client_order_id'))} filled {_esc(exposure.get('filled'))}; "
        f"exposure {_esc(exposure.get('open_exposure'))}</p>"
        if exposure
        else ""
    )
    headers = ["Client id", "Venue id", "Purpose", "Side", "Price", "Amount", "State", "Filled"]
    return alarm + summary + _table([*headers, "Fees"], rows)


def _capabilities(report: Mapping[str, object]) -> str:
    capabilities = obj(report.get("capabilities"))
    if not capabilities:
        return '<p class="muted">capabilities not available from this adapter</p>'
    has = obj(capabilities.get("has"))
    cells = "".join(
        f'<li class="{"s-PASS" if v is True else "muted"}">{escape(k)}: {_esc(v)}</li>'
        for k, v in has.items()
    )
    return f'<ul class="caps">{cells}</ul>'


def _diff(report: Mapping[str, object]) -> str:
    diff = obj(report.get("diff"))
    if not diff:
        return '<p class="muted">no baseline given</p>'
    rows = [
        [_esc(obj(c).get(k)) for k in ("id", "before", "after")] for c in items(diff.get("changed"))
    ]
    return (
        f"<p>Verdict {_esc(diff.get('verdict_before'))} → {_esc(diff.get('verdict_after'))}; "
        f"total {_esc(diff.get('total_before'))} → {_esc(diff.get('total_after'))}</p>"
        + _table(["Check", "Before", "After"], rows)
    )


def render_html(report: Mapping[str, object]) -> str:
    """The whole page. Every value is escaped; nothing is loaded from the network."""
    header = obj(report.get("header"))
    title = f"lyrad validation: {text(header.get('venue'))} {text(header.get('symbol'))}"
    sections = [
        ("Verdict", _verdict(report)),
        ("Run", _header(report)),
        ("Changes since the baseline", _diff(report)),
        ("Checks", _checks(report)),
        ("Latency", _latency(report)),
        ("Rate-limit usage", _timeline(report)),
        ("Orders ledger", _orders(report)),
        ("Capability matrix", _capabilities(report)),
    ]
    body = "".join(f"<h2>{escape(name)}</h2>{html}" for name, html in sections)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><h1>{escape(title)}</h1>{body}</body></html>"
    )
