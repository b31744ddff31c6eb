"""Inline SVG plots for the HTML report: category bars, latency histograms, a usage timeline."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

_FONT = 'font-family="sans-serif" font-size="11"'


def category_bars(scores: Sequence[tuple[str, float | None]], *, full: float = 25.0) -> str:
    """One horizontal bar per category, out of `full` points, the 15-point floor marked."""
    width, row, left = 420, 26, 60
    height = row * len(scores) + 10
    parts = [
        f'<svg class="plot" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    span = width - left - 60
    floor_x = left + span * 15 / full
    for i, (name, score) in enumerate(scores):
        y = 5 + i * row
        value = 0.0 if score is None else max(0.0, min(full, score))
        color = "#2e7d32" if value >= 15 else "#c62828"
        label = "n/a" if score is None else f"{score:.1f}"
        parts.append(f'<text x="0" y="{y + 15}" {_FONT}>{escape(name)}</text>')
        parts.append(f'<rect x="{left}" y="{y}" width="{span}" height="18" fill="#eee"/>')
        parts.append(
            f'<rect x="{left}" y="{y}" width="{span * value / full:.1f}" height="18" '
            f'fill="{color}"/>'
        )
        parts.append(f'<text x="{left + span + 6}" y="{y + 14}" {_FONT}>{label}/25</text>')
    parts.append(
        f'<line x1="{floor_x:.1f}" y1="0" x2="{floor_x:.1f}" y2="{height}" '
        'stroke="#555" stroke-dasharray="3,3"/></svg>'
    )
    return "".join(parts)


def histogram(title: str, edges: Sequence[float], counts: Sequence[int]) -> str:
    """Bars per latency bucket; the last bucket is "above the last edge"."""
    width, height, bottom = 360, 150, 30
    n = len(counts)
    bar = (width - 20) / max(n, 1)
    top = max(counts) if counts and max(counts) > 0 else 1
    parts = [
        f'<svg class="plot" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
        f'<text x="4" y="12" {_FONT}>{escape(title)}</text>',
    ]
    for i, count in enumerate(counts):
        h = (height - bottom - 20) * count / top
        x = 10 + i * bar
        y = height - bottom - h
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar - 2:.1f}" height="{h:.1f}" '
            f'fill="#1565c0"><title>{count}</title></rect>'
        )
        label = f"≤{edges[i]:g}" if i < len(edges) else f">{edges[-1]:g}" if edges else ""
        parts.append(
            f'<text x="{x:.1f}" y="{height - 14}" font-size="8" '
            f'font-family="sans-serif">{escape(label)}</text>'
        )
    parts.append(f'<text x="{width - 40}" y="{height - 2}" {_FONT}>ms</text></svg>')
    return "".join(parts)


def timeline(points: Sequence[tuple[float, float]], limit: float | None) -> str:
    """Weight used against seconds into the run, with the venue's limit if known."""
    width, height, pad = 420, 160, 30
    if not points:
        return '<p class="muted">no rate-limit samples</p>'
    t_max = max(t for t, _ in points) or 1.0
    y_max = max([u for _, u in points] + ([limit] if limit else [])) or 1.0

    def xy(t: float, used: float) -> str:
        x = pad + (width - 2 * pad) * t / t_max
        y = height - pad - (height - 2 * pad) * used / y_max
        return f"{x:.1f},{y:.1f}"

    line = " ".join(xy(t, u) for t, u in points)
    parts = [
        f'<svg class="plot" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
        f'<polyline points="{line}" fill="none" stroke="#6a1b9a" stroke-width="1.5"/>',
        f'<text x="4" y="12" {_FONT}>weight used (max {max(u for _, u in points):g})</text>',
        f'<text x="{width - 80}" y="{height - 6}" {_FONT}>{t_max:.1f} s</text>',
    ]
    if limit:
        y = height - pad - (height - 2 * pad) * limit / y_max
        parts.append(
            f'<line x1="{pad}" y1="{y:.1f}" x2="{width - pad}" y2="{y:.1f}" '
            'stroke="#c62828" stroke-dasharray="4,3"/>'
        )
        parts.append(f'<text x="{pad}" y="{y - 3:.1f}" {_FONT}>limit {limit:g}</text>')
    parts.append("</svg>")
    return "".join(parts)
