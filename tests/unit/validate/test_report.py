"""Rendering from the JSON alone: every value escaped, the sections there, the diff right."""

from __future__ import annotations

from typing import Any

from lyrad.validate.report.diff import diff_reports
from lyrad.validate.report.html import render_html
from lyrad.validate.report.markdown import render_markdown
from lyrad.validate.report.svg import category_bars, histogram, timeline

HOSTILE = '<script>alert("x")</script>'


def _report(verdict: str = "NO-GO", **changes: Any) -> dict[str, Any]:
    report: dict[str, Any] = {
        "schema": "lyrad.validation/1",
        "header": {"venue": "binance", "symbol": "BTC/USDT", "mode": "live", "key_id": "…abcd"},
        "verdict": {
            "verdict": verdict,
            "total": 81.5,
            "coverage": 0.94,
            "failing_gates": ["SEC-04"],
            "reasons": ["gate checks failed: SEC-04"],
            "categories": {
                "TEC": {"score": 25},
                "SEC": {"score": 12.5},
                "TRD": {"score": None},
                "PRD": {"score": 24},
            },
            "not_applicable": [{"id": "TEC-11", "reason": "no streams"}],
            "not_run": [{"id": "TRD-14", "reason": "micro-trade checks not run"}],
        },
        "checks": [
            {
                "id": "SEC-04",
                "title": "Withdrawals disabled on the key",
                "weight": 5,
                "gate": True,
                "state": "FAIL",
                "duration_s": 0.1,
                "summary": f"the key can withdraw {HOSTILE}",
                "remediation": "create a key without withdrawal permission",
                "evidence": {"measured": {"enable_withdrawals": True}, "calls": []},
            },
            {
                "id": "TEC-04",
                "title": "Ticker valid",
                "weight": 1.5,
                "gate": False,
                "state": "PASS",
                "duration_s": 0.01,
                "summary": "a | b",
                "evidence": {},
            },
        ],
        "latency": {
            "public": {
                "samples": 3,
                "p50_ms": 12.0,
                "edges_ms": [5, 10, 25],
                "counts": [0, 1, 2, 0],
            }
        },
        "rate_limit_timeline": [[0.0, 10], [1.5, 40]],
        "clock_skew": {"skew_ms": 3, "rtt_ms": 20, "recv_window_ms": 10000},
        "orders": {
            "ledger": [{"client_order_id": "lyrav-1-01", "state": "cancelled", "fees": {}}],
            "orders_sent": 1,
            "cancels_sent": 1,
        },
        "exposure": None,
        "capabilities": {"has": {"createOrder": True, "watchOrders": None}},
        "diff": None,
    }
    report.update(changes)
    return report


def test_html_escapes_everything_and_has_each_section() -> None:
    html = render_html(_report())
    assert HOSTILE not in html
    assert "&lt;script&gt;" in html
    assert '<div id="verdict" class="verdict v-NO-GO">NO-GO</div>' in html
    assert "failing gates: <b>SEC-04</b>" in html
    for section in ("Checks", "Latency", "Rate-limit usage", "Orders ledger", "Capability matrix"):
        assert f"<h2>{section}</h2>" in html
    assert html.count("<svg") == 3
    assert "create a key without withdrawal permission" in html


def test_html_survives_a_report_missing_its_parts() -> None:
    html = render_html({"schema": "lyrad.validation/1"})
    assert '<div id="verdict" class="verdict v-UNKNOWN">UNKNOWN</div>' in html


def test_the_tripwire_is_shown_loudly() -> None:
    exposure = {"client_order_id": "lyrav-1-02", "filled": "0.001", "open_exposure": "buy 0.001"}
    html = render_html(_report(exposure=exposure))
    assert '<p id="exposure" class="s-FAIL">TRIPWIRE: far order lyrav-1-02' in html
    assert "**TRIPWIRE**" in render_markdown(_report(exposure=exposure))


def test_markdown_table_for_tickets() -> None:
    text = render_markdown(_report())
    assert "**Verdict: NO-GO** — total 81.5/100, coverage 94%" in text
    assert "| SEC-04 (gate) Withdrawals disabled on the key | 5 | FAIL |" in text
    assert "| a \\| b |" in text  # a pipe in a value does not break the table
    assert "| TRD | n/a/25 |" in text


def test_the_diff_lists_changed_checks() -> None:
    before = _report("GO")
    after = _report()
    after["checks"][1] = dict(after["checks"][1], state="FAIL")
    diff = diff_reports(before, after)
    assert diff["verdict_before"] == "GO"
    assert diff["changed"] == [{"id": "TEC-04", "before": "PASS", "after": "FAIL"}]
    assert "TEC-04: PASS → FAIL" in render_markdown(dict(after, diff=diff))


def test_svg_plots() -> None:
    bars = category_bars([("TEC", 25.0), ("SEC", 10.0), ("TRD", None)])
    assert bars.count("<rect") == 6
    assert "n/a/25" in bars
    assert "#c62828" in bars  # below the 15-point floor
    assert histogram("x", [5.0], [1, 2]).count("<rect") == 2
    assert "limit 100" in timeline([(0.0, 1.0), (2.0, 50.0)], 100.0)
    assert "no rate-limit samples" in timeline([], None)
