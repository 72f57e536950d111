"""Charts as inline SVG: readable without JavaScript, in any browser."""

from __future__ import annotations

from datetime import datetime
from html import escape

WIDTH, HEIGHT = 640, 180
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 28


def line_chart(points: list[tuple[datetime, float | None]], label: str, unit: str) -> str:
    """An SVG line chart of `points`; gaps where a value is missing."""
    known = [(t, v) for t, v in points if v is not None]
    title = f"{label} ({unit})"
    if len(known) < 2:
        return f'<p class="muted">{escape(title)}: not enough history yet.</p>'
    # Every chart of an asset spans the same time, even where a value is missing.
    start, end = points[0][0], points[-1][0]
    span = max((end - start).total_seconds(), 1.0)
    low = min(v for _, v in known)
    high = max(v for _, v in known)
    if unit != "°C":  # amounts read best from zero; temperatures do not
        low, high = min(low, 0.0), max(high, 0.0)
    if high - low < 1e-9:
        low, high = low - 1, high + 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(moment: datetime) -> float:
        return LEFT + (moment - start).total_seconds() / span * plot_w

    def y(value: float) -> float:
        return TOP + (high - value) / (high - low) * plot_h

    paths: list[str] = []
    current: list[str] = []
    for moment, value in points:
        if value is None:
            if current:
                paths.append(" ".join(current))
                current = []
            continue
        command = "M" if not current else "L"
        current.append(f"{command}{x(moment):.1f},{y(value):.1f}")
    if current:
        paths.append(" ".join(current))
    lines = "".join(f'<path d="{p}" class="series"/>' for p in paths)
    return (
        f'<figure class="chart"><figcaption>{escape(title)}</figcaption>'
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}">'
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" '
        f'class="axis"/>'
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" class="axis"/>'
        f'<text x="{LEFT - 6}" y="{TOP + 4}" class="tick" text-anchor="end">{high:.1f}</text>'
        f'<text x="{LEFT - 6}" y="{TOP + plot_h}" class="tick" text-anchor="end">{low:.1f}</text>'
        f'<text x="{LEFT}" y="{HEIGHT - 8}" class="tick">{start:%d %b %H:%M}</text>'
        f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 8}" class="tick" text-anchor="end">'
        f"{end:%d %b %H:%M}</text>"
        f"{lines}</svg></figure>"
    )


BAR_ROW, BAR_LABEL = 26, 110


def bar_chart(bars: list[tuple[str, int]], label: str) -> str:
    """A horizontal SVG bar per (name, count); each bar's class is its name, lowercased."""
    title = escape(label)
    if not any(count for _, count in bars):
        return f'<p class="muted">{title}: nothing yet.</p>'
    most = max(count for _, count in bars)
    # Room on the right for the longest count's digits.
    plot_w = WIDTH - BAR_LABEL - RIGHT - 8 * len(str(most))
    height = TOP + len(bars) * BAR_ROW + 4
    rows: list[str] = []
    for index, (name, count) in enumerate(bars):
        top = TOP + index * BAR_ROW
        width = count / most * plot_w
        rows.append(
            f'<text x="{BAR_LABEL - 8}" y="{top + 15}" class="tick" text-anchor="end">'
            f"{escape(name)}</text>"
            f'<rect x="{BAR_LABEL}" y="{top + 3}" width="{width:.1f}" height="{BAR_ROW - 8}" '
            f'class="bar {escape(name.lower())}"/>'
            f'<text x="{BAR_LABEL + width + 6:.1f}" y="{top + 15}" class="tick">{count}</text>'
        )
    return (
        f'<figure class="chart"><figcaption>{title}</figcaption>'
        f'<svg viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{title}">'
        f"{''.join(rows)}</svg></figure>"
    )


COLUMN_LABELS = 12  # at most this many labels under the columns


def column_chart(columns: list[tuple[str, str, float]], label: str, unit: str) -> str:
    """A vertical SVG column per (tick, name, amount), from zero: the tick
    (short) labels the axis, the name and amount show on hover."""
    title = f"{label} ({unit})"
    if not any(value for _, _, value in columns):
        return f'<p class="muted">{escape(title)}: nothing in this span.</p>'
    low = min(0.0, *(value for _, _, value in columns))
    high = max(0.0, *(value for _, _, value in columns))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / len(columns)
    every = max(1, -(-len(columns) // COLUMN_LABELS))  # ceiling division

    def y(value: float) -> float:
        return TOP + (high - value) / (high - low) * plot_h

    parts: list[str] = []
    for index, (tick, name, value) in enumerate(columns):
        left = LEFT + index * step
        top, bottom = sorted((y(value), y(0.0)))
        parts.append(
            f'<rect x="{left + step * 0.1:.1f}" y="{top:.1f}" width="{step * 0.8:.1f}" '
            f'height="{bottom - top:.1f}" class="bar{" negative" if value < 0 else ""}">'
            f"<title>{escape(name)}: {value:.2f} {escape(unit)}</title></rect>"
        )
        if index % every == 0:
            parts.append(
                f'<text x="{left + step / 2:.1f}" y="{HEIGHT - 8}" class="tick" '
                f'text-anchor="middle">{escape(tick)}</text>'
            )
    return (
        f'<figure class="chart"><figcaption>{escape(title)}</figcaption>'
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}">'
        f'<line x1="{LEFT}" y1="{y(0.0):.1f}" x2="{WIDTH - RIGHT}" y2="{y(0.0):.1f}" '
        f'class="axis"/>'
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" class="axis"/>'
        f'<text x="{LEFT - 6}" y="{TOP + 4}" class="tick" text-anchor="end">{high:.1f}</text>'
        f'<text x="{LEFT - 6}" y="{TOP + plot_h}" class="tick" text-anchor="end">{low:.1f}</text>'
        f"{''.join(parts)}</svg></figure>"
    )
