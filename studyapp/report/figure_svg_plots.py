"""Figures drawn on axes, as SVG: a curve with its tangent or secant, bars, a number line, boxes on
an image (``figure_svg`` dispatches to them)."""

from __future__ import annotations

import math
from collections.abc import Callable

from studyapp.core.figure import Bars, Boxes, Curve, NumberLine
from studyapp.core.numfmt import num
from studyapp.report.figure_svg_parts import (
    MAX_WIDTH,
    Drawn,
    svg_circle,
    svg_line,
    svg_rect,
    svg_text,
    text_width,
)
from studyapp.report.svg import _num


def curve_svg(figure: Curve, words: dict[str, str], frame: int) -> Drawn:
    """Axes, the samples as a polyline, the tangent (dashed) or secant (dotted) through the point,
    the point (●, with its coordinates) and the secant's second point (○); a key at the top left."""
    width, height, left, right, top, bottom = 360.0, 220.0, 44.0, 14.0, 12.0, 28.0
    d = figure.decimals
    samples = [(x, y) for x, y in zip(figure.xs, figure.ys, strict=False) if math.isfinite(x + y)]
    marked = [figure.point, *([figure.secant] if figure.secant else [])]
    xs, ys = [p[0] for p in samples + marked], [p[1] for p in samples + marked]
    x0, x1 = (min(xs), max(xs)) if min(xs) < max(xs) else (xs[0] - 1, xs[0] + 1)
    y_pad = (max(ys) - min(ys)) * 0.08 or 1.0
    y0, y1 = min(ys) - y_pad, max(ys) + y_pad

    def px(v: float) -> float:
        return left + (v - x0) / (x1 - x0) * (width - left - right)

    def py(v: float) -> float:
        return top + (y1 - v) / (y1 - y0) * (height - top - bottom)

    ax = py(0) if y0 <= 0 <= y1 else height - bottom
    ay = px(0) if x0 <= 0 <= x1 else left
    body = [svg_line(left, ax, width - right, ax, "axis"), svg_line(ay, top, ay, height - bottom, "axis")]
    body += _ticks([0.0, min(xs), max(xs)], x0, x1, px, 24, lambda v, at: [
        svg_line(at, ax, at, ax + 4, "tick"),
        svg_text(at + 3 * (v == 0), ax + 15, num(v, 2), "dim halo", "start" if v == 0 else "middle")])
    body += _ticks([0.0, min(ys), max(ys)], y0, y1, py, 11, lambda v, at: [
        svg_line(ay - 4, at, ay, at, "tick"), svg_text(ay - 6, at + 4, num(v, 2), "dim halo", "end")])
    points = " ".join(f"{_num(px(x))},{_num(py(y))}" for x, y in samples)
    body.append(f'<polyline class="curve" points="{points}"/>')
    (cx, cy), key, lines = figure.point, [("curve", figure.name)], []
    if figure.slope is not None:
        lines.append((figure.slope, "tangent"))
        key.append(("tangent", f"{words['slope']} = {num(figure.slope, d)}"))
    if figure.secant is not None and figure.secant[0] != cx:
        lines.append(((figure.secant[1] - cy) / (figure.secant[0] - cx), "secant"))
    for slope, cls in lines:
        ends = _clip(cx, cy, slope, x0, x1, y0, y1)
        if ends:
            body.append(svg_line(px(ends[0][0]), py(ends[0][1]), px(ends[1][0]), py(ends[1][1]), cls))
    for (vx, vy), cls in ([(figure.secant, "ring")] if figure.secant else []) + [((cx, cy), "dot")]:
        text = f"({num(vx, d)}, {num(vy, d)})"
        flip = px(vx) + 8 + text_width(text) > width
        body += [svg_circle(px(vx), py(vy), 4, cls),
                 svg_text(px(vx) + (-8 if flip else 8), py(vy) - 8, text, "halo", "end" if flip else "")]
    for k, (cls, text) in enumerate(key):
        y = top + 6 + k * 15
        body += [svg_line(left + 8, y, left + 30, y, cls), svg_text(left + 35, y + 4, text, "halo")]
    return body, width, height


def _ticks(values: list[float], lo: float, hi: float, at: Callable[[float], float], apart: float,
           draw: Callable[[float, float], list[str]]) -> list[str]:
    """A tick at each value inside [lo, hi] (0 first) at least ``apart`` px from those drawn."""
    out: list[str] = []
    drawn: list[float] = []
    for v in values:
        if lo <= v <= hi and all(abs(at(v) - p) >= apart for p in drawn):
            drawn.append(at(v))
            out += draw(v, at(v))
    return out


def _clip(x: float, y: float, slope: float, x0: float, x1: float, y0: float,
          y1: float) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """The part of the line through (x, y) with ``slope`` inside [x0, x1] × [y0, y1]."""
    lo, hi = x0, x1
    if slope:
        a, b = x + (y0 - y) / slope, x + (y1 - y) / slope
        lo, hi = max(lo, min(a, b)), min(hi, max(a, b))
    elif not y0 <= y <= y1:
        return None
    return ((lo, y + slope * (lo - x)), (hi, y + slope * (hi - x))) if lo < hi else None


# --- bars and number line ---------------------------------------------------------------------

def bars_svg(figure: Bars, words: dict[str, str], frame: int) -> Drawn:
    """A group of bars per label, one per series (told apart by fill and outline, named in a key
    at the top), each with its value; negatives hang under the zero line; the focus label bold
    on a grey band. Values turn upright when the bars would not fit side by side otherwise."""
    d, side, plot_h, size = figure.decimals, 12.0, 120.0, 9.5
    series, font = figure.series, f' font-size="{size}"'
    n, k = len(figure.labels), max(len(series), 1)
    texts = [[num(v, d) for v in values] for _, values in series]
    longest = max((text_width(t, size) for row in texts for t in row), default=10.0)
    upright = 2 * side + n * (k * max(16.0, longest + 4) + 14) > MAX_WIDTH
    bar = 16.0 if upright else max(16.0, longest + 4)
    group = k * bar + 14
    values = [v for _, vs in series for v in vs]
    hi, lo = max([0.0, *values]), min([0.0, *values])
    room = longest + 6 if upright else 14.0
    top = 22 + room
    zero = top + plot_h * hi / ((hi - lo) or 1.0)
    base = top + plot_h + (room if lo < 0 else 4)
    body: list[str] = []
    for i, label in enumerate(figure.labels):
        gx = side + i * group
        if i == figure.focus:
            body.append(svg_rect(gx - 4, 22, k * bar + 8, base + 16 - 22, "band"))
        for s, (_, vs) in enumerate(series):
            v, x = vs[i], gx + s * bar
            h = plot_h * abs(v) / ((hi - lo) or 1.0)
            y = zero - h if v >= 0 else zero
            body.append(svg_rect(x + 1, y, bar - 2, h, f"s{s % 4}"))
            ty = y - 3 if v >= 0 else y + h + (3 if upright else 10)
            if upright:  # rotated about its own anchor, reading upwards
                turn = f' transform="rotate(-90 {_num(x + bar / 2 + 3)} {_num(ty)})"'
                anchor = "start" if v >= 0 else "end"
                body.append(svg_text(x + bar / 2 + 3, ty, texts[s][i], "halo", anchor, font + turn))
            else:
                body.append(svg_text(x + bar / 2, ty, texts[s][i], "halo", "middle", font))
        body.append(svg_text(gx + k * bar / 2, base + 11, label, "b" if i == figure.focus else "", "middle"))
    width = 2 * side + n * group - 14
    body.append(svg_line(side - 4, zero, width - side + 4, zero, "zero"))
    x = side
    for s, (name, _) in enumerate(series):
        body += [svg_rect(x, 6, 12, 10, f"s{s % 4}"), svg_text(x + 16, 15, name)]
        x += 28 + text_width(name)
    return body, max(width, x), base + 18


def number_line_svg(figure: NumberLine, words: dict[str, str], frame: int) -> Drawn:
    """Two axes, each scaled to its own values: before (○), with the mean's tick and the ±σ
    bracket under it, then after (●), with its 0; every value labelled once (×n when repeated),
    the labels on two rows where they would touch."""
    d, width, left, right = figure.decimals, 440.0, 62.0, 24.0
    mean, std, body = figure.mean, figure.std, []

    def axis(values: list[float], y: float, name: str, cls: str, *extra: float) -> Callable[[float], float]:
        lo, hi = min(*values, *extra), max(*values, *extra)
        lo, hi = (lo - 1, hi + 1) if lo == hi else (lo, hi)

        def at(v: float) -> float:
            return left + (v - lo) / (hi - lo) * (width - left - right)

        body.extend([svg_text(6, y + 4, name, "b"), svg_line(left - 6, y, width - right + 6, y, "axis")])
        ends = [-1e9, -1e9]  # the right end of the last label on each row
        for v in sorted(set(values)):
            text = num(v, d) + (f" ×{values.count(v)}" if values.count(v) > 1 else "")
            start, end = at(v) - text_width(text) / 2, at(v) + text_width(text) / 2
            line = 0 if start > ends[0] + 3 else 1 if start > ends[1] + 3 else int(ends[1] < ends[0])
            ends[line] = end
            body.append(svg_text(at(v), y - 9 - 12 * line, text, "halo", "middle"))
        body.extend(svg_circle(at(v), y, 4, cls) for v in values)
        return at

    at = axis(figure.before, 48, words["before"], "ring", mean - std, mean + std)
    m, a, b = at(mean), at(mean - std), at(mean + std)
    body += [svg_line(m, 38, m, 60, "zero"), svg_text(m, 72, f"μ = {num(mean, d)}", "dim", "middle"),
             f'<path class="axis" d="M{_num(a)},78 v6 H{_num(b)} v-6"/>',
             svg_text(m, 96, f"±σ, σ = {num(std, d)}", "dim", "middle")]
    after = axis(figure.after, 146, words["after"], "dot", 0.0)
    body += [svg_line(after(0.0), 140, after(0.0), 152, "zero"),
             svg_text(after(0.0), 165, "0", "dim", "middle")]
    return body, width, 172.0


# --- boxes ------------------------------------------------------------------------------------

ROLES = ("box", "truth", "kept", "dropped", "overlap")


def boxes_svg(figure: Boxes, words: dict[str, str], frame: int) -> Drawn:
    """The image (its origin top left), the S×S grid dashed with the responsible cell shaded, the
    boxes by role (a box of no size is a point: the centre), each labelled; a key of the roles."""
    d, left, top = figure.decimals, 14.0, 16.0
    scale = min(320 / (figure.width or 1.0), 240 / (figure.height or 1.0))
    w, h = figure.width * scale, figure.height * scale
    body = [svg_rect(left, top, w, h, "image"), svg_text(left, top - 4, "0", "dim"),
            svg_text(left + w, top - 4, num(figure.width, d), "dim", "end")]
    if figure.cells:
        cw, ch = w / figure.cells, h / figure.cells
        if figure.focus_cell is not None:
            row, col = figure.focus_cell
            body.append(svg_rect(left + col * cw, top + row * ch, cw, ch, "cellfocus"))
        for k in range(1, figure.cells):
            body += [svg_line(left + k * cw, top, left + k * cw, top + h, "gridline"),
                     svg_line(left, top + k * ch, left + w, top + k * ch, "gridline")]
    taken: list[tuple[float, float, float]] = []  # (x, y, width) of each label placed
    for box in figure.boxes:
        role = box.role if box.role in ROLES else "box"
        x1, y1 = left + min(box.x1, box.x2) * scale, top + min(box.y1, box.y2) * scale
        x2, y2 = left + max(box.x1, box.x2) * scale, top + max(box.y1, box.y2) * scale
        text = " ".join(t for t in (box.label, "" if box.score is None else num(box.score, d)) if t)
        if x2 - x1 < 1 and y2 - y1 < 1:  # a point
            body += [svg_circle(x1, y1, 4, "dot"), svg_line(x1 - 8, y1, x1 + 8, y1, "zero"),
                     svg_line(x1, y1 - 8, x1, y1 + 8, "zero"),
                     svg_text(x1 + 7, y1 - 7, f"{text} ({num(box.x1, d)}, {num(box.y1, d)})".strip(), "halo")]
            continue
        body.append(svg_rect(x1, y1, x2 - x1, y2 - y1, f"r-{role}"))
        body += _hatch(x1, y1, x2, y2) if role == "overlap" else []
        if text:
            body.append(_free_label(x1 + 3, y1 + 12 if y2 - y1 > 16 else y1 - 3, text, taken))
    roles = [r for r in ROLES if any(b.role == r and (b.x1 != b.x2 or b.y1 != b.y2) for b in figure.boxes)]
    x, y = left, top + h + 18
    for role in roles:
        body += [svg_rect(x, y - 9, 20, 10, f"r-{role}"), svg_text(x + 24, y, words[role])]
        body += _hatch(x, y - 9, x + 20, y + 1) if role == "overlap" else []
        x += 36 + text_width(words[role])
    return body, max(left + w + 60, x), y + (8 if roles else -8)


def _free_label(x: float, y: float, text: str, taken: list[tuple[float, float, float]]) -> str:
    """``text`` at (x, y), or lower down, 13 px at a time, until it touches no label placed."""
    w = text_width(text)
    while any(abs(y - ty) < 12 and x < tx + tw and tx < x + w for tx, ty, tw in taken):
        y += 13
    taken.append((x, y, w))
    return svg_text(x, y, text, "halo b")


def _hatch(x1: float, y1: float, x2: float, y2: float, step: float = 6.0) -> list[str]:
    """Diagonal lines filling the rectangle (the overlap reads as hatched in black and white)."""
    out, c = [], x1 + y1 + step
    while c < x2 + y2:
        ax, bx = max(x1, c - y2), min(x2, c - y1)
        out.append(svg_line(ax, c - ax, bx, c - bx, "hatch"))
        c += step
    return out
