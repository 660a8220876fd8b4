"""Charts as inline SVG, drawn here (no library, no script): a calendar heatmap, vertical
(stacked) bars and horizontal bars.

Colours are CSS classes (``c-new``, ``h3``, ...), so the page's stylesheet picks them for light,
dark and print. Every text that goes in (titles, labels, tooltips) is escaped here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from functools import lru_cache
from html import escape

FONT = 10  # px, axis labels


def _e(text: object) -> str:
    return escape(str(text), quote=True)


@lru_cache(maxsize=8192)  # a class's 500 feedback sheets draw the same few coordinates 10^6 times
def _num(x: float) -> str:
    """Coordinates with at most two decimals."""
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _svg(width: float, height: float, title: str, body: list[str], cls: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {cls}" viewBox="0 0 {_num(width)} '
            f'{_num(height)}" width="{_num(width)}" height="{_num(height)}" role="img" '
            f'aria-label="{_e(title)}"><title>{_e(title)}</title>' + "".join(body) + "</svg>")


def _nice_max(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^k at least ``value`` (the top of an axis)."""
    if value <= 0:
        return 1
    k = 1.0
    while k * 10 <= value:
        k *= 10
    while k > value * 10:
        k /= 10
    for m in (1, 2, 2.5, 5, 10):
        if m * k >= value:
            return m * k
    return 10 * k


def _tick(value: float) -> str:
    if value >= 10_000:
        return f"{value / 1000:g}k"
    return f"{value:g}"


def heatmap(days: Sequence[tuple[date, int]], title: str, weekdays: Sequence[str], months: Sequence[str],
            tooltip: str, less: str, more: str) -> str:
    """A year of days as weeks (columns) × weekdays (rows, Monday first); darker is more.

    ``tooltip`` is a format with ``{d}`` (the date) and ``{n}`` (the count)."""
    cell, gap, left, top = 11, 2, 30, 16
    if not days:
        days = [(date(2000, 1, 3), 0)]
    first = days[0][0]
    offset = first.weekday()
    weeks = (offset + len(days) + 6) // 7
    peak = max((n for _, n in days), default=0)
    body = []
    for row, name in enumerate(weekdays):
        if row % 2 == 0:
            y = top + row * (cell + gap) + cell - 2
            body.append(f'<text class="axis" x="{left - 4}" y="{y}" text-anchor="end">{_e(name)}</text>')
    last_month = None
    for k, (day, n) in enumerate(days):
        col, row = divmod(offset + k, 7)
        x, y = left + col * (cell + gap), top + row * (cell + gap)
        if row == 0 and day.day <= 7 and day.month != last_month and col < weeks - 1:
            body.append(f'<text class="axis" x="{x}" y="{top - 5}">{_e(months[day.month - 1])}</text>')
            last_month = day.month
        level = 0 if n == 0 or peak == 0 else min(4, 1 + int(4 * (n - 1) / peak))
        tip = tooltip.format(d=day.isoformat(), n=f"{n:,}")
        body.append(f'<rect class="h{level}" x="{x}" y="{y}" width="{cell}" height="{cell}" rx="2">'
                    f"<title>{_e(tip)}</title></rect>")
    height = top + 7 * (cell + gap) + 20
    width = left + weeks * (cell + gap) + 4
    # legend: Less □□□□□ More, at the bottom right
    lx = width - 5 * (cell + gap) - 40
    ly = height - 13
    body.append(f'<text class="axis" x="{lx - 4}" y="{ly + cell - 2}" text-anchor="end">{_e(less)}</text>')
    for level in range(5):
        body.append(f'<rect class="h{level}" x="{lx + level * (cell + gap)}" y="{ly}" width="{cell}" '
                    f'height="{cell}" rx="2"/>')
    body.append(f'<text class="axis" x="{lx + 5 * (cell + gap) + 2}" y="{ly + cell - 2}">{_e(more)}</text>')
    return _svg(width, height, title, body, "heatmap")


def bars(labels: Sequence[str], series: Sequence[tuple[str, str, Sequence[float]]], title: str,
         tooltips: Sequence[str], every: int = 7, height: float = 170) -> str:
    """Vertical bars, one per label; with several series they are stacked (bottom first).

    ``series``: (CSS class, name, values). ``tooltips``: one text per bar."""
    n = max(len(labels), 1)
    left, right, top, bottom = 36, 8, 10, 22
    width = max(940.0, left + right + n * 16)
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(s[2][k] for s in series) for k in range(len(labels))]
    peak = _nice_max(max(totals, default=0))
    step = plot_w / n
    bw = max(step * 0.72, 1)
    body = []
    for frac in (0, 0.5, 1):
        y = top + plot_h * (1 - frac)
        body.append(f'<line class="grid" x1="{left}" x2="{_num(width - right)}" y1="{_num(y)}" '
                    f'y2="{_num(y)}"/>')
        body.append(f'<text class="axis" x="{left - 4}" y="{_num(y + 3)}" text-anchor="end">'
                    f"{_e(_tick(peak * frac))}</text>")
    for k, label in enumerate(labels):
        x = left + k * step + (step - bw) / 2
        base = top + plot_h
        parts = []
        for cls, _name, values in series:
            v = values[k]
            if v <= 0:
                continue
            h = plot_h * v / peak
            base -= h
            parts.append(f'<rect class="{_e(cls)}" x="{_num(x)}" y="{_num(base)}" width="{_num(bw)}" '
                         f'height="{_num(h)}"/>')
        tip = tooltips[k] if k < len(tooltips) else label
        # a transparent full-height target carries the tooltip, also for empty days
        body.append(f'<g><title>{_e(tip)}</title><rect class="hit" x="{_num(left + k * step)}" y="{top}" '
                    f'width="{_num(step)}" height="{_num(plot_h)}"/>' + "".join(parts) + "</g>")
        if k % every == 0 or k == len(labels) - 1 and n <= 12:
            body.append(f'<text class="axis" x="{_num(left + k * step + step / 2)}" y="{_num(height - 7)}" '
                        f'text-anchor="middle">{_e(label)}</text>')
    return _svg(width, height, title, body, "bars")


def hbars(rows: Sequence[tuple[str, float | None, str]], title: str, label_width: float = 230,
          width: float = 940) -> str:
    """Horizontal bars of values 0–1 (a share), one row each: (label, value or None, text)."""
    row_h, top = 22, 4
    height = top + max(len(rows), 1) * row_h + 4
    plot_w = width - label_width - 170
    body = []
    for k, (label, value, text) in enumerate(rows):
        y = top + k * row_h
        short = label if len(label) <= 36 else label[:35] + "…"
        body.append(f'<g><title>{_e(label)}: {_e(text)}</title><text class="label" x="{label_width - 8}" '
                    f'y="{y + 15}" text-anchor="end">{_e(short)}</text><rect class="track" x="{label_width}" '
                    f'y="{y + 4}" width="{_num(plot_w)}" height="14" rx="3"/>')
        if value is not None and value > 0:
            body.append(f'<rect class="bar" x="{label_width}" y="{y + 4}" '
                        f'width="{_num(plot_w * min(value, 1))}" height="14" rx="3"/>')
        body.append(f'<text class="value" x="{_num(label_width + plot_w + 6)}" y="{y + 15}">{_e(text)}</text>'
                    "</g>")
    return _svg(width, height, title, body, "hbars")


def week_sums(days: Sequence[tuple[date, int]]) -> list[tuple[date, int]]:
    """(Monday, reviews) of each week the days touch."""
    out: dict[date, int] = {}
    for day, n in days:
        monday = day - timedelta(days=day.weekday())
        out[monday] = out.get(monday, 0) + n
    return sorted(out.items())
